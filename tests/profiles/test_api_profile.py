"""The profile API: GET/PATCH me/ with the nested profile, and the taxonomy lists."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from profiles.models import Expertise, Profile, ProfileLanguage
from tests.factories import IndustryFactory, LanguageFactory, SkillCategoryFactory, SkillFactory


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def ana_api(api, mentee_ana) -> APIClient:  # type: ignore[no-untyped-def]
    api.force_authenticate(mentee_ana)
    return api


def test_me_includes_an_empty_profile_the_first_time(ana_api, mentee_ana):
    body = ana_api.get("/api/v1/me/").json()

    assert body["id"] == mentee_ana.pk
    profile = body["profile"]
    assert profile["time_zone"] == "UTC"
    assert profile["is_mentee"] is False
    assert profile["languages"] == []
    assert profile["expertise"] == []
    assert profile["onboarding_completed_at"] is None
    assert {
        "headline",
        "bio",
        "country",
        "current_role",
        "organisation",
        "industry",
        "years_experience",
        "seniority",
        "traits",
        "formats",
        "contact_links",
        "mentoring_kinds",
        "mentor_industries",
        "capacity",
        "accepting_mentees",
        "paused_until",
        "how_i_can_help",
        "session_minutes",
        "session_frequency",
    } <= set(profile)


def test_me_patch_updates_the_profile_languages_and_expertise(ana_api, mentee_ana):
    spanish = LanguageFactory(code="es", name="Spanish")
    python = SkillFactory(name="Python")
    fintech, health = IndustryFactory(name="Fintech"), IndustryFactory(name="Health")

    response = ana_api.patch(
        "/api/v1/me/",
        {
            "name": "Ana S.",
            "profile": {
                "is_mentor": True,
                "headline": "Data engineer",
                "time_zone": "Europe/Lisbon",
                "industry": fintech.pk,
                "traits": ["direct", "reflective"],
                "formats": ["video"],
                "mentoring_kinds": ["career"],
                "contact_links": ["https://example.org/ana"],
                "mentor_industries": [fintech.pk, health.pk],
                "capacity": 3,
                "languages": [{"language": "es", "proficiency": 4}],
                "expertise": [{"skill": python.pk, "level": 5}],
            },
        },
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["name"] == "Ana S."
    profile = body["profile"]
    assert profile["headline"] == "Data engineer"
    assert profile["time_zone"] == "Europe/Lisbon"
    assert profile["languages"] == [{"language": "es", "proficiency": 4}]
    assert profile["expertise"] == [{"skill": python.pk, "skill_name": "Python", "level": 5}]
    assert sorted(profile["mentor_industries"]) == sorted([fintech.pk, health.pk])
    stored = Profile.objects.get(user=mentee_ana)
    assert (stored.is_mentor, stored.capacity, stored.industry) == (True, 3, fintech)
    assert ProfileLanguage.objects.get(profile=stored).language == spanish
    assert Expertise.objects.get(profile=stored).level == 5


def test_me_patch_keeps_the_browser_sessions_time_zone_current(api, mentee_ana):
    api.force_login(mentee_ana)

    response = api.patch("/api/v1/me/", {"profile": {"time_zone": "Asia/Tokyo"}})

    assert response.status_code == 200
    assert api.session["profile_time_zone"] == "Asia/Tokyo"


def test_me_patch_is_partial_and_keeps_what_is_not_sent(ana_api, mentee_ana):
    ana_api.patch("/api/v1/me/", {"profile": {"headline": "First", "capacity": 4}})

    response = ana_api.patch("/api/v1/me/", {"profile": {"bio": "Hello"}})

    assert response.status_code == 200
    profile = response.json()["profile"]
    assert (profile["headline"], profile["capacity"], profile["bio"]) == ("First", 4, "Hello")


def test_me_patch_ignores_fields_a_person_may_not_set(ana_api, mentee_ana, mentor_ben):
    response = ana_api.patch(
        "/api/v1/me/",
        {
            "id": mentor_ben.pk,
            "email": "evil@example.org",
            "is_staff": True,
            "date_joined": "2000-01-01T00:00:00Z",
            "profile": {
                "user": mentor_ben.pk,
                "onboarding_completed_at": "2020-01-01T00:00:00Z",
                "headline": "Mine",
            },
        },
    )

    assert response.status_code == 200
    mentee_ana.refresh_from_db()
    assert (mentee_ana.email, mentee_ana.is_staff) == ("ana@example.org", False)
    assert Profile.objects.get(user=mentee_ana).onboarding_completed_at is None
    assert Profile.objects.get(user=mentee_ana).headline == "Mine"
    assert not Profile.objects.filter(user=mentor_ben).exists()


@pytest.mark.parametrize(
    ("profile", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"capacity": 21}, "capacity"),
        ({"capacity": -1}, "capacity"),
        ({"traits": ["bossy"]}, "traits"),
        ({"traits": ["direct", "direct"]}, "traits"),
        ({"formats": ["telepathy"]}, "formats"),
        ({"mentoring_kinds": ["astrology"]}, "mentoring_kinds"),
        ({"contact_links": ["javascript:alert(1)"]}, "contact_links"),
        ({"years_experience": 71}, "years_experience"),
        ({"seniority": 9}, "seniority"),
        ({"industry": 999999}, "industry"),
        ({"mentor_industries": [999999]}, "mentor_industries"),
        ({"expertise": [{"skill": 999999, "level": 3}]}, "expertise"),
        ({"languages": [{"language": "zz", "proficiency": 3}]}, "languages"),
        ({"languages": [{"language": "es", "proficiency": 9}]}, "languages"),
    ],
)
def test_me_patch_bad_input_answers_400_naming_the_field(ana_api, mentee_ana, profile, field):
    LanguageFactory(code="es", name="Spanish")
    SkillFactory(name="Python")

    response = ana_api.patch("/api/v1/me/", {"profile": profile})

    assert response.status_code == 400
    assert field in response.json()["profile"]
    assert Profile.objects.get_or_create(user=mentee_ana)[0].capacity == 2


def test_me_patch_expertise_level_out_of_range_names_the_field(ana_api):
    python = SkillFactory(name="Python")

    response = ana_api.patch(
        "/api/v1/me/", {"profile": {"expertise": [{"skill": python.pk, "level": 6}]}}
    )

    assert response.status_code == 400
    assert response.json()["profile"]["expertise"]["0"]["level"]


def test_me_patch_a_skill_twice_is_a_rule_break_and_changes_nothing(ana_api, mentee_ana):
    python = SkillFactory(name="Python")

    response = ana_api.patch(
        "/api/v1/me/",
        {
            "profile": {
                "headline": "Changed",
                "expertise": [{"skill": python.pk, "level": 3}, {"skill": python.pk, "level": 4}],
            }
        },
    )

    assert response.status_code == 400
    assert response.json() == {"profile": ["Each skill only once."]}
    assert not Profile.objects.filter(user=mentee_ana, headline="Changed").exists()


def test_me_runs_a_fixed_number_of_queries(ana_api, mentee_ana, django_assert_num_queries):
    ana_api.patch(
        "/api/v1/me/",
        {
            "profile": {
                "languages": [
                    {"language": LanguageFactory().code, "proficiency": 3} for _ in range(4)
                ],
                "expertise": [{"skill": SkillFactory().pk, "level": 3} for _ in range(5)],
                "mentor_industries": [IndustryFactory().pk for _ in range(3)],
            }
        },
    )

    # profile get-or-create, profile with user and industry, then one each for
    # languages (with language), expertise (with skill), mentor industries, availability
    with django_assert_num_queries(6):
        body = ana_api.get("/api/v1/me/").json()
    assert len(body["profile"]["languages"]) == 4
    assert len(body["profile"]["expertise"]) == 5


def test_skills_search_is_paginated_with_categories(ana_api, django_assert_num_queries):
    languages = SkillCategoryFactory(name="Programming languages")
    SkillFactory(name="Python", category=languages)
    SkillFactory(name="Jupyter", category=languages)
    SkillFactory(name="Public speaking")
    for n in range(5):
        SkillFactory(name=f"Python {n}", category=SkillCategoryFactory())

    # count, page rows with their categories
    with django_assert_num_queries(2):
        body = ana_api.get("/api/v1/skills/?search=pyt").json()

    assert body["count"] == 7
    assert body["previous"] is None
    names = [skill["name"] for skill in body["results"]]
    # Names starting with the query come first.
    assert names[0] == "Python"
    assert names[-1] == "Jupyter"
    assert body["results"][0]["category"] == "Programming languages"
    assert set(body["results"][0]) == {"id", "name", "category"}


def test_skills_list_everything_without_a_search(ana_api):
    for _ in range(25):
        SkillFactory()

    body = ana_api.get("/api/v1/skills/").json()

    assert body["count"] == 25
    assert len(body["results"]) == 20
    assert body["next"].endswith("/api/v1/skills/?page=2")


def test_languages_and_industries_list_ids_for_clients(ana_api, django_assert_num_queries):
    for _ in range(4):
        LanguageFactory()
        IndustryFactory()
    LanguageFactory(code="ja", name="Japanese")

    # count, page rows
    with django_assert_num_queries(2):
        languages = ana_api.get("/api/v1/languages/").json()
    with django_assert_num_queries(2):
        industries = ana_api.get("/api/v1/industries/").json()

    assert languages["count"] == 5
    assert {"code": "ja", "name": "Japanese"}.items() <= next(
        item for item in languages["results"] if item["code"] == "ja"
    ).items()
    assert industries["count"] == 4
    assert set(industries["results"][0]) == {"id", "name"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/me/",
        "/api/v1/skills/",
        "/api/v1/languages/",
        "/api/v1/industries/",
        "/api/v1/goals/",
        "/api/v1/goals/1/milestones/",
        "/api/v1/milestones/1/",
        "/api/v1/persona/",
        "/api/v1/availability/",
    ],
)
def test_every_profile_endpoint_needs_authentication(api, db, path):
    response = api.get(path)

    assert response.status_code == 401


def test_the_schema_documents_every_profile_endpoint(api, db):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    paths = schema["paths"]
    assert {
        "/api/v1/me/",
        "/api/v1/goals/",
        "/api/v1/goals/{id}/",
        "/api/v1/goals/{goal_id}/milestones/",
        "/api/v1/milestones/{id}/",
        "/api/v1/persona/",
        "/api/v1/availability/",
        "/api/v1/skills/",
        "/api/v1/languages/",
        "/api/v1/industries/",
    } <= set(paths)
    assert "requestBody" in paths["/api/v1/persona/"]["put"]
    assert "requestBody" in paths["/api/v1/availability/"]["put"]
    assert "400" in paths["/api/v1/goals/"]["post"]["responses"]
    assert "404" in paths["/api/v1/goals/{id}/"]["get"]["responses"]
    components = schema["components"]["schemas"]
    assert "profile" in components["Me"]["properties"]
    assert "milestones" in components["Goal"]["properties"]
