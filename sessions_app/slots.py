"""Suggested session times from both people's weekly availability. Pure functions.

Windows are local wall-clock times (see `profiles.availability`); they are
placed on the real UTC weeks that cover the next `days` days, intersected, and
cut into starts on 30-minute UTC boundaries, each with room for the whole
session. Every tz offset in use is a multiple of 15 minutes, and the shared
times here are whole quarter hours, so a start on a UTC half hour is on a
quarter hour of everyone's clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from profiles.availability import Interval, Window, intersect, utc_intervals, week_start_for

STEP = timedelta(minutes=30)
LEAD = timedelta(hours=24)
HORIZON_DAYS = 14
MAX_SUGGESTIONS = 6


def shared_intervals(
    a: Sequence[Window],
    a_zone: str,
    b: Sequence[Window],
    b_zone: str,
    *,
    start: datetime,
    end: datetime,
) -> list[Interval]:
    """The UTC intervals between `start` and `end` when both people are available."""
    shared: list[Interval] = []
    week = week_start_for(start)
    while datetime(week.year, week.month, week.day, tzinfo=UTC) < end:
        both = intersect(utc_intervals(a, a_zone, week), utc_intervals(b, b_zone, week))
        for low, high in both:
            low, high = max(low, start), min(high, end)
            if low < high:
                if shared and shared[-1][1] == low:
                    # A window across the Monday 00:00 UTC edge is one stretch.
                    shared[-1] = (shared[-1][0], high)
                else:
                    shared.append((low, high))
        week += timedelta(days=7)
    return shared


def _ceil_to_step(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    floor = moment.replace(minute=moment.minute - moment.minute % 30, second=0, microsecond=0)
    return floor if floor == moment else floor + STEP


def suggest_starts(
    a: Sequence[Window],
    a_zone: str,
    b: Sequence[Window],
    b_zone: str,
    *,
    duration_minutes: int,
    now: datetime,
    days: int = HORIZON_DAYS,
    limit: int = MAX_SUGGESTIONS,
) -> list[datetime]:
    """Up to `limit` UTC starts in the next `days` days, 24 h ahead at least, one per
    UTC day first (earliest each day), then more on the same days; empty if no shared time."""
    length = timedelta(minutes=duration_minutes)
    start, end = now.astimezone(UTC) + LEAD, now.astimezone(UTC) + timedelta(days=days)
    candidates: list[datetime] = []
    for low, high in shared_intervals(a, a_zone, b, b_zone, start=start, end=end):
        moment = _ceil_to_step(low)
        while moment + length <= high:
            candidates.append(moment)
            moment += STEP
    by_day: dict[date, list[datetime]] = {}
    for moment in candidates:
        by_day.setdefault(moment.date(), []).append(moment)
    chosen: list[datetime] = []
    # Round robin over the days: the first pick of every day before a second pick of any.
    rounds = max((len(day) for day in by_day.values()), default=0)
    for index in range(rounds):
        for day in sorted(by_day):
            if index < len(by_day[day]) and len(chosen) < limit:
                chosen.append(by_day[day][index])
    return sorted(chosen)
