"""The "Program admin" group: staff who run programmes without owning the site.

They run programmes end to end (programmes, enrolments, pair rules, match runs
and their pairs, with the CSV import and export), follow requests and
mentorships, and read people, goals, sessions, check-ins, reflections and
notifications. Nothing here lets them change a password, a staff or superuser
flag, a group or a permission: the group never holds `change_user`, and
`profiles.admin.UserAdmin` keeps those fields to superusers for every staff
member, whatever their permissions.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

PROGRAM_ADMIN_GROUP = "Program admin"

RUNS_PROGRAMMES = ("program", "enrolment", "pairrule", "matchrun", "matchrunpair")
FOLLOWS = ("mentorshiprequest", "mentorship")
READS = {
    "matching": ("requestmessage",),
    "profiles": (
        "user", "profile", "profilelanguage", "expertise", "availabilitywindow", "goal",
        "milestone", "persona", "personaskill", "language", "industry", "skillcategory", "skill",
    ),
    "sessions_app": (
        "session", "sessionoption", "checkin", "reflection", "goaloutcome", "sessionnote",
    ),
    "notifications": ("notification",),
}  # fmt: skip

# A change of account, rights or password is a superuser's, whatever else a group gets.
NEVER = frozenset(
    {
        ("profiles", "add_user"),
        ("profiles", "change_user"),
        ("profiles", "delete_user"),
        ("auth", "add_group"),
        ("auth", "change_group"),
        ("auth", "delete_group"),
        ("auth", "add_permission"),
        ("auth", "change_permission"),
        ("auth", "delete_permission"),
    }
)


def program_admin_codenames() -> list[tuple[str, str]]:
    """(app label, codename) of every permission the group holds."""
    wanted = [
        ("matching", f"{action}_{model}")
        for model in RUNS_PROGRAMMES
        for action in ("add", "change", "delete", "view")
    ]
    # django-import-export checks "<code>_<model>" when these settings name a code.
    for setting in ("IMPORT_EXPORT_IMPORT_PERMISSION_CODE", "IMPORT_EXPORT_EXPORT_PERMISSION_CODE"):
        code = getattr(settings, setting, None)
        if code:
            wanted += [("matching", f"{code}_{model}") for model in RUNS_PROGRAMMES]
    wanted += [
        ("matching", f"{action}_{model}") for model in FOLLOWS for action in ("change", "view")
    ]
    wanted += [(app, f"view_{model}") for app, models in READS.items() for model in models]
    return [pair for pair in dict.fromkeys(wanted) if pair not in NEVER]


def ensure_program_admin_group(*, using: str = "default") -> Group:
    """Create the Program admin group or bring its permissions up to date; safe to repeat."""
    group, _ = Group.objects.using(using).get_or_create(name=PROGRAM_ADMIN_GROUP)
    wanted = program_admin_codenames()
    match = Q(pk__in=[])
    for app_label, codename in wanted:
        match |= Q(content_type__app_label=app_label, codename=codename)
    # Permissions of apps not migrated yet are missing: a later post_migrate adds them.
    group.permissions.add(*Permission.objects.using(using).filter(match))
    # What a superuser added by hand stays, except a right over accounts.
    forbidden = Q(pk__in=[])
    for app_label, codename in NEVER:
        forbidden |= Q(content_type__app_label=app_label, codename=codename)
    group.permissions.remove(*group.permissions.filter(forbidden))
    return group


def on_post_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """post_migrate receiver: every migrate leaves the group as this module describes."""
    ensure_program_admin_group(using=using)
