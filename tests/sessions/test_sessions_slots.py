"""Suggested session times from two people's weekly windows: pure, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from profiles.availability import Window
from sessions_app.slots import suggest_starts

MON, TUE, WED, SAT, SUN = 0, 1, 2, 5, 6
H = 60


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def test_tuesday_evenings_in_berlin_and_lisbon_give_the_shared_hour_each_week():
    # Ben: Tue 19-21 Berlin (18-20 UTC in winter); Ana: Tue 18-20 Lisbon (18-20 UTC).
    ben, ana = [Window(TUE, 19 * H, 21 * H)], [Window(TUE, 18 * H, 20 * H)]
    now = utc(2027, 1, 4, 9)  # Monday

    starts = suggest_starts(
        ana, "Europe/Lisbon", ben, "Europe/Berlin", duration_minutes=60, now=now
    )

    # Two Tuesdays in the next 14 days; each 2 h window fits 18:00, 18:30, 19:00 for an hour.
    assert starts == [
        utc(2027, 1, 5, 18),
        utc(2027, 1, 5, 18, 30),
        utc(2027, 1, 5, 19),
        utc(2027, 1, 12, 18),
        utc(2027, 1, 12, 18, 30),
        utc(2027, 1, 12, 19),
    ]


@pytest.mark.parametrize(
    ("a", "b", "minutes", "expected"),
    [
        # No shared time at all: nothing to suggest.
        ([Window(MON, 9 * H, 10 * H)], [Window(MON, 11 * H, 12 * H)], 30, []),
        # Shared 30 minutes, session of 45: does not fit.
        ([Window(WED, 9 * H, 10 * H)], [Window(WED, 9 * H + 30, 11 * H)], 45, []),
        # Shared 30 minutes, session of 30: exactly one start per Wednesday.
        (
            [Window(WED, 9 * H, 10 * H)],
            [Window(WED, 9 * H + 30, 11 * H)],
            30,
            [utc(2027, 1, 6, 9, 30), utc(2027, 1, 13, 9, 30)],
        ),
        # A quarter-hour window start rounds up to the next half hour.
        (
            [Window(WED, 9 * H + 15, 10 * H + 15)],
            [Window(WED, 9 * H, 12 * H)],
            45,
            [utc(2027, 1, 6, 9, 30), utc(2027, 1, 13, 9, 30)],
        ),
    ],
)
def test_overlaps_in_utc(a, b, minutes, expected):
    assert (
        suggest_starts(a, "UTC", b, "UTC", duration_minutes=minutes, now=utc(2027, 1, 4, 9))
        == expected
    )


def test_nothing_is_suggested_within_24_hours_or_after_14_days():
    every_day = [Window(day, 10 * H, 11 * H) for day in range(7)]
    now = utc(2027, 1, 4, 10, 15)

    starts = suggest_starts(
        every_day, "UTC", every_day, "UTC", duration_minutes=30, now=now, limit=50
    )

    assert min(starts) >= now + timedelta(hours=24)
    assert max(starts) + timedelta(minutes=30) <= now + timedelta(days=14)
    # Tomorrow's 10:00 is less than 24 h away; 10:30 is just enough.
    assert starts[0] == utc(2027, 1, 5, 10, 30)


def test_suggestions_spread_over_different_days_before_doubling_up():
    every_day = [Window(day, 8 * H, 20 * H) for day in range(7)]

    starts = suggest_starts(
        every_day, "UTC", every_day, "UTC", duration_minutes=60, now=utc(2027, 1, 4, 6)
    )

    assert len(starts) == 6
    assert len({start.date() for start in starts}) == 6
    assert all(start.minute in (0, 30) for start in starts)


def test_across_the_spring_change_the_local_evening_stays_local():
    # Both in Berlin, Tuesdays 18-19 local. Clocks go forward on Sunday 28 March 2027:
    # 17:00 UTC before (CET), 16:00 UTC after (CEST).
    tuesday = [Window(TUE, 18 * H, 19 * H)]

    starts = suggest_starts(
        tuesday,
        "Europe/Berlin",
        tuesday,
        "Europe/Berlin",
        duration_minutes=60,
        now=utc(2027, 3, 20, 12),
    )

    assert starts == [utc(2027, 3, 23, 17), utc(2027, 3, 30, 16)]
    assert {start.astimezone(ZoneInfo("Europe/Berlin")).hour for start in starts} == {18}


def test_zones_that_change_clocks_on_different_dates_are_placed_on_real_dates():
    # Ben (Berlin) Wed 18-20, Lee (Los Angeles) Wed 10-11. LA moves to summer time on
    # 14 March 2027, Berlin on 28 March. Wed 24 March: LA 10-11 is 17-18 UTC, Berlin
    # (still winter) 18-20 is 17-19 UTC. Wed 31 March: Berlin 18-20 is 16-18 UTC.
    # Both weeks share 17-18 UTC, which for Ben is 18:00 and then 19:00.
    ben = [Window(WED, 18 * H, 20 * H)]
    lee = [Window(WED, 10 * H, 11 * H)]

    starts = suggest_starts(
        ben,
        "Europe/Berlin",
        lee,
        "America/Los_Angeles",
        duration_minutes=60,
        now=utc(2027, 3, 20, 12),
    )

    # Wed 24 March (LA on summer time, Berlin not yet) and Wed 31 March (both summer).
    assert starts == [utc(2027, 3, 24, 17), utc(2027, 3, 31, 17)]


def test_a_window_across_the_utc_week_boundary_is_one_stretch():
    # Tokyo, Monday 08:00-10:00 = Sunday 23:00 - Monday 01:00 UTC.
    tokyo = [Window(MON, 8 * H, 10 * H)]
    utc_side = [Window(SUN, 22 * H, 24 * H), Window(MON, 0, 2 * H)]

    starts = suggest_starts(
        tokyo, "Asia/Tokyo", utc_side, "UTC", duration_minutes=90, now=utc(2027, 1, 6, 0), limit=2
    )

    assert starts[0] == utc(2027, 1, 10, 23)
