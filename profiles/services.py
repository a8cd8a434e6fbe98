from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.core.internal.ratelimit import parse_rates
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from mentorship.exceptions import LimitReached, RuleViolation
from mentorship.notifications.services import notify, release_held
from profiles.availability import Window, window_problems
from profiles.models import (
    AvailabilityWindow,
    DataClock,
    EmailFrequency,
    Expertise,
    Goal,
    Industry,
    Language,
    Milestone,
    Persona,
    PersonaSkill,
    Proficiency,
    Profile,
    ProfileLanguage,
    Skill,
    User,
)


def welcome_new_member(*, user: User) -> None:
    """Greet a person who just joined, by email and in the app, exactly once."""
    notify(
        recipient=user,
        kind="welcome",
        key=f"welcome:{user.pk}",
        context={"name": user.display_name},
        url=reverse("dashboard"),
    )


def issue_api_token(*, request: HttpRequest, email: str, password: str) -> Token:
    """Give an API token to a person who could log in on the web with these credentials.

    The same rules as the log-in page: allauth's failed-attempt limits (per
    account and per address) and, when verification is mandatory, a confirmed
    email address.
    """
    try:
        user = get_adapter(request).authenticate(request, email=email, password=password)
    except ValidationError:
        window = max(
            rate.duration for rate in parse_rates(settings.ACCOUNT_RATE_LIMITS["login_failed"])
        )
        raise LimitReached(
            "Too many failed log-in attempts. Wait a few minutes, or reset your password.",
            retry_after=int(window),
            code="too_many_attempts",
        ) from None
    if user is None or not user.is_active:
        # The same answer for an unknown email and a wrong password.
        raise RuleViolation("Email or password is not correct.", code="invalid_credentials")
    if (
        settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory"
        and not EmailAddress.objects.filter(user=user, verified=True).exists()
    ):
        raise RuleViolation(
            "Confirm your email address first: follow the link we emailed you.",
            code="email_not_verified",
        )
    token, _ = Token.objects.get_or_create(user=user)
    return token


# --- Change stamps for matching -------------------------------------------------------


def mark_profiles_changed(
    *, profile_ids: list[int] | None = None, user_ids: list[int] | None = None
) -> int:
    """Stamp people whose matching data changed with a new DataClock version.

    Called inside the change's transaction; every process's mentor index sees
    the new version at its next browse and re-encodes just these people.
    """
    with transaction.atomic():
        if not DataClock.objects.filter(pk=1).update(version=F("version") + 1):
            DataClock.objects.get_or_create(pk=1)
            DataClock.objects.filter(pk=1).update(version=F("version") + 1)
        version = DataClock.objects.values_list("version", flat=True).get(pk=1)
        people = Profile.objects.none()
        if profile_ids:
            people |= Profile.objects.filter(pk__in=profile_ids)
        if user_ids:
            people |= Profile.objects.filter(user_id__in=user_ids)
        people.update(data_version=version)
    return version


def mark_taxonomy_changed() -> int:
    """Skills, languages or industries changed: every index rebuilds its vocabulary."""
    with transaction.atomic():
        version = mark_profiles_changed()
        DataClock.objects.filter(pk=1).update(taxonomy_version=F("taxonomy_version") + 1)
    return version


def stamp_unversioned_profiles() -> int:
    """Stamp every profile never stamped (bulk-created ones) with a new version."""
    with transaction.atomic():
        version = mark_profiles_changed()
        Profile.objects.filter(data_version=0).update(data_version=version)
    return version


# --- Profile -------------------------------------------------------------------------


