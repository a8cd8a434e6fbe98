"""Calendar invites (.ics) for sessions, with time-zone data.

The event is written in the recipient's own time zone with its VTIMEZONE, so
a calendar shows the same local time the site does; the instant is the UTC
time stored on the session. The UID stays the same across reschedules and the
SEQUENCE grows, so a calendar moves the event instead of adding a second one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event, vCalAddress, vText

from sessions_app.models import Session

MIMETYPE = "text/calendar"


def _domain() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"


def invite_filename(session: Session) -> str:
    return f"mentoring-session-{session.pk}.ics"


def session_calendar(
    session: Session, *, time_zone: str, now: datetime, cancelled: bool = False
) -> str:
    """The session as an iCalendar file, in `time_zone` (a confirmed or cancelled session)."""
    if session.starts_at is None or session.ends_at is None:
        raise ValueError("Only a session with an agreed time has an invite.")
    zone = ZoneInfo(time_zone)
    mentorship = session.mentorship
    mentor, mentee = mentorship.mentor, mentorship.mentee
    url = f"{settings.SITE_URL}{reverse('sessions_app:session', args=[session.pk])}"

    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//Mentoring sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")

    event = Event()
    event.add("uid", f"{session.uid}@{_domain()}")
    event.add("sequence", session.sequence)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", session.starts_at.astimezone(zone))
    event.add("dtend", session.ends_at.astimezone(zone))
    event.add("summary", f"Mentoring: {mentor.display_name} & {mentee.display_name}")
    description = [session.agenda.strip()] if session.agenda.strip() else []
    description.append(f"Agenda, notes and changes: {url}")
    event.add("description", "\n\n".join(description))
    event.add("url", url)
    if session.location:
        event.add("location", session.location)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    for person in (mentor, mentee):
        attendee = vCalAddress(f"mailto:{person.email}")
        attendee.params["cn"] = vText(person.display_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()
