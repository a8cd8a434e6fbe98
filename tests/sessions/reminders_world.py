"""A mentorship with a known start, its people in known time zones, and a frozen clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from matching.models import Mentorship
from mentorship.notifications.models import Notification
from profiles.models import Profile, User
from sessions_app.models import CheckIn, Session

# A Monday morning in UTC; the pair started on it.
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def at(clock: time_machine.Coordinates, days: float = 0, hours: float = 0) -> datetime:
    """Move the frozen clock to START + the given offset and return that moment."""
    moment = START + timedelta(days=days, hours=hours)
    clock.move_to(moment)
    return moment


def set_zone(user: User, zone: str, frequency: str = "immediately") -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    profile.time_zone = zone
    profile.email_frequency = frequency
    profile.save(update_fields=["time_zone", "email_frequency"])
    return profile


def make_pair(
    mentee: User,
    mentor: User,
    *,
    started_at: datetime = START,
    frequency: str = "weekly",
    status: str = "active",
) -> Mentorship:
    mentorship = Mentorship.objects.create(
        mentee=mentee, mentor=mentor, frequency=frequency, status=status
    )
    # started_at is set on creation; move it to the story's start.
    Mentorship.objects.filter(pk=mentorship.pk).update(started_at=started_at)
    mentorship.refresh_from_db()
    return mentorship


def book(
    mentorship: Mentorship,
    starts_at: datetime,
    *,
    confirmed_at: datetime | None = None,
    status: str = "confirmed",
    **fields: object,
) -> Session:
    return Session.objects.create(
        mentorship=mentorship,
        proposed_by=mentorship.mentee,
        status=status,
        starts_at=starts_at,
        confirmed_at=confirmed_at or (starts_at - timedelta(days=5)),
        **fields,
    )


def check_in(mentorship: Mentorship, created_at: datetime) -> CheckIn:
    return CheckIn.objects.create(
        mentorship=mentorship, author=mentorship.mentee, progress=4, created_at=created_at
    )


def keys(prefix: str = "") -> list[str]:
    return sorted(Notification.objects.filter(key__startswith=prefix).values_list("key", flat=True))


@pytest.fixture
def pair(mentee_ana: User, mentor_ben: User) -> Mentorship:
    set_zone(mentee_ana, "Asia/Tokyo")
    set_zone(mentor_ben, "America/Los_Angeles")
    return make_pair(mentee_ana, mentor_ben)
