"""Hostile input and races found in review: each answers cleanly, nothing is stored twice."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from rest_framework.test import APIClient

from profiles import services
from profiles.availability import Window
from profiles.models import AvailabilityWindow, Profile
from tests.factories import SkillFactory


@pytest.fixture
def api(mentee_ana) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(mentee_ana)
    return client


@pytest.mark.parametrize("query", ["ab\x00c", "x" * 5000])
def test_skill_search_survives_nul_and_huge_queries(client, api, mentee_ana, query):
    SkillFactory(name="Python")
    client.force_login(mentee_ana)

    assert client.get("/profile/skills/", {"q": query}).status_code == 200
    assert api.get("/api/v1/skills/", {"search": query}).status_code == 200


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Py\x00thon", "That is not a skill name."),
        ("x" * 200, "That is not a skill name."),
        (",".join(f"s{n}" for n in range(40)), "Up to 30 skills here."),
    ],
)
def test_the_goal_form_refuses_odd_skill_input_next_to_the_field(
    client, mentee_ana, typed, message
):
    client.force_login(mentee_ana)

    response = client.post(
        "/profile/goals/new/", {"title": "Learn", "priority": 2, "skills_add": typed}
    )

    assert response.status_code == 200
    assert message in response.content.decode()


def test_duplicate_persona_skills_answer_400_naming_the_field(api):
    skill = SkillFactory()

    response = api.put(
        "/api/v1/persona/",
        {
            "skills": [
                {"skill": skill.pk, "importance": "must"},
                {"skill": skill.pk, "importance": "nice"},
            ]
        },
        format="json",
    )

    assert response.status_code == 400
    assert "skills" in response.json()


def test_a_target_date_is_checked_in_the_owners_own_day(api, mentee_ana):
    Profile.objects.create(user=mentee_ana, time_zone="Pacific/Honolulu")
    # 05:00 UTC on 22 November is still 21 November in Honolulu.
    with time_machine.travel(datetime(2026, 11, 22, 5, 0, tzinfo=UTC), tick=False):
        response = api.post(
            "/api/v1/goals/", {"title": "Ship it", "target_date": "2026-11-21"}, format="json"
        )

    assert response.status_code == 201, response.json()
    assert response.json()["target_date"] == str(date(2026, 11, 21))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_availability_saves_at_once_never_leave_overlapping_windows():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real concurrent transactions")
    from tests.factories import UserFactory

    profile = Profile.objects.create(user=UserFactory())
    barrier = threading.Barrier(2)

    def save(window: Window) -> None:
        barrier.wait()
        try:
            services.replace_availability(profile=profile, windows=[window])
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(Window(0, 600, 720),)),
        threading.Thread(target=save, args=(Window(0, 660, 780),)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert AvailabilityWindow.objects.filter(profile=profile).count() == 1
