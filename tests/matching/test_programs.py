"""Programmes for their people: the invite link, my programmes, scoping, the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from matching.models import Enrolment, Program
from profiles.models import Profile, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def spring(db: None) -> Program:
    return Program.objects.create(
        name="Spring cohort",
        slug="spring",
        description="Six months of mentoring.",
        matching_mode=Program.MatchingMode.BOTH,
    )


def join_url(program: Program) -> str:
    return reverse("matching:program_join", kwargs={"code": program.invite_code})


def test_the_invite_link_asks_strangers_to_log_in_first(spring, client: Client) -> None:
    response = client.get(join_url(spring))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert "next=" in response["Location"]


def test_joining_twice_keeps_one_enrolment_and_turns_the_side_on(
    spring, client: Client, mentee_ana: User
) -> None:
    client.force_login(mentee_ana)
    page = client.get(join_url(spring)).content.decode()
    assert "Join Spring cohort" in page
    assert "Six months of mentoring." in page
    response = client.post(join_url(spring), {"role": "mentee"})
    assert response["Location"] == reverse("matching:program", args=["spring"])
    client.post(join_url(spring), {"role": "both"})
    enrolment = Enrolment.objects.get()
    assert enrolment.role == "both"
    assert enrolment.source == "invite"
    profile = Profile.objects.get(user=mentee_ana)
    assert profile.is_mentee
    assert profile.is_mentor


def test_a_closed_or_ended_programme_says_so(spring, client: Client, mentee_ana: User) -> None:
    client.force_login(mentee_ana)
    spring.enrolment_open = False
    spring.save()
    page = client.post(join_url(spring), {"role": "mentee"}, follow=True).content.decode()
    assert "not taking new members" in page
    spring.enrolment_open = True
    spring.ends_on = timezone.localdate() - timedelta(days=1)
    spring.save()
    page = client.post(join_url(spring), {"role": "mentee"}, follow=True).content.decode()
    assert "ended on" in page
    assert not Enrolment.objects.exists()


def test_an_unknown_code_is_a_404(client: Client, mentee_ana: User) -> None:
    client.force_login(mentee_ana)
    url = reverse("matching:program_join", kwargs={"code": "nope"})
    assert client.get(url).status_code == 404


def test_my_programmes_and_a_programme_page_are_for_members(
    spring, client: Client, mentee_ana: User, stranger_dee: User, django_assert_num_queries
) -> None:
    Enrolment.objects.create(program=spring, user=mentee_ana, role="mentee")
    Program.objects.create(name="Other", slug="other")
    client.force_login(mentee_ana)
    client.get(reverse("matching:programs"))
    # session, user; the programmes with counts and role; live mentorships per
    # programme; the navigation's counts (2).
    with django_assert_num_queries(6):
        page = client.get(reverse("matching:programs")).content.decode()
    assert "Spring cohort" in page
    assert "Other" not in page
    page = client.get(reverse("matching:program", args=["spring"])).content.decode()
    assert "Browse mentors in Spring cohort" in page
    client.force_login(stranger_dee)
    assert client.get(reverse("matching:program", args=["spring"])).status_code == 404


def test_in_an_admin_assigned_programme_mentees_are_told_to_wait(
    spring, client: Client, mentee_ana: User
) -> None:
    spring.matching_mode = Program.MatchingMode.ADMIN_ASSIGNED
    spring.save()
    Enrolment.objects.create(program=spring, user=mentee_ana, role="mentee")
    client.force_login(mentee_ana)
    page = client.get(reverse("matching:program", args=["spring"])).content.decode()
    assert "introduce you to your mentor" in page
    assert "Browse mentors in" not in page
    # Nor can the browse page be scoped to it.
    page = client.get(reverse("matching:browse"), {"program": "spring"}).content.decode()
    assert "Choose one of your programmes" in page


def test_the_api_lists_joins_and_leaves(
    spring, mentee_ana: User, stranger_dee: User, django_assert_num_queries
) -> None:
    api = APIClient()
    api.force_authenticate(mentee_ana)
    assert api.get("/api/v1/programs/").json()["count"] == 0
    refused = api.post("/api/v1/programs/join/", {"code": "nope"})
    assert refused.status_code == 404
    bad_role = api.post("/api/v1/programs/join/", {"code": spring.invite_code, "role": "boss"})
    assert bad_role.status_code == 400
    joined = api.post("/api/v1/programs/join/", {"code": spring.invite_code, "role": "mentee"})
    assert joined.status_code == 200
    assert joined.json()["role"] == "mentee"
    with django_assert_num_queries(2):  # the programmes with counts; live mentorships
        listed = api.get("/api/v1/programs/").json()
    assert [row["slug"] for row in listed["results"]] == ["spring"]
    assert api.get("/api/v1/programs/spring/").status_code == 200
    other = APIClient()
    other.force_authenticate(stranger_dee)
    assert other.get("/api/v1/programs/spring/").status_code == 404
    assert other.post("/api/v1/programs/spring/leave/").status_code == 404
    spring.enrolment_open = False
    spring.save()
    closed = other.post("/api/v1/programs/join/", {"code": spring.invite_code})
    assert closed.status_code == 400
    assert "not taking new members" in closed.json()["detail"]
    assert api.post("/api/v1/programs/spring/leave/").status_code == 204
    assert not Enrolment.objects.filter(user=mentee_ana).exists()
    assert APIClient().get("/api/v1/programs/").status_code == 401


def test_browsing_a_programme_lists_only_its_mentors_for_two_more_queries(
    spring, client: Client
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.matching.people import language, person, tuesday_evening

    english = language("en", "English")
    ana = person("ana@example.org", name="Ana Mentee", mentee=True, languages=[(english, 4)],
                 windows=tuesday_evening())  # fmt: skip
    inside = person("ines@example.org", name="Ines Inside", mentor=True,
                    languages=[(english, 4)], windows=tuesday_evening())  # fmt: skip
    person("otto@example.org", name="Otto Outside", mentor=True, languages=[(english, 4)],
           windows=tuesday_evening())  # fmt: skip
    Enrolment.objects.create(program=spring, user=ana, role="mentee")
    Enrolment.objects.create(program=spring, user=inside, role="mentor")
    client.force_login(ana)
    browse = reverse("matching:browse")
    everyone = client.get(browse).content.decode()
    assert "Otto Outside" in everyone
    assert "Ines Inside" in everyone
    scoped = client.get(browse, {"program": "spring"}).content.decode()
    assert "Ines Inside" in scoped
    assert "Otto Outside" not in scoped
    with CaptureQueriesContext(connection) as plain:
        client.get(browse)
    with CaptureQueriesContext(connection) as in_programme:
        client.get(browse, {"program": "spring"})
    # The chosen programme's row, and its mentors' ids.
    assert len(in_programme) == len(plain) + 2
    api = APIClient()
    api.force_authenticate(ana)
    assert [
        m["id"] for m in api.get("/api/v1/mentors/", {"program": "spring"}).json()["results"]
    ] == [inside.pk]
    outsider = APIClient()
    outsider.force_authenticate(person("zed@example.org", mentee=True))
    refused = outsider.get("/api/v1/mentors/", {"program": "spring"})
    assert refused.status_code == 400
    assert "Choose one of your programmes" in str(refused.json())
