"""Showing a stored UTC instant on someone's own clock. Pure functions."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from profiles.availability import is_valid_time_zone


def zone_or_utc(name: str | None) -> str:
    """A usable IANA zone name: the given one, or UTC when it is missing or unknown."""
    return name if name and is_valid_time_zone(name) else "UTC"


def city(zone: str) -> str:
    """The place a zone is named after, as people say it: "America/Los_Angeles" -> "Los Angeles"."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone_or_utc(zone)))


def when(moment: datetime, zone: str) -> str:
    """ "Tue 3 Mar 2027, 18:00" on the clock of `zone`."""
    shown = local(moment, zone)
    return f"{shown:%a} {shown.day} {shown:%b %Y}, {shown:%H:%M}"


def clock(moment: datetime, zone: str) -> str:
    return f"{local(moment, zone):%H:%M}"


class NonexistentTime(ValueError):
    """A wall-clock time the zone skips (the clocks jump forward over it)."""


def from_local(naive: datetime, zone: str) -> datetime:
    """A wall-clock time on `zone`'s clocks as an aware UTC instant.

    A skipped time (spring forward) raises NonexistentTime; a time the clocks
    show twice (fall back) is taken as the first of the two.
    """
    place = ZoneInfo(zone_or_utc(zone))
    first = naive.replace(tzinfo=place, fold=0)
    if first.utcoffset() != naive.replace(tzinfo=place, fold=1).utcoffset():
        back = first.astimezone(UTC).astimezone(place).replace(tzinfo=None)
        if back != naive.replace(tzinfo=None):
            raise NonexistentTime(f"{naive:%d %b %Y %H:%M} does not exist in {city(zone)}.")
    return first.astimezone(UTC)
