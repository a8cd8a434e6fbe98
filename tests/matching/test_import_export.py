"""Participants' CSV through the admin: preview first, all or nothing, named errors, safe export."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from matching.models import Enrolment, Program
from profiles.models import Goal, Profile, User
from profiles.reference_data import load_reference_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "matching" / "fixtures" / "sample_cohort.csv"
HEADER = "email,name,role,organisation,time_zone,languages,skills,goal,availability,capacity\n"


@pytest.fixture
def spring(db: None) -> Program:
    load_reference_data()
    return Program.objects.create(
        name="Spring 2027 cohort", slug="spring-2027", matching_mode="admin_assigned"
    )


@pytest.fixture
def staff(client: Client, admin_cy: User) -> Client:
    client.force_login(admin_cy)
    return client


def upload(client: Client, program: Program, text: str) -> str:
    """Step one: the file and the programme; the answer is the preview page."""
    response = client.post(
        reverse("admin:matching_enrolment_import"),
        {
            "program": program.pk,
            "format": "0",
            "resource": "0",
            "import_file": SimpleUploadedFile("people.csv", text.encode(), "text/csv"),
        },
    )
    assert response.status_code == 200
    return response.content.decode()


def confirm(client: Client, preview: str) -> str:
    """Step two: the preview's own confirm form, posted as the page would."""
    form = re.search(r'<form[^>]*action="([^"]*process_import[^"]*)"(.*?)</form>', preview, re.S)
    assert form is not None, "the preview offers no confirm button"
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(2)))
    response = client.post(form.group(1), fields, follow=True)
    return response.content.decode()


ANA = (
    "ana@example.org,Ana Silva,mentee,Northwind,Europe/Lisbon,English: fluent,"
    "Python; SQL,Become a backend developer,Tue 18:00-20:00,\n"
)
BEN = (
    "ben@example.org,Ben Okafor,mentor,Globex,Europe/London,English: native,"
    "Python: 5; SQL: 4,,Tue 18:00-20:00; Thu 18:00-20:00,3\n"
)


def test_the_preview_writes_nothing_and_confirming_imports_everyone(spring, staff) -> None:
    preview = upload(staff, spring, HEADER + ANA + BEN)
    assert "ana@example.org" in preview
    assert not User.objects.filter(email="ana@example.org").exists()
    assert not Enrolment.objects.exists()

    confirm(staff, preview)
    ana = User.objects.get(email="ana@example.org")
    ben = User.objects.get(email="ben@example.org")
    assert not ana.has_usable_password()
    assert dict(Enrolment.objects.values_list("user__email", "role")) == {
        "ana@example.org": "mentee",
        "ben@example.org": "mentor",
    }
    assert Enrolment.objects.get(user=ana).source == "import"
    ana_profile, ben_profile = Profile.objects.get(user=ana), Profile.objects.get(user=ben)
    assert ana_profile.is_mentee
    assert ana_profile.time_zone == "Europe/Lisbon"
    assert ana_profile.organisation == "Northwind"
    assert ben_profile.is_mentor
    assert ben_profile.capacity == 3
    assert sorted(ben_profile.expertise.values_list("skill__name", "level")) == [
        ("Python", 5),
        ("SQL", 4),
    ]
    assert ben_profile.availability.count() == 2
    goal = Goal.objects.get(owner=ana)
    assert goal.title == "Become a backend developer"
    assert sorted(goal.skills.values_list("name", flat=True)) == ["Python", "SQL"]


def test_one_bad_row_imports_nothing_and_every_bad_row_is_named(spring, staff) -> None:
    bad = (
        "cy@example.org,Cy,mentee,,Mars/Olympus,English,,,,\n"
        "dee@example.org,Dee,teacher,,Europe/Paris,Klingon: fluent,Juggling,,Someday,\n"
        "ben@example.org,Ben again,mentor,,Europe/London,English,,,,99\n"
    )
    preview = upload(staff, spring, HEADER + ANA + BEN + bad)
    assert "Unknown time zone “Mars/Olympus”" in preview
    assert "Role is mentee, mentor or both." in preview
    assert "Klingon: fluent" in preview
    assert "Unknown skill or level: Juggling" in preview
    assert "Someday" in preview
    assert "already on row 2." in preview
    assert "Capacity is a whole number" in preview
    # No confirm button is offered, and nothing was written.
    assert "process_import" not in preview
    assert not User.objects.filter(email__in=["ana@example.org", "ben@example.org"]).exists()
    assert not Enrolment.objects.exists()


