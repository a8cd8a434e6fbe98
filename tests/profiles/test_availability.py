"""Shared availability in real hours, across time zones and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from profiles.availability import (
    SLOTS_PER_WEEK,
    Window,
    _local_to_utc,
    hours,
    is_valid_time_zone,
    shared_hours,
    utc_intervals,
    utc_slot_mask,
    utc_slot_table,
    week_start_for,
    window_problems,
    windows_in_viewer_zone,
)

H = 60
# Los Angeles falls back on Sunday 1 November 2026 (PDT UTC-7 -> PST UTC-8);
# Tokyo has no daylight saving (UTC+9).
BEFORE_FALL_BACK = date(2026, 10, 26)  # a Monday
AFTER_FALL_BACK = date(2026, 11, 2)
LA_MONDAY_EVENING = [Window(0, 17 * H, 19 * H)]  # Mon 17:00-19:00 in Los Angeles
TOKYO_TUESDAY_MORNING = [Window(1, 9 * H, 11 * H)]  # Tue 09:00-11:00 in Tokyo


def test_tokyo_and_los_angeles_overlap_two_hours_in_summer_time():
    # Mon 17:00 PDT = Tue 00:00 UTC = Tue 09:00 JST: the whole window is shared.
    assert (
        shared_hours(
            LA_MONDAY_EVENING,
            "America/Los_Angeles",
            TOKYO_TUESDAY_MORNING,
            "Asia/Tokyo",
            BEFORE_FALL_BACK,
        )
        == 2.0
    )


def test_tokyo_and_los_angeles_overlap_one_hour_after_los_angeles_falls_back():
    # Mon 17:00 PST = Tue 01:00 UTC = Tue 10:00 JST: one hour is left.
    assert (
        shared_hours(
            LA_MONDAY_EVENING,
            "America/Los_Angeles",
            TOKYO_TUESDAY_MORNING,
            "Asia/Tokyo",
            AFTER_FALL_BACK,
        )
        == 1.0
    )


def test_the_overlap_is_symmetric_and_the_slot_masks_agree():
    for week in (BEFORE_FALL_BACK, AFTER_FALL_BACK):
        la = utc_slot_mask(LA_MONDAY_EVENING, "America/Los_Angeles", week)
        tokyo = utc_slot_mask(TOKYO_TUESDAY_MORNING, "Asia/Tokyo", week)
        assert la.shape == (SLOTS_PER_WEEK,)
        assert (la & tokyo).sum() / 4 == shared_hours(
            TOKYO_TUESDAY_MORNING, "Asia/Tokyo", LA_MONDAY_EVENING, "America/Los_Angeles", week
        )


def test_a_window_across_the_fall_back_night_lasts_an_hour_longer():
    # Sunday 00:00-04:00 in Los Angeles on 1 November 2026 is five real hours.
    [(start, end)] = utc_intervals([Window(6, 0, 4 * H)], "America/Los_Angeles", BEFORE_FALL_BACK)
    assert (end - start).total_seconds() / 3600 == 5


def test_a_window_across_the_spring_forward_night_lasts_an_hour_less():
    # Europe/Berlin springs forward on Sunday 29 March 2026 at 02:00.
    [(start, end)] = utc_intervals([Window(6, 0, 4 * H)], "Europe/Berlin", date(2026, 3, 23))
    assert (end - start).total_seconds() / 3600 == 3


def test_windows_near_midnight_spill_into_the_neighbouring_utc_day():
    # Sunday 22:00-24:00 in Tokyo is Sunday 13:00-15:00 UTC; Monday 00:00-01:00 in
    # Honolulu (UTC-10) is Monday 10:00-11:00 UTC.
    [(start, end)] = utc_intervals([Window(6, 22 * H, 24 * H)], "Asia/Tokyo", AFTER_FALL_BACK)
    assert (start, end) == (
        datetime(2026, 11, 8, 13, tzinfo=UTC),
        datetime(2026, 11, 8, 15, tzinfo=UTC),
    )
    [(start, _)] = utc_intervals([Window(0, 0, H)], "Pacific/Honolulu", AFTER_FALL_BACK)
    assert start == datetime(2026, 11, 2, 10, tzinfo=UTC)


def test_quarter_hour_zones_are_exact():
    # Kathmandu is UTC+5:45: a 09:00-10:00 window is 03:15-04:15 UTC.
    mask = utc_slot_mask([Window(2, 9 * H, 10 * H)], "Asia/Kathmandu", AFTER_FALL_BACK)
    assert mask.sum() == 4
    assert np.flatnonzero(mask)[0] == (2 * 24 * 60 + 3 * 60 + 15) // 15


def test_no_overlap_is_zero():
    assert (
        shared_hours(
            [Window(0, 9 * H, 10 * H)],
            "Europe/London",
            [Window(3, 9 * H, 10 * H)],
            "Europe/London",
            AFTER_FALL_BACK,
        )
        == 0
    )


@pytest.mark.parametrize(
    ("windows", "problem"),
    [
        ([Window(0, 10 * H, 9 * H)], "Monday 10:00–09:00 ends before it starts."),
        (
            [Window(1, 9 * H, 11 * H), Window(1, 10 * H, 12 * H)],
            "Tuesday 09:00–11:00 overlaps 10:00–12:00.",
        ),
        (
            [Window(2, 9 * H + 5, 10 * H)],
            "Wednesday: use quarter hours (e.g. 18:00, 18:15, 18:30).",
        ),
        ([Window(7, 9 * H, 10 * H)], "day 7 is not a day of the week."),
        ([Window(3, 23 * H, 1500)], "Thursday: times must be within the day."),
    ],
)
def test_window_problems_are_explained(windows, problem):
    assert window_problems(windows) == [problem]


def test_adjacent_windows_are_fine():
    assert window_problems([Window(1, 9 * H, 10 * H), Window(1, 10 * H, 11 * H)]) == []


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("Asia/Tokyo", True),
        ("UTC", True),
        ("Mars/Olympus", False),
        ("", False),
        ("../etc/passwd", False),
    ],
)
def test_time_zone_names_are_validated(name, valid):
    assert is_valid_time_zone(name) is valid


def test_week_start_is_the_utc_monday():
    assert week_start_for(datetime(2026, 11, 22, 23, tzinfo=UTC)) == date(2026, 11, 16)


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        ("Asia/Tokyo", ["Mon 08:00–10:00"]),
        ("UTC", ["Sun 23:00–Mon 01:00"]),
        ("America/Los_Angeles", ["Sun 15:00–17:00"]),
    ],
)
def test_a_window_is_shown_whole_in_the_viewers_zone(viewer, expected):
    windows = [Window(0, 8 * H, 10 * H)]  # Monday 08:00-10:00 in Tokyo

    assert windows_in_viewer_zone(windows, "Asia/Tokyo", viewer, AFTER_FALL_BACK) == expected


def test_windows_are_listed_in_the_viewers_week_order():
    windows = [Window(6, 22 * H, 23 * H), Window(0, 9 * H, 10 * H)]  # Tokyo Sun late, Mon

    shown = windows_in_viewer_zone(windows, "Asia/Tokyo", "Europe/London", AFTER_FALL_BACK)

    assert shown == ["Mon 00:00–01:00", "Sun 13:00–14:00"]


def test_a_window_ending_in_the_skipped_spring_forward_hour_stops_when_the_clocks_jump():
    # Los Angeles springs forward on 8 March 2026 at 02:00 (to 03:00): someone free
    # from 01:00 "to 02:30" is free for one real hour, someone free 02:30-04:00 for one.
    week = date(2026, 3, 2)
    assert (
        shared_hours(
            [Window(6, 60, 150)], "America/Los_Angeles", [Window(6, 0, 24 * H)], "UTC", week
        )
        == 1.0
    )
    assert (
        shared_hours(
            [Window(6, 150, 4 * H)], "America/Los_Angeles", [Window(6, 0, 24 * H)], "UTC", week
        )
        == 1.0
    )


def test_a_skipped_day_has_no_hours():
    # Samoa skipped Friday 30 December 2011 entirely: a Friday window that week is empty.
    assert utc_intervals([Window(4, 10 * H, 12 * H)], "Pacific/Apia", date(2011, 12, 26)) == []
    # The Friday before was an ordinary day there.
    assert (
        hours(utc_intervals([Window(4, 10 * H, 12 * H)], "Pacific/Apia", date(2011, 12, 19))) == 2
    )


@pytest.mark.parametrize(
    ("zone", "week_start"),
    [
        ("UTC", date(2026, 11, 30)),
        ("Asia/Kathmandu", date(2026, 11, 30)),  # UTC+5:45
        ("America/Los_Angeles", BEFORE_FALL_BACK),  # clocks fall back on the Sunday
        ("America/Los_Angeles", AFTER_FALL_BACK),  # ... which is row 0, the day before
        ("Europe/Berlin", date(2026, 3, 23)),  # clocks spring forward on the Sunday
        ("Australia/Lord_Howe", date(2026, 4, 6)),  # half an hour back on 5 April
        ("Pacific/Apia", date(2011, 12, 26)),  # Samoa skipped Friday 30 December 2011
    ],
)
def test_the_slot_table_converts_each_quarter_like_one_window(zone, week_start):
    table = utc_slot_table(zone, week_start)

    week_begin = datetime.combine(week_start, time(0), tzinfo=UTC)
    expected = np.empty((9, 97), dtype=np.int32)
    for row in range(9):
        day = week_start + timedelta(days=row - 1)
        for quarter in range(97):
            moment = _local_to_utc(day, quarter * 15, ZoneInfo(zone))
            expected[row, quarter] = int((moment - week_begin).total_seconds()) // 900
    np.testing.assert_array_equal(table, expected)
