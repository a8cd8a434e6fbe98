"""The health label: each written rule as a table row (no database), then once through
the selector with real sessions and check-ins."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from matching.models import Mentorship
from profiles.models import User
from sessions_app.health import HealthFacts, assess
from sessions_app.models import Session
from sessions_app.schedule import checkin_due_on
from sessions_app.selectors.health import health_for_mentorships, list_at_risk
from tests.sessions.checkins_world import Pair, build_pair, checkin, session, started

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def pair(mentee_ana: User, mentor_ben: User, stranger_dee: User) -> Pair:
    return build_pair(mentee_ana, mentor_ben, stranger_dee)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


# A healthy weekly pair, 30 days in: a session 3 days ago, a check-in yesterday.
HEALTHY = HealthFacts(
    status="active",
    role="mentee",
    mentee_name="Ana",
    mentor_name="Ben",
    started_at=ago(30),
    frequency="weekly",
    first_session_at=ago(25),
    last_session_at=ago(3),
    last_confirmed_at=ago(5),
    checkins=3,
    unacknowledged=0,
    last_checkin_at=ago(1),
    recent_ratings=(4, 4, 3),
)


@pytest.mark.parametrize(
    ("name", "changes", "key", "reason_part"),
    [
        ("healthy", {}, "on_track", "keep the agreed rhythm"),
        (
            "too early, nothing booked yet",
            {
                "started_at": ago(4),
                "first_session_at": None,
                "last_session_at": None,
                "last_confirmed_at": None,
                "checkins": 0,
                "last_checkin_at": None,
                "recent_ratings": (),
            },
            "too_early",
            "Started 4 days ago",
        ),
        (
            "no first session within 10 days",
            {
                "started_at": ago(11),
                "first_session_at": None,
                "last_session_at": None,
                "last_confirmed_at": None,
                "checkins": 0,
                "last_checkin_at": None,
                "recent_ratings": (),
            },
            "at_risk",
            "No first session 11 days after the start",
        ),
        (
            "nothing for 14 days",
            {
                "last_session_at": ago(20),
                "last_confirmed_at": ago(22),
                "last_checkin_at": ago(15),
                "recent_ratings": (4,),
            },
            "at_risk",
            "Nothing for 15 days",
        ),
        (
            "check-in reminded (3 days late)",
            {"last_checkin_at": ago(10), "last_session_at": ago(2)},
            "needs_checkin",
            "3 days late",
        ),
        (
            "check-in reminded again (6 days late)",
            {"last_checkin_at": ago(13), "last_session_at": ago(2)},
            "needs_checkin",
            "6 days late",
        ),
        (
            "check-in flagged (10 days late)",
            {"last_checkin_at": ago(17), "last_session_at": ago(2)},
            "at_risk",
            "10 days late",
        ),
        (
            "mentor left two check-ins unanswered",
            {"unacknowledged": 2},
            "needs_checkin",
            "2 check-ins have no reply from Ben",
        ),
        (
            "sessions for more than two cadences, no check-in",
            {
                "checkins": 0,
                "last_checkin_at": None,
                "recent_ratings": (),
                "started_at": ago(15),
                "first_session_at": ago(14.5),
                "last_session_at": ago(1),
            },
            "needs_checkin",
            "no check-in has been written yet",
        ),
        (
            "ratings falling three times",
            {"recent_ratings": (3, 4, 5)},
            "at_risk",
            "fell three times in a row (5 → 4 → 3)",
        ),
        (
            "latest rating 2",
            {"recent_ratings": (2, 4, 4)},
            "at_risk",
            "latest progress rating is 2",
        ),
        ("paused", {"status": "paused"}, "paused", "paused"),
        ("closed", {"status": "completed"}, "closed", "ended"),
    ],
)
def test_each_rule(name: str, changes: dict[str, object], key: str, reason_part: str) -> None:
    health = assess(replace(HEALTHY, **changes), now=NOW)  # type: ignore[arg-type]

    assert health.key == key, (name, health)
    assert any(reason_part in reason for reason in health.reasons), (name, health.reasons)


def test_two_strictly_falling_ratings_or_a_flat_three_are_not_falling() -> None:
    assert assess(replace(HEALTHY, recent_ratings=(3, 4)), now=NOW).key == "on_track"
    assert assess(replace(HEALTHY, recent_ratings=(3, 3, 4)), now=NOW).key == "on_track"


def test_one_unanswered_check_in_is_fine() -> None:
    assert assess(replace(HEALTHY, unacknowledged=1), now=NOW).key == "on_track"


def test_a_booked_session_counts_as_contact() -> None:
    quiet = replace(
        HEALTHY,
        frequency="monthly",
        last_session_at=ago(20),
        last_confirmed_at=ago(20),
        last_checkin_at=ago(16),
    )
    assert assess(quiet, now=NOW).key == "at_risk"
    booked = replace(quiet, last_session_at=NOW + timedelta(days=2), last_confirmed_at=ago(20))
    assert assess(booked, now=NOW).key == "on_track"


def test_at_risk_wins_over_needs_a_check_in_and_lists_both_reasons() -> None:
    health = assess(replace(HEALTHY, unacknowledged=3, recent_ratings=(1,)), now=NOW)

    assert health.key == "at_risk"
    assert health.reasons == [
        "The latest progress rating is 1 of 5.",
        "3 check-ins have no reply from Ben.",
    ]
    assert health.advice == [
        "Tell Ben what is in the way; bring it to your next session.",
        "Ben has 3 check-ins waiting for a reply; mention them in your next session.",
    ]


def test_a_resume_restarts_the_rhythm() -> None:
    # Quiet for weeks, but resumed two days ago: too early to judge again.
    facts = replace(
        HEALTHY,
        last_session_at=ago(40),
        last_confirmed_at=ago(40),
        last_checkin_at=ago(35),
        started_at=ago(60),
        first_session_at=ago(55),
        resumed_at=ago(2),
    )
    assert assess(facts, now=NOW).key == "too_early"


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("mentee", "Ben has 2 check-ins waiting for a reply; mention them in your next session."),
        ("mentor", "You have 2 check-ins from Ana waiting for a reply."),
        ("admin", "Ben has 2 check-ins waiting for a reply."),
    ],
)
def test_advice_is_phrased_for_the_viewer(role: str, expected: str) -> None:
    health = assess(replace(HEALTHY, unacknowledged=2, role=role), now=NOW)

    assert health.advice == [expected]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("mentee", "Book your first session with Ben."),
        ("mentor", "Book your first session with Ana."),
    ],
)
def test_no_first_session_advice(role: str, expected: str) -> None:
    facts = replace(
        HEALTHY,
        role=role,
        started_at=ago(12),
        first_session_at=None,
        last_session_at=None,
        last_confirmed_at=None,
        checkins=0,
        last_checkin_at=None,
        recent_ratings=(),
    )
    assert expected in assess(facts, now=NOW).advice


def test_the_due_date_anchors_on_the_latest_of_start_resume_and_last_check_in() -> None:
    due = checkin_due_on(
        frequency="weekly", started_at=ago(30), resumed_at=None, last_checkin_at=ago(1)
    )
    assert due == (NOW - timedelta(days=1)).date() + timedelta(days=7)
    due = checkin_due_on(
        frequency="weekly", started_at=ago(30), resumed_at=ago(2), last_checkin_at=ago(10)
    )
    assert due == (NOW - timedelta(days=2)).date() + timedelta(days=7)
    due = checkin_due_on(
        frequency="monthly", started_at=ago(3), resumed_at=None, last_checkin_at=None
    )
    assert due == (NOW - timedelta(days=3)).date() + timedelta(days=30)


# --- Through the selector, with the database -------------------------------------------


def test_the_selector_gathers_the_facts_in_two_queries(
    pair: Pair, django_assert_num_queries
) -> None:
    started(pair.mentorship, 30, now=NOW)
    session(pair.mentorship, at=ago(25))
    session(pair.mentorship, at=ago(3))
    session(pair.mentorship, at=ago(1), status=Session.Status.CANCELLED)
    for days, progress in ((20, 5), (12, 4), (1, 3)):
        checkin(pair.mentorship, at=ago(days), progress=progress)
    mentorship = Mentorship.objects.select_related("mentee", "mentor").get(pk=pair.mentorship.pk)

    # 1. the mentorship with its sessions and check-ins aggregated, 2. the last three ratings.
    with django_assert_num_queries(2):
        health = health_for_mentorships([mentorship], now=NOW, viewer=pair.ben)

    result = health[pair.mentorship.pk]
    assert result.key == "at_risk"
    assert result.reasons == [
        "Progress ratings fell three times in a row (5 → 4 → 3).",
        "3 check-ins have no reply from Ben.",
    ]
    assert result.advice == [
        "Ask Ana what is in the way, and plan the next small step together.",
        "You have 3 check-ins from Ana waiting for a reply.",
    ]


def test_the_at_risk_list_names_pairs_without_a_first_session(pair: Pair) -> None:
    assert list_at_risk(now=NOW) == []  # the mentorship started "now" in real time, later
    started(pair.mentorship, 12, now=NOW)

    rows = list_at_risk(now=NOW)

    assert [row.mentorship.pk for row in rows] == [pair.mentorship.pk]
    assert rows[0].health.advice == [
        "The pair has not booked a first session.",
        "Ana's check-in is overdue.",
    ]


def test_the_admin_filters_mentorships_at_risk(client, pair: Pair, admin_cy: User) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse
    from django.utils import timezone

    client.force_login(admin_cy)
    url = reverse("admin:matching_mentorship_changelist")

    fresh = client.get(url, {"health": "at_risk"})
    started(pair.mentorship, 12, now=timezone.now())
    late = client.get(url, {"health": "at_risk"})

    assert fresh.status_code == late.status_code == 200
    assert fresh.context["cl"].result_count == 0
    assert [m.pk for m in late.context["cl"].result_list] == [pair.mentorship.pk]
    assert "At risk" in late.content.decode()
