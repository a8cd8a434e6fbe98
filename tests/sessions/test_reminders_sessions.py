"""Session reminders: both people, once per calendar sequence, with an invite in their zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from matching.models import Mentorship
from mentorship.notifications import services as outbox
from mentorship.notifications.models import Notification
from sessions_app.services.reminders import sweep_pairs
from tests.sessions.reminders_world import START, at, book, clock, keys, pair

__all__ = ["clock", "pair"]

pytestmark = pytest.mark.django_db

# Thursday 5 March 2026, 14:00 UTC: 23:00 in Tokyo, 06:00 in Los Angeles.
SESSION_AT = datetime(2026, 3, 5, 14, 0, tzinfo=UTC)


def _reminders(session_id: int) -> dict[int, Notification]:
    rows = Notification.objects.filter(kind="session_reminder", key__contains=f":{session_id}:")
    return {row.recipient_id: row for row in rows}


def test_both_people_are_reminded_once_24_hours_ahead(clock, pair):
    session = book(pair, SESSION_AT, location="https://meet.example.org/ana-ben")

    at(
        clock,
        days=2,
        hours=4,
    )  # 4 March 13:00 UTC: 25 hours before
    assert sweep_pairs().session_reminders == 0

    at(
        clock,
        days=2,
        hours=5,
    )  # 24 hours before
    assert sweep_pairs().session_reminders == 2
    for _ in range(3):
        assert sweep_pairs().session_reminders == 0

    assert keys("session_reminder:") == sorted(
        f"session_reminder:{session.pk}:0:{person.pk}" for person in (pair.mentee, pair.mentor)
    )
    reminders = _reminders(session.pk)
    ana, ben = reminders[pair.mentee_id], reminders[pair.mentor_id]
    # Each sees the time in their own zone, and the other person's name.
    assert "Thursday 5 March at 23:00" in ana.body
    assert "Asia/Tokyo" in ana.body
    assert "Ben Okafor" in ana.body
    assert "Thursday 5 March at 06:00" in ben.body
    assert "Ana Silva" in ben.body
    assert ana.url == f"/sessions/{session.pk}/"
    assert ana.status == Notification.Status.PENDING


def test_the_invite_parses_back_to_the_same_instant_in_each_zone(clock, pair):
    session = book(pair, SESSION_AT)
    at(clock, days=2, hours=6)
    sweep_pairs()

    for person_id, zone in (
        (pair.mentee_id, "Asia/Tokyo"),
        (pair.mentor_id, "America/Los_Angeles"),
    ):
        (attachment,) = _reminders(session.pk)[person_id].attachments
        assert attachment["filename"] == f"mentoring-session-{session.pk}.ics"
        assert attachment["mimetype"] == "text/calendar"
        event = Calendar.from_ical(attachment["content"]).walk("VEVENT")[0]
        start = event.decoded("dtstart")
        assert str(start.tzinfo) == zone
        assert start == SESSION_AT
        assert event.decoded("dtend") == SESSION_AT + timedelta(minutes=45)


def test_the_email_carries_the_invite(clock, pair, mailoutbox):
    session = book(pair, SESSION_AT)
    at(clock, days=2, hours=6)
    sweep_pairs()

    reminder = _reminders(session.pk)[pair.mentee_id]
    assert outbox.deliver_notification(notification_id=reminder.pk).status == "sent"
    (email,) = mailoutbox
    assert email.to == ["ana@example.org"]
    assert (
        email.subject == "Coming up: your session with Ben, Thursday 5 March at 23:00 (Tokyo time)"
    )
    ((filename, content, mimetype),) = email.attachments
    assert (filename, mimetype) == (f"mentoring-session-{session.pk}.ics", "text/calendar")
    assert "BEGIN:VTIMEZONE" in content


def test_a_rescheduled_session_is_reminded_once_for_its_new_time(clock, pair):
    session = book(pair, SESSION_AT)
    at(clock, days=2, hours=6)
    sweep_pairs()

    # Moved two days later; the calendar sequence grows with the change.
    session.starts_at = SESSION_AT + timedelta(days=2)
    session.sequence = 1
    session.save(update_fields=["starts_at", "sequence"])
    assert sweep_pairs().session_reminders == 0  # the new time is not within 24 hours yet

    at(clock, days=4, hours=6)
    assert sweep_pairs().session_reminders == 2
    assert sweep_pairs().session_reminders == 0
    assert [key.split(":")[2] for key in keys("session_reminder:")] == ["0", "0", "1", "1"]
    new = Notification.objects.filter(key__startswith=f"session_reminder:{session.pk}:1:")
    assert [("Saturday 7 March" in row.body) for row in new] == [True, True]


def test_a_session_booked_inside_or_just_before_the_window_is_not_reminded(clock, pair):
    # Confirmed 25 hours ahead: the confirmation with the invite was just sent.
    at(clock, days=2, hours=4)
    late = book(pair, SESSION_AT, confirmed_at=SESSION_AT - timedelta(hours=25))
    # Confirmed exactly 26 hours ahead: far enough to remind.
    other = book(
        pair,
        SESSION_AT + timedelta(hours=1),
        confirmed_at=SESSION_AT + timedelta(hours=1) - timedelta(hours=26),
    )
    at(clock, days=2, hours=7)
    sweep_pairs()

    assert _reminders(late.pk) == {}
    assert len(_reminders(other.pk)) == 2


@pytest.mark.parametrize("status", ["cancelled", "completed", "proposed"])
def test_sessions_not_confirmed_are_not_reminded(clock, pair, status):
    session = book(pair, SESSION_AT, status=status)
    at(clock, days=2, hours=6)
    sweep_pairs()

    assert _reminders(session.pk) == {}


def test_a_session_in_the_past_is_not_reminded(clock, pair):
    session = book(pair, SESSION_AT)
    # The sweeps stopped before the window and came back after the session.
    at(clock, days=3, hours=6)
    sweep_pairs()

    assert _reminders(session.pk) == {}


@pytest.mark.parametrize("status", ["paused", "completed", "ended"])
def test_pairs_that_are_not_active_get_no_session_reminder(clock, pair, status):
    session = book(pair, SESSION_AT)
    Mentorship.objects.filter(pk=pair.pk).update(status=status)
    at(clock, days=2, hours=6)
    sweep_pairs()

    assert _reminders(session.pk) == {}


def test_start_is_the_story_start(clock):
    # Guard for the helpers: the frozen clock starts where the story does.
    from django.utils import timezone

    assert timezone.now() == START


def test_a_dst_change_between_booking_and_session_keeps_the_local_time_right(clock, pair):
    # Booked in winter time (LA is UTC-8 until Sunday 8 March); the session is
    # on Tuesday 10 March at 16:00 UTC, which is 09:00 in LA on summer time (UTC-7).
    session_at = datetime(2026, 3, 10, 16, 0, tzinfo=UTC)
    session = book(pair, session_at, confirmed_at=START)
    at(clock, days=7, hours=8)  # Monday 9 March, 17:00 UTC
    sweep_pairs()

    ben = _reminders(session.pk)[pair.mentor_id]
    assert "Tuesday 10 March at 09:00" in ben.body
    event = Calendar.from_ical(ben.attachments[0]["content"]).walk("VEVENT")[0]
    start = event.decoded("dtstart")
    assert start.utcoffset() == timedelta(hours=-7)
    assert start == session_at
    # Tokyo has no daylight saving: 01:00 on Wednesday.
    assert "Wednesday 11 March at 01:00" in _reminders(session.pk)[pair.mentee_id].body
