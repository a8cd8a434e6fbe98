"""The mentor persona (GET/PUT persona/) and weekly availability (GET/PUT availability/)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from profiles.models import AvailabilityWindow, Persona, PersonaSkill, Profile
from tests.factories import IndustryFactory, LanguageFactory, SkillFactory


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def ana_api(api, mentee_ana) -> APIClient:  # type: ignore[no-untyped-def]
    api.force_authenticate(mentee_ana)
    return api


# --- Persona ---------------------------------------------------------------------------------


def test_persona_is_an_empty_shape_before_it_is_described(ana_api, mentee_ana):
    response = ana_api.get("/api/v1/persona/")

    assert response.status_code == 200
    assert response.json() == {
        "skills": [],
        "industries": [],
        "languages": [],
        "min_years_experience": None,
        "seniority": None,
        "traits": [],
        "formats": [],
        "frequency": "",
        "min_shared_hours": 0,
        "ideal_mentor": "",
        "updated_at": None,
    }
    assert not Persona.objects.exists()


def test_put_persona_saves_it_and_get_shows_it(ana_api, mentee_ana):
    python, sql = SkillFactory(name="Python"), SkillFactory(name="SQL")
    fintech = IndustryFactory(name="Fintech")
    LanguageFactory(code="en", name="English")
    LanguageFactory(code="pt", name="Portuguese")
    payload = {
        "skills": [
            {"skill": python.pk, "importance": "must"},
            {"skill": sql.pk, "importance": "nice"},
        ],
        "industries": [fintech.pk],
        "languages": ["en", "pt"],
        "min_years_experience": 8,
        "seniority": 4,
        "traits": ["direct", "structured"],
        "formats": ["video", "chat"],
        "frequency": "fortnightly",
        "min_shared_hours": 3,
        "ideal_mentor": "Someone who has built data platforms.",
    }

    response = ana_api.put("/api/v1/persona/", payload)

    assert response.status_code == 200, response.json()
    shown = ana_api.get("/api/v1/persona/").json()
    assert shown["skills"] == [
        {"skill": python.pk, "skill_name": "Python", "importance": "must"},
        {"skill": sql.pk, "skill_name": "SQL", "importance": "nice"},
    ]
    assert shown["industries"] == [fintech.pk]
    assert sorted(shown["languages"]) == ["en", "pt"]
    assert (shown["min_years_experience"], shown["seniority"], shown["min_shared_hours"]) == (
        8,
        4,
        3,
    )
    assert shown["ideal_mentor"] == "Someone who has built data platforms."
    assert Persona.objects.get().owner == mentee_ana


def test_put_persona_replaces_what_is_left_out(ana_api, mentee_ana):
    python = SkillFactory(name="Python")
    ana_api.put(
        "/api/v1/persona/",
        {"skills": [{"skill": python.pk, "importance": "must"}], "min_shared_hours": 5},
    )

    response = ana_api.put("/api/v1/persona/", {"traits": ["reflective"]})

    assert response.status_code == 200
    body = response.json()
    assert (body["skills"], body["min_shared_hours"], body["traits"]) == ([], 0, ["reflective"])
    assert not PersonaSkill.objects.exists()


def test_put_persona_only_ever_touches_the_own_persona(ana_api, mentee_ana, mentor_ben):
    Persona.objects.create(owner=mentor_ben, ideal_mentor="Ben's")

    response = ana_api.put(
        "/api/v1/persona/", {"owner": mentor_ben.pk, "id": 1, "ideal_mentor": "Ana's"}
    )

    assert response.status_code == 200
    assert Persona.objects.get(owner=mentor_ben).ideal_mentor == "Ben's"
    assert Persona.objects.get(owner=mentee_ana).ideal_mentor == "Ana's"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"skills": [{"skill": 999999, "importance": "must"}]}, "skills"),
        ({"skills": [{"skill": "PYTHON", "importance": "essential"}]}, "skills"),
        ({"industries": [999999]}, "industries"),
        ({"languages": ["zz"]}, "languages"),
        ({"min_years_experience": 51}, "min_years_experience"),
        ({"seniority": 0}, "seniority"),
        ({"traits": ["bossy"]}, "traits"),
        ({"formats": ["carrier pigeon"]}, "formats"),
        ({"frequency": "hourly"}, "frequency"),
        ({"min_shared_hours": 41}, "min_shared_hours"),
    ],
)
def test_put_persona_bad_input_answers_400_naming_the_field(ana_api, payload, field):
    response = ana_api.put("/api/v1/persona/", payload)

    assert response.status_code == 400
    assert field in response.json()
    assert not Persona.objects.exists()


def test_put_persona_refuses_a_skill_twice(ana_api):
    python = SkillFactory(name="Python")

    response = ana_api.put(
        "/api/v1/persona/",
        {
            "skills": [
                {"skill": python.pk, "importance": "must"},
                {"skill": python.pk, "importance": "nice"},
            ]
        },
    )

    assert response.status_code == 400
    assert response.json() == {"skills": ["Each skill only once."]}


def test_get_persona_runs_a_fixed_number_of_queries(ana_api, mentee_ana, django_assert_num_queries):
    ana_api.put(
        "/api/v1/persona/",
        {
            "skills": [{"skill": SkillFactory().pk, "importance": "must"} for _ in range(6)],
            "industries": [IndustryFactory().pk for _ in range(4)],
            "languages": [LanguageFactory().code for _ in range(3)],
        },
    )

    # persona, its skills (with skill), industries, languages
    with django_assert_num_queries(4):
        body = ana_api.get("/api/v1/persona/").json()
    assert (len(body["skills"]), len(body["industries"]), len(body["languages"])) == (6, 4, 3)


# --- Availability ------------------------------------------------------------------------------


def test_availability_starts_empty_in_the_profile_time_zone(ana_api, mentee_ana):
    Profile.objects.create(user=mentee_ana, time_zone="Asia/Tokyo")

    assert ana_api.get("/api/v1/availability/").json() == {
        "time_zone": "Asia/Tokyo",
        "windows": [],
        "hours_per_week": 0.0,
    }


def test_put_availability_replaces_every_window(ana_api, mentee_ana):
    Profile.objects.create(user=mentee_ana, time_zone="America/Los_Angeles")
    ana_api.put(
        "/api/v1/availability/", {"windows": [{"weekday": 6, "start": "08:00", "end": "09:00"}]}
    )

    response = ana_api.put(
        "/api/v1/availability/",
        {
            "time_zone": "Europe/Paris",
            "windows": [
                {"weekday": 1, "start": "18:00", "end": "20:00"},
                {"weekday": 0, "start": "07:15", "end": "08:45"},
                {"weekday": 4, "start": "22:00", "end": "24:00"},
            ],
        },
    )

    assert response.status_code == 200, response.json()
    assert response.json() == {
        # The zone is the profile's; it changes through PATCH me/, not here.
        "time_zone": "America/Los_Angeles",
        "windows": [
            {"weekday": 0, "start": "07:15", "end": "08:45"},
            {"weekday": 1, "start": "18:00", "end": "20:00"},
            {"weekday": 4, "start": "22:00", "end": "24:00"},
        ],
        "hours_per_week": 5.5,
    }
    assert AvailabilityWindow.objects.count() == 3


def test_put_availability_with_no_windows_clears_them(ana_api, mentee_ana):
    ana_api.put(
        "/api/v1/availability/", {"windows": [{"weekday": 2, "start": "10:00", "end": "11:00"}]}
    )

    response = ana_api.put("/api/v1/availability/", {"windows": []})

    assert response.json()["windows"] == []
    assert not AvailabilityWindow.objects.exists()


@pytest.mark.parametrize(
    ("windows", "words"),
    [
        (
            [
                {"weekday": 0, "start": "18:00", "end": "20:00"},
                {"weekday": 0, "start": "19:00", "end": "21:00"},
            ],
            "overlaps",
        ),
        ([{"weekday": 2, "start": "20:00", "end": "18:00"}], "ends before it starts"),
        ([{"weekday": 3, "start": "18:10", "end": "19:00"}], "quarter hours"),
    ],
)
def test_put_availability_rule_breaks_answer_400_on_windows(ana_api, mentee_ana, windows, words):
    ana_api.put(
        "/api/v1/availability/", {"windows": [{"weekday": 5, "start": "10:00", "end": "11:00"}]}
    )

    response = ana_api.put("/api/v1/availability/", {"windows": windows})

    assert response.status_code == 400
    assert words in response.json()["windows"][0]
    # What was there stays.
    assert list(AvailabilityWindow.objects.values_list("weekday", flat=True)) == [5]


@pytest.mark.parametrize(
    "window",
    [
        {"weekday": 7, "start": "18:00", "end": "20:00"},
        {"weekday": 0, "start": "6pm", "end": "20:00"},
        {"weekday": 0, "start": "18:00", "end": "25:00"},
        {"weekday": 0, "start": "18:00"},
    ],
)
def test_put_availability_bad_shapes_answer_400_on_windows(ana_api, window):
    response = ana_api.put("/api/v1/availability/", {"windows": [window]})

    assert response.status_code == 400
    assert "windows" in response.json()


def test_put_availability_needs_windows(ana_api):
    response = ana_api.put("/api/v1/availability/", {})

    assert response.status_code == 400
    assert "windows" in response.json()


def test_get_availability_runs_a_fixed_number_of_queries(
    ana_api, mentee_ana, django_assert_num_queries
):
    windows = [{"weekday": day, "start": "18:00", "end": "20:00"} for day in range(7)]
    ana_api.put("/api/v1/availability/", {"windows": windows})

    # profile (get or create), its windows
    with django_assert_num_queries(2):
        body = ana_api.get("/api/v1/availability/").json()
    assert len(body["windows"]) == 7
    assert body["hours_per_week"] == 14.0
