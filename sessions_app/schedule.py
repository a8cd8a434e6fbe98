"""The rhythm of a mentorship as pure date arithmetic: no ORM, no clock.

The check-in cadence follows the agreement's frequency; a pair that has not
written one yet checks in at the platform's default rhythm.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

CADENCE_DAYS = {"weekly": 7, "fortnightly": 14, "monthly": 30}
# "When needed" and an unwritten agreement still get a gentle rhythm.
DEFAULT_CADENCE_DAYS = 14

# After a check-in falls due: the first reminder, the second, then the pair is flagged.
CHECKIN_REMINDER_DAYS = (2, 5)
CHECKIN_FLAG_DAYS = 9

ANNIVERSARY_MONTHS = (1, 3)


def cadence_days(frequency: str) -> int:
    """Days between check-ins for an agreement's frequency."""
    return CADENCE_DAYS.get(frequency, DEFAULT_CADENCE_DAYS)


def next_checkin_due(*, frequency: str, started_on: date, last_checkin_on: date | None) -> date:
    """The next check-in date: one cadence after the last check-in, or after the start."""
    anchor = last_checkin_on or started_on
    return anchor + timedelta(days=cadence_days(frequency))


def checkin_due_on(
    *,
    frequency: str,
    started_at: datetime,
    resumed_at: datetime | None,
    last_checkin_at: datetime | None,
) -> date:
    """The date the next check-in is due: one cadence after the latest of the start, the
    last resume and the last check-in (UTC dates). A check-in written before a pause
    does not count after the pair resumed."""
    started_on = started_at.astimezone(UTC).date()
    if resumed_at is not None:
        started_on = max(started_on, resumed_at.astimezone(UTC).date())
    last_on = last_checkin_at.astimezone(UTC).date() if last_checkin_at is not None else None
    if last_on is not None and last_on < started_on:
        last_on = None
    return next_checkin_due(frequency=frequency, started_on=started_on, last_checkin_on=last_on)


@dataclass(frozen=True)
class CheckinStage:
    """Where an unanswered check-in stands on a given day."""

    due_on: date
    stage: str  # "not_due" | "due" | "reminded" | "reminded_again" | "flagged"
    days_overdue: int


def checkin_stage(*, due_on: date, today: date) -> CheckinStage:
    overdue = (today - due_on).days
    if overdue < 0:
        stage = "not_due"
    elif overdue >= CHECKIN_FLAG_DAYS:
        stage = "flagged"
    elif overdue >= CHECKIN_REMINDER_DAYS[1]:
        stage = "reminded_again"
    elif overdue >= CHECKIN_REMINDER_DAYS[0]:
        stage = "reminded"
    else:
        stage = "due"
    return CheckinStage(due_on=due_on, stage=stage, days_overdue=max(overdue, 0))


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def anniversaries_reached(*, started_on: date, today: date) -> list[int]:
    """The anniversaries (in months) a mentorship started on `started_on` has reached."""
    return [m for m in ANNIVERSARY_MONTHS if add_months(started_on, m) <= today]
