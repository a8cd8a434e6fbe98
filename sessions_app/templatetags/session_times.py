"""Template filters for session times: `{{ session.starts_at|in_zone:viewer_zone }}`."""

from __future__ import annotations

from datetime import datetime

from django import template

from sessions_app import times

register = template.Library()


@register.filter
def in_zone(moment: datetime | None, zone: str) -> str:
    """An aware UTC datetime as "Tue 3 Mar 2027, 18:00" on the clock of `zone`."""
    if moment is None:
        return ""
    return times.when(moment, zone)


@register.filter
def clock_in(moment: datetime | None, zone: str) -> str:
    """Only the time of day ("18:00") on the clock of `zone`."""
    if moment is None:
        return ""
    return times.clock(moment, zone)


@register.filter
def iso_in(moment: datetime | None, zone: str) -> str:
    """ISO 8601 with the zone's offset, for `<time datetime=...>`."""
    if moment is None:
        return ""
    return times.local(moment, zone).isoformat()


@register.filter
def city_of(zone: str) -> str:
    return times.city(times.zone_or_utc(zone))