def ensure_profile(*, user: User) -> Profile:
    """The person's profile, created empty the first time it is needed."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


PROFILE_FIELDS = frozenset({
    "is_mentee", "is_mentor", "headline", "bio", "country", "time_zone", "current_role",
    "organisation", "industry", "years_experience", "seniority", "traits", "formats",
    "contact_links", "mentoring_kinds", "capacity", "accepting_mentees", "paused_until",
    "how_i_can_help", "session_minutes", "session_frequency",
})  # fmt: skip


@transaction.atomic
def update_profile(
    *,
    profile: Profile,
    fields: dict[str, Any],
    languages: list[tuple[Language, int]] | None = None,
    mentor_industries: list[Industry] | None = None,
) -> Profile:
    """Change what a person says about themselves; only their own profile's own fields."""
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise RuleViolation(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    resumed = fields.get("accepting_mentees") is True and not profile.accepting_mentees
    for name, value in fields.items():
        setattr(profile, name, value)
    if resumed:
        # Back to taking requests: earlier expired requests no longer count towards a pause.
        profile.expiry_streak_since = timezone.now()
        fields = {**fields, "expiry_streak_since": profile.expiry_streak_since}
    try:
        profile.full_clean(exclude=["user"])
    except ValidationError as error:
        raise RuleViolation(_first_error(error), code="invalid_profile") from error
    profile.save(update_fields=[*fields, "updated_at"] if fields else ["updated_at"])
    if languages is not None:
        replace_languages(profile=profile, languages=languages)
    if mentor_industries is not None:
        profile.mentor_industries.set(mentor_industries)
    mark_profiles_changed(profile_ids=[profile.pk])
    return profile


def _first_error(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        field, messages = next(iter(error.message_dict.items()))
        return f"{field}: {messages[0]}"
    return str(error.messages[0])


@transaction.atomic
def replace_languages(*, profile: Profile, languages: list[tuple[Language, int]]) -> None:
    _lock(profile)
    seen = [language.pk for language, _ in languages]
    if len(set(seen)) != len(seen):
        raise RuleViolation("Each language only once.", code="duplicate_language")
    if any(level not in Proficiency.values for _, level in languages):
        raise RuleViolation("Unknown proficiency level.", code="invalid_proficiency")
    ProfileLanguage.objects.filter(profile=profile).delete()
    ProfileLanguage.objects.bulk_create(
        ProfileLanguage(profile=profile, language=language, proficiency=level)
        for language, level in languages
    )
    mark_profiles_changed(profile_ids=[profile.pk])


@transaction.atomic
def replace_expertise(*, profile: Profile, items: list[tuple[Skill, int]]) -> None:
    """What a mentor can help with: each skill once, at a level from 1 to 5."""
    _lock(profile)
    skills = [skill.pk for skill, _ in items]
    if len(set(skills)) != len(skills):
        raise RuleViolation("Each skill only once.", code="duplicate_skill")
    if any(not 1 <= level <= 5 for _, level in items):
        raise RuleViolation(
            "Levels go from 1 (some experience) to 5 (expert).", code="invalid_level"
        )
    Expertise.objects.filter(profile=profile).delete()
    Expertise.objects.bulk_create(
        Expertise(profile=profile, skill=skill, level=level) for skill, level in items
    )
    mark_profiles_changed(profile_ids=[profile.pk])


@transaction.atomic
def replace_availability(*, profile: Profile, windows: list[Window]) -> None:
    """The person's weekly windows, in their own time zone, all at once."""
    _lock(profile)
    problems = window_problems(windows)
    if problems:
        raise RuleViolation(" ".join(problems), code="invalid_availability")
    AvailabilityWindow.objects.filter(profile=profile).delete()
    AvailabilityWindow.objects.bulk_create(
        AvailabilityWindow(
            profile=profile, weekday=w.weekday, start_minute=w.start_minute, end_minute=w.end_minute
        )
        for w in windows
    )
    mark_profiles_changed(profile_ids=[profile.pk])


def _lock(profile: Profile) -> None:
    # Two saves at once (a double submit, two tabs) must not interleave their
    # delete-then-insert and leave both sets of rows.
    Profile.objects.select_for_update().filter(pk=profile.pk).first()


def complete_onboarding(*, profile: Profile) -> None:
    if profile.onboarding_completed_at is None:
        profile.onboarding_completed_at = timezone.now()
        profile.save(update_fields=["onboarding_completed_at", "updated_at"])


# --- Goals and milestones --------------------------------------------------------------

GOAL_FIELDS = frozenset({"title", "description", "why_it_matters", "target_date", "priority"})


def _check_target_date(target_date: date | None, *, owner: User) -> None:
    if target_date is None:
        return
    # "Today" is the owner's today, whatever zone the request came in with.
    zone = Profile.objects.filter(user=owner).values_list("time_zone", flat=True).first()
    today = timezone.localdate(timezone=ZoneInfo(zone or "UTC"))
    if target_date < today:
        raise RuleViolation("The target date is in the past.", code="target_date_in_past")


@transaction.atomic
def create_goal(*, owner: User, fields: dict[str, Any], skills: list[Skill]) -> Goal:
    unknown = set(fields) - GOAL_FIELDS
    if unknown:
        raise RuleViolation(f"These cannot be set: {', '.join(sorted(unknown))}.")
    _check_target_date(fields.get("target_date"), owner=owner)
    goal = Goal.objects.create(owner=owner, **fields)
    goal.skills.set(skills)
    mark_profiles_changed(user_ids=[owner.pk])
    return goal


@transaction.atomic
def update_goal(*, goal: Goal, fields: dict[str, Any], skills: list[Skill] | None = None) -> Goal:
    unknown = set(fields) - GOAL_FIELDS - {"status"}
    if unknown:
        raise RuleViolation(f"These cannot be changed: {', '.join(sorted(unknown))}.")
    if "target_date" in fields and fields["target_date"] != goal.target_date:
        _check_target_date(fields["target_date"], owner=goal.owner)
    status = fields.pop("status", None)
    for name, value in fields.items():
        setattr(goal, name, value)
    goal.save(update_fields=list(fields) or None)
    if skills is not None:
        goal.skills.set(skills)
    if status is not None and status != goal.status:
        set_goal_status(goal=goal, status=status)
    mark_profiles_changed(user_ids=[goal.owner_id])
    return goal


def set_goal_status(*, goal: Goal, status: str) -> bool:
    """Mark a goal achieved, dropped or active again; True when it was just achieved."""
    if status not in Goal.Status.values:
        raise RuleViolation("Unknown goal status.", code="invalid_status")
    just_achieved = status == Goal.Status.ACHIEVED and goal.status != Goal.Status.ACHIEVED
    goal.status = status
    goal.achieved_at = timezone.now() if status == Goal.Status.ACHIEVED else None
    goal.save(update_fields=["status", "achieved_at"])
    # Only active goals' skills count for matching.
    mark_profiles_changed(user_ids=[goal.owner_id])
    if just_achieved:
        _celebrate_with_mentors(goal=goal)
    return just_achieved


@transaction.atomic
def delete_goal(*, goal: Goal) -> None:
    goal.delete()
    mark_profiles_changed(user_ids=[goal.owner_id])


def add_milestone(*, goal: Goal, title: str, due_date: date | None = None) -> Milestone:
    if not title.strip():
        raise RuleViolation("A milestone needs a title.", code="missing_title")
    _check_target_date(due_date, owner=goal.owner)
    return Milestone.objects.create(goal=goal, title=title.strip(), due_date=due_date)


def set_milestone_done(*, milestone: Milestone, done: bool) -> bool:
    """Tick or untick a milestone; True when it was just reached (time to celebrate)."""
    just_done = done and milestone.done_at is None
    milestone.done_at = (milestone.done_at or timezone.now()) if done else None
    milestone.save(update_fields=["done_at"])
    if just_done:
        _celebrate_with_mentors(milestone=milestone)
    return just_done


def _celebrate_with_mentors(
    *, goal: Goal | None = None, milestone: Milestone | None = None
) -> None:
    """Tell the mentors of the goal's live mentorships (the goals page, the API and check-ins
    all come through here, so none of them can forget)."""
    # Imported here: sessions_app imports profiles at module level, so importing
    # it back at the top of this module would be an import cycle.
    from sessions_app.services.checkins import celebrate_goal, celebrate_milestone

    if goal is not None:
        celebrate_goal(goal=goal)
    if milestone is not None:
        celebrate_milestone(milestone=milestone)


def delete_milestone(*, milestone: Milestone) -> None:
    milestone.delete()


# --- The mentor persona ------------------------------------------------------------------

PERSONA_FIELDS = frozenset({
    "min_years_experience", "seniority", "traits", "formats", "frequency", "min_shared_hours",
    "ideal_mentor",
})  # fmt: skip


@transaction.atomic
def save_persona(
    *,
    owner: User,
    fields: dict[str, Any],
    skills: list[tuple[Skill, str]] | None = None,
    industries: list[Industry] | None = None,
    languages: list[Language] | None = None,
) -> Persona:
    """The mentor a mentee is looking for: must-haves, nice-to-haves and why."""
    unknown = set(fields) - PERSONA_FIELDS
    if unknown:
        raise RuleViolation(f"These cannot be set: {', '.join(sorted(unknown))}.")
    persona, _ = Persona.objects.get_or_create(owner=owner)
    for name, value in fields.items():
        setattr(persona, name, value)
    try:
        persona.full_clean(exclude=["owner"])
    except ValidationError as error:
        raise RuleViolation(_first_error(error), code="invalid_persona") from error
    persona.save()
    if skills is not None:
        ids = [skill.pk for skill, _ in skills]
        if len(set(ids)) != len(ids):
            raise RuleViolation("Each skill only once.", code="duplicate_skill")
        if any(importance not in PersonaSkill.Importance.values for _, importance in skills):
            raise RuleViolation("Importance is must or nice.", code="invalid_importance")
        PersonaSkill.objects.filter(persona=persona).delete()
        PersonaSkill.objects.bulk_create(
            PersonaSkill(persona=persona, skill=skill, importance=importance)
            for skill, importance in skills
        )
    if industries is not None:
        persona.industries.set(industries)
    if languages is not None:
        persona.languages.set(languages)
    mark_profiles_changed(user_ids=[owner.pk])
    return persona


def rename_member(*, user: User, name: str) -> User:
    """Change the full name a person is shown by."""
    user.name = name.strip()
    user.save(update_fields=["name"])
    return user


def update_milestone(*, milestone: Milestone, fields: dict[str, Any]) -> Milestone:
    """Rename a milestone or move its due date."""
    unknown = set(fields) - {"title", "due_date"}
    if unknown:
        raise RuleViolation(f"These cannot be changed: {', '.join(sorted(unknown))}.")
    if "title" in fields:
        if not fields["title"].strip():
            raise RuleViolation("A milestone needs a title.", code="missing_title")
        milestone.title = fields["title"].strip()
    if "due_date" in fields and fields["due_date"] != milestone.due_date:
        _check_target_date(fields["due_date"], owner=milestone.goal.owner)
        milestone.due_date = fields["due_date"]
    milestone.save(update_fields=["title", "due_date"])
    return milestone


# --- Pausing and resuming mentoring ---------------------------------------------------

RESUME_SALT = "profiles.resume-mentoring"


def resume_link(*, user: User) -> str:
    """A signed path that lets this mentor resume taking requests in one step."""
    return reverse("profiles:resume", args=[signing.dumps(user.pk, salt=RESUME_SALT)])


def user_for_resume_token(*, token: str) -> User:
    """The mentor a resume link was made for; RuleViolation when it is expired or forged."""
    try:
        user_id = signing.loads(
            token, salt=RESUME_SALT, max_age=settings.RESUME_LINK_DAYS * 24 * 3600
        )
    except signing.SignatureExpired as error:
        raise RuleViolation(
            "This link has expired. Log in and switch on “I am accepting new mentees” "
            "on your profile instead.",
            code="link_expired",
        ) from error
    except signing.BadSignature as error:
        raise RuleViolation("This link is not valid.", code="link_invalid") from error
    user = User.objects.filter(pk=user_id, is_active=True, profile__is_mentor=True).first()
    if user is None:
        raise RuleViolation("This link is not valid.", code="link_invalid")
    return user


@transaction.atomic
def resume_mentoring(*, user: User) -> Profile:
    """Take requests again: accepting, no pause date, and a fresh count of expiries."""
    profile = Profile.objects.select_for_update().get(user=user)
    profile.accepting_mentees = True
    profile.paused_until = None
    profile.expiry_streak_since = timezone.now()
    profile.save(
        update_fields=["accepting_mentees", "paused_until", "expiry_streak_since", "updated_at"]
    )
    mark_profiles_changed(profile_ids=[profile.pk])
    return profile


# --- Email frequency ------------------------------------------------------------------------


@transaction.atomic
def set_email_frequency(*, user: User, frequency: str) -> Profile:
    """Choose how notifications reach the inbox; what was held for the digest is not lost."""
    if frequency not in EmailFrequency.values:
        raise RuleViolation("Choose one of the three email options.", code="invalid_frequency")
    ensure_profile(user=user)
    profile = Profile.objects.select_for_update().get(user=user)
    if profile.email_frequency == frequency:
        return profile
    profile.email_frequency = frequency
    profile.save(update_fields=["email_frequency", "updated_at"])
    if frequency == EmailFrequency.IMMEDIATELY:
        # Everything waiting for the digest goes out now, after commit.
        release_held(user=user, email=True)
    elif frequency == EmailFrequency.ESSENTIALS:
        # Waiting non-essential items stay in the app, and are not emailed.
        release_held(user=user, email=False)
    return profile
