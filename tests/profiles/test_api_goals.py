"""Goals and milestones over the API: own rows only, services for every change."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from rest_framework.test import APIClient

from profiles.models import Goal, Milestone
from tests.factories import GoalFactory, MilestoneFactory, SkillFactory

TODAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _frozen_clock():  # type: ignore[no-untyped-def]
    with time_machine.travel("2026-03-10 09:00:00+00:00", tick=False):
        yield


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def ana_api(api, mentee_ana) -> APIClient:  # type: ignore[no-untyped-def]
    api.force_authenticate(mentee_ana)
    return api


def test_create_a_goal_with_skills(ana_api, mentee_ana):
    python, sql = SkillFactory(name="Python"), SkillFactory(name="SQL")

    response = ana_api.post(
        "/api/v1/goals/",
        {
            "title": "Become a data engineer",
            "why_it_matters": "I love pipelines",
            "target_date": "2026-12-31",
            "priority": 1,
            "skills": [python.pk, sql.pk],
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["title"] == "Become a data engineer"
    assert body["status"] == "active"
    assert sorted(body["skills"]) == sorted([python.pk, sql.pk])
    assert body["milestones"] == []
    goal = Goal.objects.get(pk=body["id"])
    assert goal.owner == mentee_ana


def test_create_an_already_achieved_goal_records_when(ana_api):
    response = ana_api.post("/api/v1/goals/", {"title": "Ship it", "status": "achieved"})

    assert response.status_code == 201
    assert response.json()["status"] == "achieved"
    assert response.json()["achieved_at"].startswith("2026-03-10")


def test_create_ignores_owner_and_read_only_fields(ana_api, mentee_ana, mentor_ben):
    response = ana_api.post(
        "/api/v1/goals/",
        {
            "title": "Mine",
            "owner": mentor_ben.pk,
            "achieved_at": "2020-01-01T00:00:00Z",
            "created_at": "2020-01-01T00:00:00Z",
            "id": 12345,
        },
    )

    assert response.status_code == 201
    goal = Goal.objects.get()
    assert goal.owner == mentee_ana
    assert goal.achieved_at is None
    assert goal.pk != 12345


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "x", "target_date": "2026-03-09"}, "target_date"),
        ({"title": "x", "target_date": "soon"}, "target_date"),
        ({"title": "x", "skills": [999999]}, "skills"),
        ({"title": "x", "priority": 7}, "priority"),
        ({"title": "x", "status": "forgotten"}, "status"),
        ({"title": ""}, "title"),
        ({}, "title"),
    ],
)
def test_create_bad_input_answers_400_naming_the_field(ana_api, payload, field):
    response = ana_api.post("/api/v1/goals/", payload)

    assert response.status_code == 400
    assert field in response.json()
    assert not Goal.objects.exists()


def test_list_shows_only_own_goals_paginated(
    ana_api, mentee_ana, mentor_ben, django_assert_num_queries
):
    skills = [SkillFactory() for _ in range(3)]
    for n in range(22):
        goal = GoalFactory(owner=mentee_ana, title=f"Ana {n}", skills=skills)
        MilestoneFactory(goal=goal)
        MilestoneFactory(goal=goal)
    GoalFactory(owner=mentor_ben, title="Ben's goal")

    # count, page of goals, their skills, their milestones
    with django_assert_num_queries(4):
        body = ana_api.get("/api/v1/goals/").json()

    assert body["count"] == 22
    assert len(body["results"]) == 20
    assert body["next"].endswith("/api/v1/goals/?page=2")
    assert all(item["title"].startswith("Ana") for item in body["results"])
    assert len(body["results"][0]["milestones"]) == 2
    assert len(body["results"][0]["skills"]) == 3


def test_another_persons_goal_answers_404(ana_api, mentor_ben):
    goal = GoalFactory(owner=mentor_ben, title="Ben's goal")
    url = f"/api/v1/goals/{goal.pk}/"

    assert ana_api.get(url).status_code == 404
    assert ana_api.patch(url, {"title": "Hijacked"}).status_code == 404
    assert ana_api.delete(url).status_code == 404
    assert ana_api.get(f"{url}milestones/").status_code == 404
    assert ana_api.post(f"{url}milestones/", {"title": "Mine now"}).status_code == 404
    goal.refresh_from_db()
    assert goal.title == "Ben's goal"
    assert not goal.milestones.exists()


def test_patch_changes_fields_and_skills(ana_api, mentee_ana):
    goal = GoalFactory(owner=mentee_ana, skills=[SkillFactory()])
    sql = SkillFactory(name="SQL")

    response = ana_api.patch(
        f"/api/v1/goals/{goal.pk}/", {"title": "Sharper", "priority": 3, "skills": [sql.pk]}
    )

    assert response.status_code == 200
    assert response.json()["skills"] == [sql.pk]
    goal.refresh_from_db()
    assert (goal.title, goal.priority) == ("Sharper", 3)


def test_patch_status_achieved_records_when_and_active_clears_it(ana_api, mentee_ana):
    goal = GoalFactory(owner=mentee_ana)

    achieved = ana_api.patch(f"/api/v1/goals/{goal.pk}/", {"status": "achieved"}).json()
    goal.refresh_from_db()
    assert achieved["status"] == "achieved"
    assert achieved["achieved_at"] is not None
    assert goal.achieved_at is not None

    dropped = ana_api.patch(f"/api/v1/goals/{goal.pk}/", {"status": "dropped"}).json()
    assert (dropped["status"], dropped["achieved_at"]) == ("dropped", None)

    active = ana_api.patch(f"/api/v1/goals/{goal.pk}/", {"status": "active"}).json()
    assert active["status"] == "active"


def test_patch_target_date_in_the_past_answers_400(ana_api, mentee_ana):
    goal = GoalFactory(owner=mentee_ana, target_date=date(2026, 6, 1))

    response = ana_api.patch(f"/api/v1/goals/{goal.pk}/", {"target_date": "2026-01-01"})

    assert response.status_code == 400
    assert "target_date" in response.json()
    goal.refresh_from_db()
    assert goal.target_date == date(2026, 6, 1)


def test_patch_ignores_the_owner(ana_api, mentee_ana, mentor_ben):
    goal = GoalFactory(owner=mentee_ana)

    response = ana_api.patch(f"/api/v1/goals/{goal.pk}/", {"owner": mentor_ben.pk})

    assert response.status_code == 200
    goal.refresh_from_db()
    assert goal.owner == mentee_ana


def test_put_is_not_offered(ana_api, mentee_ana):
    goal = GoalFactory(owner=mentee_ana)

    assert ana_api.put(f"/api/v1/goals/{goal.pk}/", {"title": "x"}).status_code == 405


def test_delete_own_goal(ana_api, mentee_ana):
    goal = GoalFactory(owner=mentee_ana)
    MilestoneFactory(goal=goal)

    assert ana_api.delete(f"/api/v1/goals/{goal.pk}/").status_code == 204
    assert not Goal.objects.exists()
    assert not Milestone.objects.exists()


def test_add_and_list_milestones(ana_api, mentee_ana, django_assert_num_queries):
    goal = GoalFactory(owner=mentee_ana)
    url = f"/api/v1/goals/{goal.pk}/milestones/"

    created = ana_api.post(url, {"title": "  Finish the course ", "due_date": "2026-04-01"})
    assert created.status_code == 201, created.json()
    assert created.json()["title"] == "Finish the course"
    assert created.json()["goal"] == goal.pk
    assert created.json()["done"] is False
    for _ in range(6):
        MilestoneFactory(goal=goal)
    MilestoneFactory()  # on someone else's goal

    # the goal (access check), count, page rows
    with django_assert_num_queries(3):
        body = ana_api.get(url).json()

    assert body["count"] == 7
    assert {"id", "goal", "title", "due_date", "done", "done_at", "created_at"} == set(
        body["results"][0]
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "Past", "due_date": "2026-03-01"}, "due_date"),
        ({"title": "   "}, "title"),
        ({}, "title"),
        ({"title": "x", "done": "maybe"}, "done"),
    ],
)
def test_add_milestone_bad_input_answers_400_naming_the_field(ana_api, mentee_ana, payload, field):
    goal = GoalFactory(owner=mentee_ana)

    response = ana_api.post(f"/api/v1/goals/{goal.pk}/milestones/", payload)

    assert response.status_code == 400
    assert field in response.json()
    assert not Milestone.objects.exists()


def test_tick_and_untick_a_milestone(ana_api, mentee_ana):
    milestone = MilestoneFactory(goal=GoalFactory(owner=mentee_ana))
    url = f"/api/v1/milestones/{milestone.pk}/"

    done = ana_api.patch(url, {"done": True}).json()
    assert done["done"] is True
    assert done["done_at"].startswith("2026-03-10")
    milestone.refresh_from_db()
    assert milestone.done_at is not None

    undone = ana_api.patch(url, {"done": False}).json()
    assert (undone["done"], undone["done_at"]) == (False, None)


def test_rename_and_move_a_milestone(ana_api, mentee_ana):
    milestone = MilestoneFactory(goal=GoalFactory(owner=mentee_ana))

    response = ana_api.patch(
        f"/api/v1/milestones/{milestone.pk}/", {"title": "Renamed", "due_date": "2026-05-01"}
    )

    assert response.status_code == 200
    milestone.refresh_from_db()
    assert (milestone.title, milestone.due_date) == ("Renamed", date(2026, 5, 1))


def test_milestone_due_date_in_the_past_answers_400(ana_api, mentee_ana):
    milestone = MilestoneFactory(goal=GoalFactory(owner=mentee_ana))

    response = ana_api.patch(f"/api/v1/milestones/{milestone.pk}/", {"due_date": "2026-01-01"})

    assert response.status_code == 400
    assert "due_date" in response.json()


def test_milestone_patch_cannot_move_it_to_another_goal(ana_api, mentee_ana, mentor_ben):
    milestone = MilestoneFactory(goal=GoalFactory(owner=mentee_ana))
    bens_goal = GoalFactory(owner=mentor_ben)

    response = ana_api.patch(
        f"/api/v1/milestones/{milestone.pk}/", {"goal": bens_goal.pk, "title": "Still mine"}
    )

    assert response.status_code == 200
    milestone.refresh_from_db()
    assert milestone.goal.owner == mentee_ana


def test_another_persons_milestone_answers_404(ana_api, mentor_ben):
    milestone = MilestoneFactory(goal=GoalFactory(owner=mentor_ben), title="Ben's")
    url = f"/api/v1/milestones/{milestone.pk}/"

    assert ana_api.get(url).status_code == 404
    assert ana_api.patch(url, {"done": True}).status_code == 404
    assert ana_api.delete(url).status_code == 404
    milestone.refresh_from_db()
    assert milestone.done_at is None


def test_delete_own_milestone(ana_api, mentee_ana):
    milestone = MilestoneFactory(goal=GoalFactory(owner=mentee_ana))

    assert ana_api.delete(f"/api/v1/milestones/{milestone.pk}/").status_code == 204
    assert not Milestone.objects.exists()


def test_milestones_have_no_list_of_their_own(ana_api):
    # Milestones are listed per goal; the flat URL is for one milestone at a time.
    assert ana_api.get("/api/v1/milestones/").status_code == 404
