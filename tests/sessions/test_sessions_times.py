"""Wall-clock times on a person's own clock and back: pure, no database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sessions_app import times
from sessions_app.templatetags.session_times import clock_in, in_zone, iso_in


@pytest.mark.parametrize(
    ("wall", "zone", "expected"),
    [
        # Berlin in winter (UTC+1) and in summer (UTC+2), either side of 28 March 2027.
        (datetime(2027, 3, 27, 18), "Europe/Berlin", datetime(2027, 3, 27, 17, tzinfo=UTC)),
        (datetime(2027, 3, 30, 18), "Europe/Berlin", datetime(2027, 3, 30, 16, tzinfo=UTC)),
        # 31 October 2027, 02:30 happens twice in Berlin: the first (summer time) is taken.
        (datetime(2027, 10, 31, 2, 30), "Europe/Berlin", datetime(2027, 10, 31, 0, 30, tzinfo=UTC)),
        # Tokyo has no DST; an unknown zone falls back to UTC.
        (datetime(2027, 3, 31, 1), "Asia/Tokyo", datetime(2027, 3, 30, 16, tzinfo=UTC)),
        (datetime(2027, 3, 31, 1), "Mars/Olympus", datetime(2027, 3, 31, 1, tzinfo=UTC)),
    ],
)
def test_from_local(wall, zone, expected):
    assert times.from_local(wall, zone) == expected


@pytest.mark.parametrize(
    ("wall", "zone"),
    [
        (datetime(2027, 3, 28, 2, 30), "Europe/Berlin"),
        (datetime(2027, 3, 14, 2, 0), "America/Los_Angeles"),
    ],
)
def test_a_skipped_wall_time_is_refused(wall, zone):
    with pytest.raises(times.NonexistentTime, match="does not exist"):
        times.from_local(wall, zone)


def test_the_filters_show_one_instant_on_each_clock():
    instant = datetime(2027, 3, 30, 16, tzinfo=UTC)

    assert in_zone(instant, "Asia/Tokyo") == "Wed 31 Mar 2027, 01:00"
    assert in_zone(instant, "America/Los_Angeles") == "Tue 30 Mar 2027, 09:00"
    assert clock_in(instant, "Europe/Berlin") == "18:00"
    assert iso_in(instant, "Europe/Berlin") == "2027-03-30T18:00:00+02:00"
    assert in_zone(None, "UTC") == ""
    assert times.city("America/Los_Angeles") == "Los Angeles"
