"""Pausing and ending over the API: `mentorships/{id}/pause/`, `resume/`, `close/` and
`close/withdraw/`, the fields they show, and what a stranger gets.

Ana is mentored by Ben; Dee is a stranger. The clock stands at 10 March 2026.
"""

# ruff: noqa: F811  (the world's fixtures are imported, then named as arguments)

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from matching.models import Mentorship
from profiles.models import Goal, User
from sessions_app.models import GoalOutcome, Reflection
from tests.sessions.closing_world import (  # noqa: F401  (fixtures)
    frozen,
    mentorship,
    sent,
    world,
)

Status = Mentorship.Status


def _api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _post(user: User, m: Mentorship, action: str, body: dict[str, Any] | None = None):  # type: ignore[no-untyped-def]
    return _api(user).post(f"/api/v1/mentorships/{m.pk}/{action}/", body or {}, format="json")


def _close_body(world, **changes: object) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    body: dict[str, Any] = {
        "reflection": "We turned a vague wish into a plan.",
        "goal_outcomes": [{"goal": world.goal.pk, "outcome": "achieved", "note": "Hired"}],
        "thank_you": "Thank you for your patience.",
        "rating": 5,
        "private_feedback": "API-PRIVATE: more structure in month two.",
        "stay_in_touch": True,
        "become_mentor": True,
    }
    body.update(changes)
    return body


def test_pause_and_resume(world, mentorship):
    response = _post(world.ana, mentorship, "pause", {"reason": "Exams", "until": "2026-04-15"})

    assert response.status_code == 200, response.content
    assert response.data["status"] == "paused"
    assert response.data["paused_until"] == "2026-04-15"
    assert [n.recipient_id for n in sent("mentorship_paused")] == [world.ben.pk]

    again = _post(world.ben, mentorship, "pause", {"reason": "Me too"})
    assert again.status_code == 409
    assert again.data["code"] == "paused"

    response = _post(world.ben, mentorship, "resume")
    assert response.status_code == 200
    assert (response.data["status"], response.data["paused_until"]) == ("active", None)
    assert _post(world.ben, mentorship, "resume").status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": ""}, "reason_missing"),
        ({"reason": "Busy", "until": "2026-03-01"}, "until_past"),
        ({"reason": "Busy", "until": "2026-09-01"}, "until_far"),
    ],
)
def test_pause_rule_breaks_answer_400_with_the_reason(world, mentorship, body, field):
    response = _post(world.ana, mentorship, "pause", body)

    assert response.status_code == 400
    assert response.data["code"] == field
    assert Mentorship.objects.get(pk=mentorship.pk).status == Status.ACTIVE


def test_close_proposes_then_the_other_agrees(world, mentorship):
    response = _post(world.ana, mentorship, "close", _close_body(world, outcome="completed"))

    assert response.status_code == 200, response.content
    assert response.data["status"] == "active"
    assert response.data["close_proposed_by"] == world.ana.pk
    assert response.data["close_outcome"] == "completed"
    # The proposer again: 409, and nothing changes.
    again = _post(world.ana, mentorship, "close", _close_body(world, outcome="completed"))
    assert again.status_code == 409

    response = _post(world.ben, mentorship, "close", _close_body(world, become_mentor=True))

    assert response.status_code == 200, response.content
    assert response.data["status"] == "completed"
    assert response.data["ended_at"] is not None
    # A double submit of "agree" after the end: Ben has reflected, so 409, one closing.
    assert _post(world.ben, mentorship, "close", _close_body(world)).status_code == 409
    assert len(sent("mentorship_closed")) == 2
    assert Reflection.objects.get(author=world.ben).become_mentor is False
    assert Reflection.objects.get(author=world.ana).become_mentor is True
    assert Goal.objects.get(pk=world.goal.pk).status == Goal.Status.ACHIEVED


def test_proposing_needs_an_outcome_and_a_reflection(world, mentorship):
    no_outcome = _post(world.ana, mentorship, "close", _close_body(world))
    no_words = _post(
        world.ana, mentorship, "close", _close_body(world, outcome="ended", reflection="")
    )
    bad_goal = _post(
        world.ana,
        mentorship,
        "close",
        _close_body(world, outcome="ended", goal_outcomes=[{"goal": 999, "outcome": "achieved"}]),
    )
    bad_rating = _post(
        world.ana, mentorship, "close", _close_body(world, outcome="ended", rating=9)
    )

    assert [r.status_code for r in (no_outcome, no_words, bad_goal, bad_rating)] == [400] * 4
    assert no_outcome.data["code"] == "outcome_unknown"
    assert no_words.data["code"] == "reflection_missing"
    assert bad_goal.data["code"] == "goal_unknown"
    assert "rating" in bad_rating.data
    assert not Reflection.objects.exists()
    assert not GoalOutcome.objects.exists()


def test_withdraw_belongs_to_the_proposer(world, mentorship):
    _post(world.ana, mentorship, "close", _close_body(world, outcome="ended"))

    assert _post(world.ben, mentorship, "close/withdraw").status_code == 409
    response = _post(world.ana, mentorship, "close/withdraw")

    assert response.status_code == 200
    assert response.data["close_proposed_by"] is None
    assert response.data["close_outcome"] == ""
    assert _post(world.ana, mentorship, "close/withdraw").status_code == 409


def test_after_an_automatic_close_close_adds_the_missing_reflection(world, mentorship, frozen):
    _post(world.ana, mentorship, "close", _close_body(world, outcome="completed"))
    frozen.move_to("2026-03-25 09:00:00+00:00")
    from sessions_app.services.closing import sweep_closing

    sweep_closing()

    response = _post(world.ben, mentorship, "close", _close_body(world))
    assert response.status_code == 200
    assert Reflection.objects.filter(mentorship=mentorship).count() == 2
    assert _post(world.ben, mentorship, "close", _close_body(world)).status_code == 409


def test_private_feedback_and_ratings_never_appear_in_the_api(world, mentorship):
    _post(world.ana, mentorship, "close", _close_body(world, outcome="completed"))
    _post(world.ben, mentorship, "close", _close_body(world, private_feedback="BEN-SECRET"))

    for user in (world.ana, world.ben):
        detail = _api(user).get(f"/api/v1/mentorships/{mentorship.pk}/")
        listing = _api(user).get("/api/v1/mentorships/")
        text = json.dumps(detail.data, default=str) + json.dumps(listing.data, default=str)
        assert detail.status_code == 200
        assert "API-PRIVATE" not in text
        assert "BEN-SECRET" not in text
        assert "rating" not in text


@pytest.mark.parametrize("action", ["pause", "resume", "close", "close/withdraw"])
def test_strangers_get_404_on_every_action(world, mentorship, action):
    response = _post(world.dee, mentorship, action, _close_body(world, reason="x", outcome="ended"))

    assert response.status_code == 404
    m = Mentorship.objects.get(pk=mentorship.pk)
    assert (m.status, m.close_proposed_by_id) == (Status.ACTIVE, None)


def test_the_schema_documents_the_actions_without_warnings(tmp_path, db):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = target.read_text()
    for path in ("pause/", "resume/", "close/", "close/withdraw/"):
        assert f"/api/v1/mentorships/{{id}}/{path}:" in schema
    assert "paused_until" in schema
    assert "private_feedback" in schema  # documented as input, for the admins only
