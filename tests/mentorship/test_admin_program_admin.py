"""The Program admin group, and what staff who are not superusers can do with accounts.

Cora is a program admin: staff, in the group, not a superuser. Dan is a staff
member who was also given the right to change users by hand; he still cannot
touch a password, a right or a superuser's account. Ana is an ordinary mentee.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from mentorship.roles import PROGRAM_ADMIN_GROUP, ensure_program_admin_group
from profiles.models import User
from tests.mentorship.admin_world import staff


def _codenames(group: Group) -> set[str]:
    return set(group.permissions.values_list("codename", flat=True))


@pytest.fixture
def coordinator_cora(db: None) -> User:
    cora = staff("cora@example.org")
    cora.groups.add(ensure_program_admin_group())
    return cora


@pytest.fixture
def deputy_dan(db: None) -> User:
    dan = staff("dan@example.org")
    dan.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user", "add_user"])
    )
    return dan


def test_migrate_leaves_the_group_in_place_with_its_permissions(db):
    # The test database was made by migrate, whose post_migrate ran ensure_program_admin_group.
    group = Group.objects.get(name=PROGRAM_ADMIN_GROUP)
    assert {"add_program", "change_enrolment", "delete_pairrule", "view_matchrunpair"} <= (
        _codenames(group)
    )


def test_the_group_runs_programmes_follows_pairs_and_reads_people(db):
    codenames = _codenames(ensure_program_admin_group())
    for model in ("program", "enrolment", "pairrule", "matchrun", "matchrunpair"):
        assert {f"add_{model}", f"change_{model}", f"delete_{model}", f"view_{model}"} <= codenames
    assert {"view_mentorshiprequest", "change_mentorshiprequest", "change_mentorship"} <= codenames
    assert {
        "view_user", "view_profile", "view_goal", "view_session", "view_checkin",
        "view_reflection", "view_notification",
    } <= codenames  # fmt: skip
    # Accounts, groups and rights stay with superusers; pairs are not deleted by hand.
    assert not codenames & {
        "add_user", "change_user", "delete_user", "change_group", "change_permission",
        "delete_mentorship", "change_notification", "change_profile",
    }  # fmt: skip


def test_ensuring_the_group_again_adds_what_is_missing_and_removes_rights_over_accounts(db):
    group = ensure_program_admin_group()
    before = _codenames(group)
    group.permissions.remove(Permission.objects.get(codename="add_program"))
    group.permissions.add(Permission.objects.get(codename="change_user"))
    output = _run_setup_roles()
    assert _codenames(Group.objects.get(name=PROGRAM_ADMIN_GROUP)) == before
    assert f"“{PROGRAM_ADMIN_GROUP}” group ready: {len(before)} permissions." in output
    assert Group.objects.filter(name=PROGRAM_ADMIN_GROUP).count() == 1


def _run_setup_roles() -> str:
    from io import StringIO

    out = StringIO()
    call_command("setup_roles", stdout=out)
    return out.getvalue()


def test_a_program_admin_opens_the_programme_pair_and_people_lists(client, coordinator_cora):
    client.force_login(coordinator_cora)
    for name in (
        "matching_program",
        "matching_mentorship",
        "matching_mentorshiprequest",
        "profiles_user",
        "profiles_goal",
        "sessions_app_checkin",
        "notifications_notification",
    ):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name


def test_a_program_admin_cannot_change_a_person_or_their_password(
    client, coordinator_cora, mentee_ana
):
    client.force_login(coordinator_cora)
    change = reverse("admin:profiles_user_change", args=[mentee_ana.pk])
    page = client.get(change)
    assert page.status_code == 200  # to read
    assert "password" not in page.context["adminform"].form.fields
    posted = client.post(change, {"name": "Ana", "is_active": "on", "is_superuser": "on"})
    assert posted.status_code == 403
    password = reverse("admin:auth_user_password_change", args=[mentee_ana.pk])
    assert client.get(password).status_code == 403
    own = reverse("admin:auth_user_password_change", args=[coordinator_cora.pk])
    assert client.post(own, {"password1": "x" * 12, "password2": "x" * 12}).status_code == 403
    mentee_ana.refresh_from_db()
    assert (mentee_ana.name, mentee_ana.is_superuser) == ("Ana Silva", False)


def test_staff_with_the_right_to_change_users_still_cannot_grant_rights(
    client, deputy_dan, mentee_ana
):
    client.force_login(deputy_dan)
    change = reverse("admin:profiles_user_change", args=[mentee_ana.pk])
    form = client.get(change).context["adminform"].form
    assert set(form.fields) == {"name", "is_active"}
    group = Group.objects.get(name=PROGRAM_ADMIN_GROUP)
    response = client.post(
        change,
        {
            "name": "Ana Souza",
            "is_active": "on",
            # Posted by hand: none of these are fields of his form, so none is saved.
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [group.pk],
            "user_permissions": [Permission.objects.get(codename="change_user").pk],
            "email": "dan+ana@example.org",
            "password": "md5$x$y",
        },
    )
    assert response.status_code == 302
    mentee_ana.refresh_from_db()
    assert mentee_ana.name == "Ana Souza"
    assert (mentee_ana.is_staff, mentee_ana.is_superuser) == (False, False)
    assert mentee_ana.email == "ana@example.org"
    assert not mentee_ana.groups.exists()
    assert not mentee_ana.user_permissions.exists()
    assert mentee_ana.check_password("correct horse battery staple")
    assert client.get(reverse("admin:profiles_user_add")).status_code == 403
    password = reverse("admin:auth_user_password_change", args=[mentee_ana.pk])
    assert client.get(password).status_code == 403


def test_staff_who_are_not_superusers_cannot_edit_a_superuser_or_other_staff(
    client, deputy_dan, admin_cy, coordinator_cora
):
    client.force_login(deputy_dan)
    for person in (admin_cy, coordinator_cora):
        change = reverse("admin:profiles_user_change", args=[person.pk])
        response = client.post(change, {"name": "Taken over", "is_active": ""})
        assert response.status_code == 403
        person.refresh_from_db()
        assert person.name != "Taken over"
        assert person.is_active
        delete = reverse("admin:profiles_user_delete", args=[person.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=admin_cy.pk, is_superuser=True).exists()


def test_a_superuser_keeps_every_field_and_the_password_form(client, admin_cy, mentee_ana):
    client.force_login(admin_cy)
    form = (
        client.get(reverse("admin:profiles_user_change", args=[mentee_ana.pk]))
        .context["adminform"]
        .form
    )
    assert {"email", "password", "is_staff", "is_superuser", "groups"} <= set(form.fields)
    password = reverse("admin:auth_user_password_change", args=[mentee_ana.pk])
    assert client.get(password).status_code == 200
    assert client.get(reverse("admin:profiles_user_add")).status_code == 200


@pytest.mark.parametrize("path", ["admin:index", "admin:matching_program_changelist"])
def test_people_who_are_not_staff_are_sent_to_the_admin_log_in(client, mentee_ana, path):
    client.force_login(mentee_ana)
    response = client.get(reverse(path))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
