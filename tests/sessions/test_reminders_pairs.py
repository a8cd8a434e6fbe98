"""Check-ins due and reminded, flagged pairs, first sessions, quiet pairs and anniversaries."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection

from matching.models import Mentorship
from mentorship.notifications.models import Notification
from sessions_app.services.reminders import sweep_pairs
from tests.factories import UserFactory
from tests.sessions.reminders_world import (
    START,
    at,
    book,
    check_in,
    clock,
    keys,
    make_pair,
    pair,
    set_zone,
)

__all__ = ["clock", "pair"]

pytestmark = pytest.mark.django_db

DUE = "2026-03-09"  # a weekly pair that started on Monday 2 March


def test_a_weekly_check_in_is_due_reminded_reminded_again_then_flagged(clock, pair, admin_cy):
    m = pair.pk
    at(clock, days=6)
    sweep_pairs()
    assert keys("checkin_") == []

    for day in (7, 7.5, 8):
        at(clock, days=day)
        sweep_pairs()
    assert keys("checkin_") == [f"checkin_due:{m}:{DUE}"]

    for day in (9, 10, 11):
        at(clock, days=day)
        sweep_pairs()
    assert keys("checkin_") == [f"checkin_due:{m}:{DUE}", f"checkin_reminder:{m}:{DUE}:1"]

    for day in (12, 14):
        at(clock, days=day)
        sweep_pairs()
    assert keys("checkin_reminder:") == [
        f"checkin_reminder:{m}:{DUE}:1",
        f"checkin_reminder:{m}:{DUE}:2",
    ]
    assert keys("pair_at_risk:") == []

    for day in (16, 17, 20):
        at(clock, days=day)
        sweep_pairs()
    assert keys("pair_at_risk:") == [f"pair_at_risk:{m}:{DUE}:{admin_cy.pk}"]
    flag = Notification.objects.get(kind="pair_at_risk")
    assert flag.recipient == admin_cy
    assert "Ana Silva" in flag.subject
    assert "Ben Okafor" in flag.subject
    assert flag.url == f"/admin/matching/mentorship/{m}/change/"
    # Every check-in message goes to the mentee, never the mentor.
    assert set(
        Notification.objects.filter(key__startswith="checkin_").values_list(
            "recipient_id", flat=True
        )
    ) == {pair.mentee_id}
    due = Notification.objects.get(kind="checkin_due")
    assert due.url == f"/mentorships/{m}/checkins/new/"
    assert "Monday 9 March" in due.body


def test_a_sweep_that_missed_days_sends_only_the_latest_stage(clock, pair):
    # Beat was down from the start until the second reminder was due.
    at(clock, days=12)
    result = sweep_pairs()

    assert result.checkin_reminders == 1
    assert keys("checkin_") == [f"checkin_reminder:{pair.pk}:{DUE}:2"]
    assert "Still waiting" in Notification.objects.get(kind="checkin_reminder").subject


def test_a_check_in_moves_the_next_due_date(clock, pair):
    at(clock, days=6)
    check_in(pair, created_at=START + timedelta(days=6))
    at(clock, days=12)
    sweep_pairs()
    assert keys("checkin_") == []

    at(clock, days=13)
    sweep_pairs()
    assert keys("checkin_") == [f"checkin_due:{pair.pk}:2026-03-15"]


def test_resuming_restarts_the_cadence(clock, pair):
    Mentorship.objects.filter(pk=pair.pk).update(resumed_at=START + timedelta(days=20))
    at(clock, days=25)
    sweep_pairs()
    assert keys("checkin_") == []

    at(clock, days=27)
    sweep_pairs()
    assert keys("checkin_") == [f"checkin_due:{pair.pk}:2026-03-29"]


@pytest.mark.parametrize("status", ["paused", "completed", "ended"])
def test_pairs_that_are_not_active_get_nothing(clock, pair, admin_cy, status):
    Mentorship.objects.filter(pk=pair.pk).update(status=status)
    for day in (7, 10, 12, 16, 31, 95):
        at(clock, days=day)
        assert sweep_pairs() == type(sweep_pairs())()

    assert Notification.objects.count() == 0


def test_no_first_session_after_ten_days_tells_both_once(clock, pair):
    at(clock, days=9, hours=23)
    sweep_pairs()
    assert keys("no_first_session:") == []

    for day in (10, 11, 30):
        at(clock, days=day)
        sweep_pairs()
    assert keys("no_first_session:") == sorted(
        [
            f"no_first_session:{pair.pk}:{pair.mentee_id}",
            f"no_first_session:{pair.pk}:{pair.mentor_id}",
        ]
    )
    ana = Notification.objects.get(key=f"no_first_session:{pair.pk}:{pair.mentee_id}")
    assert "Ben Okafor" in ana.body
    assert ana.url == f"/mentorships/{pair.pk}/"


def test_a_booked_session_means_no_first_session_nudge(clock, pair):
    book(pair, START + timedelta(days=12))
    at(clock, days=10)
    sweep_pairs()

    assert keys("no_first_session:") == []


def test_a_cancelled_session_does_not_count_as_a_first_session(clock, pair):
    book(pair, START + timedelta(days=5), status="cancelled")
    at(clock, days=10)
    sweep_pairs()

    assert len(keys("no_first_session:")) == 2


def test_a_quiet_pair_is_nudged_once_per_quiet_spell(clock, pair):
    # A first session on day 3; then nothing.
    book(pair, START + timedelta(days=3), status="completed")
    at(clock, days=16, hours=23)
    sweep_pairs()
    assert keys("pair_quiet:") == []

    for day in (17, 18, 25):
        at(clock, days=day)
        sweep_pairs()
    assert keys("pair_quiet:") == sorted(
        [f"pair_quiet:{pair.pk}:2026-03-05:{person}" for person in (pair.mentee_id, pair.mentor_id)]
    )

    # A check-in ends the spell; a new silence is a new spell.
    check_in(pair, created_at=START + timedelta(days=26))
    at(clock, days=39)
    sweep_pairs()
    assert len(keys("pair_quiet:")) == 2
    at(clock, days=40)
    sweep_pairs()
    assert len(keys(f"pair_quiet:{pair.pk}:2026-03-28:")) == 2
    assert len(keys("pair_quiet:")) == 4


def test_an_upcoming_session_keeps_a_pair_from_being_quiet(clock, pair):
    book(pair, START + timedelta(days=20), confirmed_at=START + timedelta(days=1))
    at(clock, days=15)
    sweep_pairs()

    assert keys("pair_quiet:") == []


def test_anniversaries_at_one_and_three_months(clock, pair):
    at(clock, days=29)
    sweep_pairs()
    assert keys("anniversary:") == []

    at(clock, days=30)  # 2 April
    sweep_pairs()
    at(clock, days=60)
    sweep_pairs()
    assert keys("anniversary:") == sorted(
        [f"anniversary:{pair.pk}:1:{person}" for person in (pair.mentee_id, pair.mentor_id)]
    )

    at(clock, days=92)  # 2 June
    sweep_pairs()
    assert len(keys(f"anniversary:{pair.pk}:3:")) == 2
    assert (
        "3 months of mentoring with"
        in Notification.objects.filter(key__startswith=f"anniversary:{pair.pk}:3:").first().subject
    )


def test_a_pair_imported_at_four_months_hears_only_of_the_latest_anniversary(
    clock, mentee_ana, mentor_ben
):
    old = make_pair(mentee_ana, mentor_ben, started_at=START - timedelta(days=122))
    sweep_pairs()

    assert keys("anniversary:") == sorted(
        [f"anniversary:{old.pk}:3:{person}" for person in (old.mentee_id, old.mentor_id)]
    )


def test_a_daily_digest_person_gets_reminders_held_not_emailed(clock, pair):
    set_zone(pair.mentee, "Asia/Tokyo", frequency="daily")
    at(clock, days=7)
    sweep_pairs()

    assert Notification.objects.get(kind="checkin_due").status == Notification.Status.HELD


def test_finding_what_is_due_takes_the_same_queries_for_one_pair_or_many(
    clock, pair, admin_cy, django_assert_num_queries
):
    for _ in range(4):
        mentee, mentor = UserFactory(), UserFactory()
        other = make_pair(mentee, mentor)
        book(other, START + timedelta(days=11, hours=12))
    book(pair, START + timedelta(days=11, hours=12))
    at(clock, days=11)
    first = sweep_pairs()
    assert first.session_reminders == 10
    assert first.checkin_reminders == 5

    # Everything due is in the outbox already: staff, confirmed sessions in the
    # window (with both people and profiles), active mentorships with their
    # facts (check-in, session, first session as subqueries), and the existing keys.
    with django_assert_num_queries(4):
        assert sweep_pairs() == type(first)()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_overlapping_sweeps_send_each_message_once(mentee_ana, mentor_ben, admin_cy):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL) for real concurrent sweeps")
    set_zone(mentee_ana, "Asia/Tokyo")
    set_zone(mentor_ben, "America/Los_Angeles")
    # Day 18: the weekly check-in due on day 7 is nine days late, so the pair is flagged.
    now = START + timedelta(days=18)
    pairs = [make_pair(mentee_ana, mentor_ben, started_at=START, frequency="weekly")]
    for _ in range(3):
        pairs.append(make_pair(UserFactory(), UserFactory(), started_at=START))
    for mentorship in pairs:
        book(mentorship, now + timedelta(hours=3), confirmed_at=START)
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def sweep() -> None:
        barrier.wait()
        try:
            sweep_pairs(now=now)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    # Per pair: the session reminder to both and the flag to staff (the booked
    # session means no first-session or quiet nudge).
    expected = set()
    for mentorship in pairs:
        people = (mentorship.mentee_id, mentorship.mentor_id)
        session = mentorship.sessions.get()
        expected |= {f"session_reminder:{session.pk}:0:{p}" for p in people}
        expected.add(f"pair_at_risk:{mentorship.pk}:{DUE}:{admin_cy.pk}")
    assert set(Notification.objects.values_list("key", flat=True)) == expected
    assert Notification.objects.count() == len(expected)
