"""`checkins/` in the API: Ana writes, Ben acknowledges, both list theirs; Dee gets 404."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from matching.models import Mentorship
from mentorship.notifications.models import Notification
from profiles.models import User
from sessions_app.models import CheckIn
from tests.factories import MilestoneFactory
from tests.sessions.checkins_world import Pair, api_client, build_pair, checkin


@pytest.fixture
def pair(mentee_ana: User, mentor_ben: User, stranger_dee: User) -> Pair:
    return build_pair(mentee_ana, mentor_ben, stranger_dee)


def _payload(pair: Pair, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "mentorship": pair.mentorship.pk,
        "progress": 4,
        "wins": "Finished the first module",
        "blockers": "",
        "next_steps": "Start the project",
        "milestones": [pair.milestone.pk],
    }
    data.update(changes)
    return data


def test_create_then_acknowledge(pair: Pair) -> None:
    created = api_client(pair.ana).post("/api/v1/checkins/", _payload(pair), format="json")

    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["author"] == pair.ana.pk
    assert body["progress"] == 4
    assert body["milestones"] == [
        {"id": pair.milestone.pk, "title": "Finish the SQL course", "goal": pair.goal.pk}
    ]
    assert body["is_acknowledged"] is False
    url = f"/api/v1/checkins/{body['id']}/acknowledge/"

    first = api_client(pair.ben).post(url, {"comment": "Well done"}, format="json")
    second = api_client(pair.ben).post(url, {}, format="json")

    assert first.status_code == 200, first.json()
    assert first.json()["is_acknowledged"] is True
    assert second.json()["mentor_comment"] == "Well done"
    assert Notification.objects.filter(kind="checkin_acknowledged").count() == 1
    assert (
        api_client(pair.ana).get(f"/api/v1/checkins/{body['id']}/").json()["mentor_comment"]
        == "Well done"
    )


def test_the_same_token_twice_saves_one_check_in(pair: Pair) -> None:
    token = str(uuid.uuid4())
    client = api_client(pair.ana)

    first = client.post("/api/v1/checkins/", _payload(pair, token=token), format="json")
    second = client.post("/api/v1/checkins/", _payload(pair, token=token), format="json")

    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json()["code"] == "already_saved"
    assert CheckIn.objects.count() == 1


def test_rule_breaks(pair: Pair) -> None:
    client = api_client(pair.ana)
    theirs = MilestoneFactory(goal__owner=pair.dee)

    foreign = client.post(
        "/api/v1/checkins/", _payload(pair, milestones=[theirs.pk]), format="json"
    )
    out_of_range = client.post("/api/v1/checkins/", _payload(pair, progress=6), format="json")
    # Found by the API fuzzer: SQLite could not even bind an id this large (a 500).
    huge_id = client.post("/api/v1/checkins/", _payload(pair, milestones=[2**70]), format="json")
    Mentorship.objects.filter(pk=pair.mentorship.pk).update(status=Mentorship.Status.PAUSED)
    paused = client.post("/api/v1/checkins/", _payload(pair), format="json")

    assert (foreign.status_code, foreign.json()["code"]) == (400, "milestone_unknown")
    assert out_of_range.status_code == 400
    assert (huge_id.status_code, list(huge_id.json())) == (400, ["milestones"])
    assert (paused.status_code, paused.json()["code"]) == (409, "not_active")
    assert CheckIn.objects.count() == 0
    theirs.refresh_from_db()
    assert not theirs.is_done


def test_the_wrong_side_is_403(pair: Pair) -> None:
    by_ben = api_client(pair.ben).post("/api/v1/checkins/", _payload(pair), format="json")
    saved = checkin(pair.mentorship, at=timezone.now())
    by_ana = api_client(pair.ana).post(f"/api/v1/checkins/{saved.pk}/acknowledge/", {})

    assert by_ben.status_code == 403
    assert "Only Ana writes check-ins" in by_ben.json()["detail"]
    assert by_ana.status_code == 403
    assert CheckIn.objects.count() == 1
    saved.refresh_from_db()
    assert not saved.is_acknowledged


def test_strangers_get_404(pair: Pair) -> None:
    saved = checkin(pair.mentorship, at=timezone.now())
    client = api_client(pair.dee)

    assert client.get(f"/api/v1/checkins/{saved.pk}/").status_code == 404
    assert client.post(f"/api/v1/checkins/{saved.pk}/acknowledge/", {}).status_code == 404
    assert client.post("/api/v1/checkins/", _payload(pair), format="json").status_code == 404
    assert client.get("/api/v1/checkins/").json()["count"] == 0
    assert CheckIn.objects.count() == 1


@pytest.mark.parametrize("count", [1, 8])
def test_the_list_costs_the_same_queries_for_any_number(
    pair: Pair, django_assert_num_queries, count: int
) -> None:
    now = timezone.now()
    for n in range(count):
        saved = checkin(pair.mentorship, at=now - timedelta(days=n))
        saved.milestones_done.add(pair.milestone)
    client = api_client(pair.ben)

    # the count, the page of check-ins (with their mentorship and author), their milestones.
    with django_assert_num_queries(3):
        response = client.get("/api/v1/checkins/")

    body = response.json()
    assert body["count"] == count
    assert len(body["results"]) == count
    assert body["results"][0]["milestones"][0]["id"] == pair.milestone.pk
    # Ana sees the same check-ins from her side.
    assert api_client(pair.ana).get("/api/v1/checkins/").json()["count"] == count