def test_a_file_cannot_set_staff_flags_or_touch_staff_accounts(spring, staff) -> None:
    text = (
        "email,name,role,is_staff,is_superuser,password\neve@example.org,Eve,mentee,1,1,hunter2\n"
    )
    confirm(staff, upload(staff, spring, text))
    eve = User.objects.get(email="eve@example.org")
    assert not eve.is_staff
    assert not eve.is_superuser
    assert not eve.check_password("hunter2")
    UserFactory(email="boss@example.org", is_staff=True)
    preview = upload(staff, spring, "email,name,role\nboss@example.org,Boss,mentee\n")
    assert "is a staff account" in preview
    assert not Enrolment.objects.filter(user__email="boss@example.org").exists()


def test_importing_again_updates_instead_of_duplicating(spring, staff) -> None:
    confirm(staff, upload(staff, spring, HEADER + ANA))
    changed = ANA.replace("mentee,Northwind", "both,Southwind")
    confirm(staff, upload(staff, spring, HEADER + changed))
    assert User.objects.filter(email="ana@example.org").count() == 1
    enrolment = Enrolment.objects.get()
    assert enrolment.role == "both"
    assert Profile.objects.get(user=enrolment.user).organisation == "Southwind"
    assert Goal.objects.filter(owner=enrolment.user).count() == 1


def test_the_sample_cohort_imports_cleanly(spring, staff) -> None:
    confirm(staff, upload(staff, spring, SAMPLE.read_text()))
    enrolled = Enrolment.objects.filter(program=spring)
    assert enrolled.filter(role="mentor").count() == 10
    assert enrolled.filter(role="mentee").count() == 30


def test_the_export_escapes_formulas(spring, staff) -> None:
    for name in ("=HYPERLINK(1)", "+1 555", "-2", "@SUM(A1)"):
        user = UserFactory(email=f"{len(name)}{name[1:3].strip()}@example.org".lower(), name=name)
        Enrolment.objects.create(program=spring, user=user, role="mentee")
    response = staff.post(
        reverse("admin:matching_enrolment_export") + f"?program__id__exact={spring.pk}",
        {
            "format": "0",
            "resource": "0",
            **{f"participantresource_{column}": "on" for column in ("email", "name", "role")},
        },
    )
    assert response.status_code == 200, response.content[:500]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    names = sorted(row[1] for row in rows[1:])
    assert names == ["'+1 555", "'-2", "'=HYPERLINK(1)", "'@SUM(A1)"]


def test_only_staff_may_import(spring, client: Client, mentee_ana: User) -> None:
    url = reverse("admin:matching_enrolment_import")
    assert client.get(url).status_code == 302
    client.force_login(mentee_ana)
    response = client.get(url)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_programme_changelists_cost_fixed_queries(
    spring, staff, django_assert_num_queries
) -> None:
    for n in range(3):
        Enrolment.objects.create(
            program=spring, user=UserFactory(email=f"p{n}@example.org"), role="mentee"
        )
    urls = {
        # session, user; count twice; the page of programmes with their counts (one
        # annotated query); unread notifications.
        reverse("admin:matching_program_changelist"): 6,
        # session, user; the programme filter's choices; count twice; the page with
        # people, profiles and programmes; the date hierarchy (2); notifications.
        reverse("admin:matching_enrolment_changelist"): 9,
        # session, user; the programme filter; count twice; the page; notifications.
        reverse("admin:matching_pairrule_changelist"): 7,
    }
    for url, expected in urls.items():
        staff.get(url)
        with django_assert_num_queries(expected):
            assert staff.get(url).status_code == 200


def test_staff_without_the_enrolment_right_may_not_import(spring, client: Client) -> None:
    from django.contrib.auth.models import Permission

    clerk = UserFactory(email="clerk@example.org", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_enrolment"))
    client.force_login(clerk)
    assert client.get(reverse("admin:matching_enrolment_import")).status_code == 403
    clerk.user_permissions.add(Permission.objects.get(codename="add_enrolment"))
    client.force_login(User.objects.get(pk=clerk.pk))
    assert client.get(reverse("admin:matching_enrolment_import")).status_code == 200
