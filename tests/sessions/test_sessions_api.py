"""The sessions API: Ana and Ben book and run sessions; Dee gets 404 everywhere; a private
note is only ever in its author's answers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from icalendar import Calendar
from rest_framework.test import APIClient

from matching.models import Mentorship
from mentorship.notifications.models import Notification
from profiles.models import User
from sessions_app.models import Session
from sessions_app.services import sessions as services
from tests.matching.inbox_world import World
from tests.sessions.sessions_world import confirm_first, mentorship, propose, utc, world, zone

__all__ = ["mentorship", "world"]

NOW = utc(2027, 3, 20, 9)
BASE = "/api/v1/sessions/"


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_ana_proposes_ben_confirms_and_both_get_the_invite(world: World, mentorship: Mentorship):
    created = api(world.ana).post(
        BASE,
        {
            "mentorship": mentorship.pk,
            "starts": ["2027-03-23T18:00:00Z", "2027-03-25T20:00:00+02:00"],
            "duration_minutes": 45,
            "agenda": "CV review",
            "location": "https://meet.example.org/ana-ben",
        },
        format="json",
    )

    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "proposed"
    assert [o["starts_at"] for o in body["options"]] == [
        "2027-03-23T18:00:00Z",
        "2027-03-25T18:00:00Z",
    ]
    option = body["options"][1]["id"]

    confirmed = api(world.ben).post(f"{BASE}{body['id']}/confirm/", {"option": option})
    again = api(world.ben).post(f"{BASE}{body['id']}/confirm/", {"option": option})

    assert confirmed.status_code == 200
    assert confirmed.json()["starts_at"] == "2027-03-25T18:00:00Z"
    assert again.status_code == 200
    assert Notification.objects.filter(kind="session_confirmed").count() == 2


def test_rule_breaks_are_400_and_state_conflicts_409(world: World, mentorship: Mentorship):
    past = api(world.ana).post(
        BASE,
        {"mentorship": mentorship.pk, "starts": ["2027-03-19T10:00:00Z"], "duration_minutes": 30},
        format="json",
    )
    twice = api(world.ana).post(
        BASE,
        {
            "mentorship": mentorship.pk,
            "starts": ["2027-03-23T18:00:00Z", "2027-03-23T19:00:00+01:00"],
            "duration_minutes": 30,
        },
        format="json",
    )
    session = propose(mentorship, world.ana, utc(2027, 3, 23, 18), utc(2027, 3, 24, 18))
    first, second = session.options.order_by("starts_at")
    own = api(world.ana).post(f"{BASE}{session.pk}/confirm/", {"option": first.pk})
    api(world.ben).post(f"{BASE}{session.pk}/confirm/", {"option": first.pk})
    other = api(world.ben).post(f"{BASE}{session.pk}/confirm/", {"option": second.pk})
    early = api(world.ben).post(f"{BASE}{session.pk}/complete/")

    assert (past.status_code, past.json()["code"]) == (400, "rule_violation")
    assert "same time is proposed twice" in twice.json()["detail"]
    assert own.status_code == 400
    assert (other.status_code, other.json()["code"]) == (409, "conflict")
    assert early.status_code == 400


def test_a_paused_mentorship_answers_409(world: World, mentorship: Mentorship):
    Mentorship.objects.filter(pk=mentorship.pk).update(status=Mentorship.Status.PAUSED)

    response = api(world.ben).post(
        BASE,
        {"mentorship": mentorship.pk, "starts": ["2027-03-23T18:00:00Z"], "duration_minutes": 30},
        format="json",
    )

    assert response.status_code == 409
    assert "paused" in response.json()["detail"]


def test_reschedule_cancel_complete_and_no_show(world: World, mentorship: Mentorship, clock):
    session = confirm_first(propose(mentorship, world.ana, utc(2027, 3, 23, 18)), world.ben)
    moved = api(world.ben).post(
        f"{BASE}{session.pk}/reschedule/", {"starts": ["2027-03-24T18:00:00Z"]}, format="json"
    )
    assert moved.status_code == 200
    assert (moved.json()["status"], moved.json()["sequence"]) == ("proposed", 1)
    confirm_first(session, world.ana)

    clock.move_to(utc(2027, 3, 24, 18, 5))
    missed = api(world.ana).post(f"{BASE}{session.pk}/no-show/", {"absent": world.ben.pk})
    assert (missed.status_code, missed.json()["no_show_of"]) == (200, world.ben.pk)

    later = confirm_first(propose(mentorship, world.ana, utc(2027, 3, 26, 18)), world.ben)
    clock.move_to(utc(2027, 3, 26, 19))
    done = api(world.ben).post(f"{BASE}{later.pk}/complete/")
    cancel_held = api(world.ben).post(f"{BASE}{later.pk}/cancel/", {"reason": "oops"})
    assert done.json()["status"] == "completed"
    assert cancel_held.status_code == 409

    third = propose(mentorship, world.ben, utc(2027, 3, 30, 18))
    cancelled = api(world.ana).post(f"{BASE}{third.pk}/cancel/", {"reason": "Away that week"})
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancel_reason"] == "Away that week"


def test_private_notes_are_only_in_their_authors_answers(world: World, mentorship: Mentorship):
    session = propose(mentorship, world.ana, utc(2027, 3, 23, 18))

    saved = api(world.ana).post(
        f"{BASE}{session.pk}/private-note/", {"body": "Ask about the salary range"}
    )
    shared = api(world.ben).post(
        f"{BASE}{session.pk}/notes/", {"agenda": "CV", "shared_notes": "Two job boards"}
    )

    assert saved.json()["private_note"] == "Ask about the salary range"
    assert shared.json()["private_note"] == ""
    for path in (f"{BASE}{session.pk}/", BASE):
        text = api(world.ben).get(path).content.decode()
        assert "salary range" not in text
        assert "Two job boards" in text
    assert api(world.ana).get(BASE).json()["results"][0]["private_note"] == (
        "Ask about the salary range"
    )


def test_the_ics_endpoint_is_the_callers_own_clock(world: World, mentorship: Mentorship):
    zone(world.ana, "Asia/Tokyo")
    session = confirm_first(propose(mentorship, world.ana, utc(2027, 3, 30, 16)), world.ben)

    response = api(world.ana).get(f"{BASE}{session.pk}/ics/")
    waiting = propose(mentorship, world.ana, utc(2027, 3, 31, 16))
    none_yet = api(world.ana).get(f"{BASE}{waiting.pk}/ics/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Asia/Tokyo"
    start = calendar.walk("VEVENT")[0].decoded("dtstart")
    assert start == utc(2027, 3, 30, 16)
    assert start.hour == 1
    assert none_yet.status_code == 409
    assert none_yet.json()["detail"] == "The invite is ready once a time is confirmed."


def test_the_list_is_only_the_persons_sessions(world: World, mentorship: Mentorship):
    propose(mentorship, world.ana, utc(2027, 3, 23, 18))

    assert api(world.ana).get(BASE).json()["count"] == 1
    assert api(world.dee).get(BASE).json()["count"] == 0


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "", None),
        ("post", "confirm/", {"option": 1}),
        ("post", "reschedule/", {"starts": ["2027-03-24T18:00:00Z"]}),
        ("post", "cancel/", {}),
        ("post", "complete/", None),
        ("post", "no-show/", {"absent": 1}),
        ("post", "notes/", {"agenda": "", "shared_notes": "mine now"}),
        ("post", "private-note/", {"body": "x"}),
        ("get", "ics/", None),
    ],
)
def test_dee_gets_404_on_every_session_endpoint(world, mentorship, method, path, data):
    session = confirm_first(propose(mentorship, world.ana, utc(2027, 3, 23, 18)), world.ben)

    response = getattr(api(world.dee), method)(
        f"{BASE}{session.pk}/{path}", data, format="json", HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 404
    session.refresh_from_db()
    assert (session.status, session.shared_notes) == (Session.Status.CONFIRMED, "")


def test_dee_cannot_propose_in_someone_elses_mentorship(world, mentorship):
    response = api(world.dee).post(
        BASE,
        {"mentorship": mentorship.pk, "starts": ["2027-03-23T18:00:00Z"], "duration_minutes": 30},
        format="json",
    )

    assert response.status_code == 404
    assert not Session.objects.exists()


@pytest.mark.parametrize("count", [1, 4])
def test_the_list_costs_the_same_queries_for_any_number_of_sessions(
    world, mentorship, django_assert_num_queries, count
):
    for day in range(count):
        session = propose(mentorship, world.ana, utc(2027, 3, 23 + day, 18))
        services.save_private_note(user=world.ana, session_id=session.pk, body=f"note {day}")
    client = api(world.ana)

    # The count, the page of sessions (with the mentorship and both people and
    # profiles), their options, and the caller's own private notes.
    with django_assert_num_queries(4):
        response = client.get(BASE)
    assert response.json()["count"] == count
