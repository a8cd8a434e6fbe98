"""Weekly availability: local windows in, real shared hours out. Pure functions.

The approach, so overlap is exact across daylight-saving changes:

- A window is stored as the person means it: a weekday and a start and end
  minute of *local wall-clock time*, plus the person's IANA zone ("Mondays
  18:00-20:00 in America/Los_Angeles"). It is never stored in UTC, because
  the UTC hours of "Monday 18:00 in Los Angeles" change twice a year.
- To compare people we pick a concrete week (by default the current one,
  Monday 00:00 UTC to the next Monday), place every window on the real dates
  around it, and convert each end through `zoneinfo`. Elapsed time is then the
  real time: a window across a spring-forward night is an hour shorter.
- Windows start and end on 15-minute steps, and every UTC offset in the tz
  database is a whole number of 15 minutes, so the week also maps exactly onto
  672 fifteen-minute UTC slots. `utc_slot_mask` gives that vector; the
  matching engine multiplies masks to get everyone's shared hours at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import pairwise
from typing import cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import numpy as np
import numpy.typing as npt

STEP_MINUTES = 15
SLOTS_PER_WEEK = 7 * 24 * 60 // STEP_MINUTES  # 672
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

Interval = tuple[datetime, datetime]


@dataclass(frozen=True, order=True)
class Window:
    weekday: int  # 0 = Monday
    start_minute: int
    end_minute: int  # up to 1440 (midnight at the end of the day)

    @property
    def hours(self) -> float:
        return (self.end_minute - self.start_minute) / 60


@lru_cache(maxsize=1)
def time_zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def is_valid_time_zone(name: str) -> bool:
    if name not in time_zone_names():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def window_problems(windows: Sequence[Window]) -> list[str]:
    """What is wrong with a set of windows, in words a person understands."""
    problems = []
    for window in windows:
        day = WEEKDAYS[window.weekday] if 0 <= window.weekday <= 6 else f"day {window.weekday}"
        if not 0 <= window.weekday <= 6:
            problems.append(f"{day} is not a day of the week.")
        elif window.start_minute >= window.end_minute:
            problems.append(
                f"{day} {_clock(window.start_minute)}–{_clock(window.end_minute)} "
                "ends before it starts."
            )
        elif window.start_minute < 0 or window.end_minute > 1440:
            problems.append(f"{day}: times must be within the day.")
        elif window.start_minute % STEP_MINUTES or window.end_minute % STEP_MINUTES:
            problems.append(f"{day}: use quarter hours (e.g. 18:00, 18:15, 18:30).")
    ordered = sorted(w for w in windows if w.start_minute < w.end_minute)
    for before, after in pairwise(ordered):
        if before.weekday == after.weekday and after.start_minute < before.end_minute:
            problems.append(
                f"{WEEKDAYS[before.weekday]} {_clock(before.start_minute)}–"
                f"{_clock(before.end_minute)} overlaps {_clock(after.start_minute)}–"
                f"{_clock(after.end_minute)}."
            )
    return problems


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def week_start_for(moment: datetime) -> date:
    """The Monday (UTC) of the week that contains `moment`."""
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


def utc_intervals(windows: Iterable[Window], time_zone: str, week_start: date) -> list[Interval]:
    """The windows as real UTC intervals inside the UTC week starting `week_start`."""
    zone = ZoneInfo(time_zone)
    week_begin = datetime.combine(week_start, time(0), tzinfo=UTC)
    week_end = week_begin + timedelta(days=7)
    windows = list(windows)
    intervals = []
    # Local dates from the day before to the day after: a zone far from UTC
    # puts part of its week in the neighbouring UTC days.
    for offset in range(-1, 8):
        local_day = week_start + timedelta(days=offset)
        for window in windows:
            if window.weekday != local_day.weekday():
                continue
            start = _local_to_utc(local_day, window.start_minute, zone)
            end = _local_to_utc(local_day, window.end_minute, zone)
            start, end = max(start, week_begin), min(end, week_end)
            if start < end:
                intervals.append((start, end))
    return _merge(intervals)


def _local_to_utc(day: date, minute: int, zone: ZoneInfo) -> datetime:
    if minute == 1440:
        day, minute = day + timedelta(days=1), 0
    local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)
    moment = local.astimezone(UTC)
    if moment.astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None):
        return moment
    # The clocks skip this wall time (spring forward, or a whole skipped day):
    # a window starts or stops when they jump. Find that instant between the
    # readings with the old and the new offset.
    low, high = sorted((local.replace(fold=1).astimezone(UTC), moment))
    offset_before = low.astimezone(zone).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == offset_before:
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0)


def _merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    """The times in both lists (each sorted and non-overlapping)."""
    shared, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            shared.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return shared


def hours(intervals: Iterable[Interval]) -> float:
    return sum((end - start).total_seconds() for start, end in intervals) / 3600


def shared_hours(
    a: Iterable[Window], a_zone: str, b: Iterable[Window], b_zone: str, week_start: date
) -> float:
    """Real hours in the given UTC week when both people are available."""
    return hours(
        intersect(utc_intervals(a, a_zone, week_start), utc_intervals(b, b_zone, week_start))
    )


def utc_slot_mask(
    windows: Iterable[Window], time_zone: str, week_start: date
) -> npt.NDArray[np.bool_]:
    """672 fifteen-minute UTC slots of the week: True where the person is available.

    `(mask_a & mask_b).sum() / 4` equals `shared_hours(...)` exactly.
    """
    mask = np.zeros(SLOTS_PER_WEEK, dtype=bool)
    week_begin = datetime.combine(week_start, time(0), tzinfo=UTC)
    step = STEP_MINUTES * 60
    for start, end in utc_intervals(windows, time_zone, week_start):
        first = int((start - week_begin).total_seconds()) // step
        last = int((end - week_begin).total_seconds()) // step
        mask[first:last] = True
    return mask


def windows_in_viewer_zone(
    windows: Iterable[Window], time_zone: str, viewer_zone: str, week_start: date
) -> list[str]:
    """Each window, whole, as the viewer reads it: "Sun 23:00–Mon 01:00", in weekday order."""
    owner, viewer = ZoneInfo(time_zone), ZoneInfo(viewer_zone)
    placed = []
    for window in windows:
        day = week_start + timedelta(days=window.weekday)
        start = _local_to_utc(day, window.start_minute, owner).astimezone(viewer)
        end = _local_to_utc(day, window.end_minute, owner).astimezone(viewer)
        placed.append((start.weekday(), start.time(), start, end))
    placed.sort(key=lambda item: (item[0], item[1]))
    phrases = []
    for _, _, start, end in placed:
        # Ending at midnight still reads as the same evening: "Sun 22:00–00:00".
        same_day = end.date() == start.date() or end.time() == time(0)
        end_text = f"{end:%H:%M}" if same_day else f"{end:%a %H:%M}"
        phrases.append(f"{start:%a %H:%M}–{end_text}")
    return phrases


@lru_cache(maxsize=512)
def utc_slot_table(time_zone: str, week_start: date) -> npt.NDArray[np.int32]:
    """Where local quarter hours fall in the UTC week starting `week_start`.

    Row d + 1 is the local date `week_start + d` (d from -1 to 7), column q the
    local time q * 15 minutes (q = 96 is midnight at the end of that date); the
    value is the UTC slot index from the week's Monday 00:00 UTC (below 0 or
    above 671 outside the week). Skipped wall times map to the jump, as in
    `utc_intervals`, so converting windows through this table gives exactly
    the same slots as `utc_slot_mask`.
    """
    zone = ZoneInfo(time_zone)
    walls, folded, seconds = _quarter_walls(week_start)
    step = STEP_MINUTES * 60
    # A wall time reads the same offset with either fold unless the clocks skip
    # it or show it twice; there it is simply local time minus that offset. One
    # C call per quarter instead of a conversion through aware datetimes.
    # (A ZoneInfo always knows the offset: never None.)
    offsets = cast(list[timedelta], list(map(zone.utcoffset, walls)))
    others = cast(list[timedelta], list(map(zone.utcoffset, folded)))
    if offsets.count(offsets[0]) == len(offsets):
        offset_seconds: int | npt.NDArray[np.int64] = offsets[0] // _SECOND
    else:
        in_seconds = {offset: offset // _SECOND for offset in set(offsets)}
        offset_seconds = np.fromiter(map(in_seconds.__getitem__, offsets), np.int64, len(offsets))
    table = (seconds - offset_seconds) // step
    if offsets != others:
        week_begin = datetime.combine(week_start, time(0), tzinfo=UTC)
        for at, (offset, other) in enumerate(zip(offsets, others, strict=True)):
            if offset != other:
                row, quarter = divmod(at, 97)
                day = week_start + timedelta(days=row - 1)
                moment = _local_to_utc(day, quarter * STEP_MINUTES, zone)
                table[at] = int((moment - week_begin).total_seconds()) // step
    return table.reshape(9, 97).astype(np.int32)


_SECOND = timedelta(seconds=1)


@lru_cache(maxsize=4)
def _quarter_walls(
    week_start: date,
) -> tuple[list[datetime], list[datetime], npt.NDArray[np.int64]]:
    """The table's local wall times (fold 0 and 1) and their seconds from `week_start`."""
    first = datetime.combine(week_start - timedelta(days=1), time(0))
    step = timedelta(minutes=STEP_MINUTES)
    walls = [
        first + timedelta(days=row) + quarter * step for row in range(9) for quarter in range(97)
    ]
    seconds = np.array([(wall - first).total_seconds() - 86400 for wall in walls], dtype=np.int64)
    return walls, [wall.replace(fold=1) for wall in walls], seconds
