"""Keeping pairs alive: the periodic sweep that reminds, nudges and flags.

Every message has a unique outbox key naming the event (the session and its
calendar sequence, the mentorship and the check-in date, ...), so however
often the sweep runs, and however many run at once, each goes out once.
Finding what is due costs a constant number of queries: the facts of every
active mentorship come in one annotated query, not one query per pair.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from matching.models import Mentorship
from mentorship.notifications.models import Notification
from mentorship.notifications.services import notify, profile_of
from profiles.models import User
from sessions_app import ics, schedule, times
from sessions_app.models import CheckIn, Session

# A session booked this close to (or inside) its reminder window is not
# reminded: the confirmation with the invite arrived only moments before, so a
# second email would be noise. With the default 24 hours, a session confirmed
# at least 26 hours ahead gets its reminder; one booked later does not.
REMINDER_MIN_LEAD = timedelta(hours=2)

CHECKIN_KINDS = {
    "due": "checkin_due",
    "reminded": "checkin_reminder",
    "reminded_again": "checkin_reminder",
}


@dataclass(frozen=True)
class PairSweep:
    """Messages written by one sweep (keys already in the outbox are not counted)."""

    session_reminders: int = 0
    checkin_reminders: int = 0
    at_risk: int = 0
    no_first_session: int = 0
    quiet: int = 0
    anniversaries: int = 0


@dataclass(frozen=True)
class _Message:
    counter: str
    key: str
    send: Callable[[], Any]


def _zone_name(user: User) -> str:
    profile = profile_of(user)
    return profile.time_zone if profile is not None else "UTC"


def _local_time(moment: datetime, zone_name: str) -> str:
    local = moment.astimezone(ZoneInfo(zone_name))
    return f"{local:%A} {local.day} {local:%B} at {local:%H:%M}"


def _day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def _people(mentorship: Mentorship) -> tuple[User, User]:
    return mentorship.mentee, mentorship.mentor


def _other(mentorship: Mentorship, user: User) -> User:
    return mentorship.mentor if user.pk == mentorship.mentee_id else mentorship.mentee


# --- What is due ---------------------------------------------------------------------------


def _session_messages(now: datetime) -> list[_Message]:
    window = timedelta(hours=settings.SESSION_REMINDER_HOURS)
    # One query: confirmed sessions of active pairs starting within the window,
    # with both people and their profiles (for the time zone).
    sessions = (
        Session.objects.filter(
            status=Session.Status.CONFIRMED,
            starts_at__gt=now,
            starts_at__lte=now + window,
            mentorship__status=Mentorship.Status.ACTIVE,
        )
        .select_related(
            "mentorship__mentee__profile",
            "mentorship__mentor__profile",
        )
        .order_by("starts_at", "pk")
    )
    messages = []
    for session in sessions:
        assert session.starts_at is not None
        if session.confirmed_at and session.confirmed_at > session.starts_at - window - (
            REMINDER_MIN_LEAD
        ):
            continue
        for person in _people(session.mentorship):
            # The sequence grows with each reschedule: a new time is a new reminder.
            key = f"session_reminder:{session.pk}:{session.sequence}:{person.pk}"
            messages.append(
                _Message(
                    "session_reminders",
                    key,
                    _sender(_remind_of_session, key=key, session=session, person=person, now=now),
                )
            )
    return messages


def _mentorship_facts(now: datetime) -> list[Mentorship]:
    """Every active mentorship with its last check-in, last contact and first session."""
    checkins = CheckIn.objects.filter(mentorship=OuterRef("pk"))
    held = Session.objects.held().filter(mentorship=OuterRef("pk"))
    return list(
        Mentorship.objects.filter(status=Mentorship.Status.ACTIVE)
        .annotate(
            last_checkin_at=Subquery(
                checkins.values("mentorship").annotate(last=Max("created_at")).values("last")
            ),
            last_session_at=Subquery(
                held.values("mentorship").annotate(last=Max("starts_at")).values("last")
            ),
            has_session=Exists(held),
        )
        .select_related("mentee__profile", "mentor__profile")
        .order_by("pk")
    )


def _checkin_messages(mentorship: Any, today: date, staff: list[User]) -> list[_Message]:
    due_on = schedule.checkin_due_on(
        frequency=mentorship.frequency,
        started_at=mentorship.started_at,
        resumed_at=mentorship.resumed_at,
        last_checkin_at=mentorship.last_checkin_at,
    )
    stage = schedule.checkin_stage(due_on=due_on, today=today)
    # Only the stage reached today: a sweep that missed days sends the latest
    # message, not the ones it skipped.
    if stage.stage == "not_due":
        return []
    m = mentorship.pk
    if stage.stage == "flagged":
        return [
            _Message(
                "at_risk",
                key,
                _sender(_flag_pair, key=key, mentorship=mentorship, person=person, stage=stage),
            )
            for person in staff
            for key in [f"pair_at_risk:{m}:{due_on}:{person.pk}"]
        ]
    key = {
        "due": f"checkin_due:{m}:{due_on}",
        "reminded": f"checkin_reminder:{m}:{due_on}:1",
        "reminded_again": f"checkin_reminder:{m}:{due_on}:2",
    }[stage.stage]
    return [
        _Message(
            "checkin_reminders",
            key,
            _sender(_remind_of_checkin, mentorship=mentorship, key=key, stage=stage),
        )
    ]


def _nudges(kind: str, mentorship: Any, key_part: str, **extra: Any) -> list[_Message]:
    """The same nudge to both people, keyed `<kind>:<mentorship>[:<part>]:<person>`."""
    counter = {"pair_quiet": "quiet", "anniversary": "anniversaries"}.get(kind, kind)
    prefix = f"{kind}:{mentorship.pk}" + (f":{key_part}" if key_part else "")
    return [
        _Message(
            counter,
            key,
            _sender(_nudge, kind=kind, key=key, mentorship=mentorship, person=person, **extra),
        )
        for person in _people(mentorship)
        for key in [f"{prefix}:{person.pk}"]
    ]


def _pair_messages(mentorship: Any, now: datetime, today: date) -> list[_Message]:
    messages: list[_Message] = []
    first_due = mentorship.started_at + timedelta(days=settings.FIRST_SESSION_DAYS)
    if not mentorship.has_session and now >= first_due:
        messages += _nudges("no_first_session", mentorship, "")
    last_contact = max(
        moment
        for moment in (
            mentorship.started_at,
            mentorship.resumed_at,
            mentorship.last_checkin_at,
            mentorship.last_session_at,
        )
        if moment is not None
    )
    if now - last_contact >= timedelta(days=settings.QUIET_DAYS):
        since = _day(last_contact)
        # Once per quiet spell: new contact starts a new spell with a new date.
        messages += _nudges("pair_quiet", mentorship, since.isoformat(), since=since)
    reached = schedule.anniversaries_reached(started_on=_day(mentorship.started_at), today=today)
    if reached:
        # Only the latest: a pair imported at four months hears of three, not of one too.
        months = reached[-1]
        messages += _nudges("anniversary", mentorship, str(months), months=months)
    return messages


def _sender(function: Callable[..., Any], **kwargs: Any) -> Callable[[], Any]:
    return lambda: function(**kwargs)


# --- The messages -----------------------------------------------------------------------------


def _remind_of_session(*, key: str, session: Session, person: User, now: datetime) -> None:
    assert session.starts_at is not None
    zone = _zone_name(person)
    other = _other(session.mentorship, person)
    notify(
        recipient=person,
        kind="session_reminder",
        key=key,
        context={
            "other_name": other.display_name,
            "other_short": other.get_short_name(),
            "when": _local_time(session.starts_at, zone),
            "time_zone": zone,
            "city": times.city(zone),
            "duration_minutes": session.duration_minutes,
            "location": session.location,
            "agenda": session.agenda,
        },
        url=reverse("sessions_app:session", args=[session.pk]),
        attachments=[
            {
                "filename": ics.invite_filename(session),
                "mimetype": ics.MIMETYPE,
                "content": ics.session_calendar(session, time_zone=zone, now=now),
            }
        ],
    )


def _remind_of_checkin(*, mentorship: Mentorship, key: str, stage: schedule.CheckinStage) -> None:
    mentee, mentor = mentorship.mentee, mentorship.mentor
    notify(
        recipient=mentee,
        kind="checkin_due" if stage.stage == "due" else "checkin_reminder",
        key=key,
        context={
            "mentor_name": mentor.display_name,
            "mentor_short": mentor.get_short_name(),
            "due_on": f"{stage.due_on:%A} {stage.due_on.day} {stage.due_on:%B}",
            "days_overdue": stage.days_overdue,
            "second": stage.stage == "reminded_again",
        },
        url=reverse("sessions_app:checkin_new", args=[mentorship.pk]),
    )


def _flag_pair(
    *, key: str, mentorship: Mentorship, person: User, stage: schedule.CheckinStage
) -> None:
    notify(
        recipient=person,
        kind="pair_at_risk",
        key=key,
        context={
            "mentee_name": mentorship.mentee.display_name,
            "mentor_name": mentorship.mentor.display_name,
            "due_on": f"{stage.due_on:%A} {stage.due_on.day} {stage.due_on:%B}",
            "days_overdue": stage.days_overdue,
        },
        url=reverse("admin:matching_mentorship_change", args=[mentorship.pk]),
    )


def _nudge(*, kind: str, key: str, mentorship: Any, person: User, **extra: Any) -> None:
    other = _other(mentorship, person)
    context: dict[str, Any] = {
        "other_name": other.display_name,
        "other_short": other.get_short_name(),
        "is_mentee": person.pk == mentorship.mentee_id,
        "started_on": f"{mentorship.started_at:%d %B %Y}",
    }
    if kind == "pair_quiet":
        since: date = extra["since"]
        context["since"] = f"{since:%A} {since.day} {since:%B}"
        context["days"] = settings.QUIET_DAYS
    elif kind == "anniversary":
        context["months"] = extra["months"]
    elif kind == "no_first_session":
        context["days"] = settings.FIRST_SESSION_DAYS
    notify(
        recipient=person,
        kind=kind,
        key=key,
        context=context,
        url=reverse("matching:mentorship", args=[mentorship.pk]),
    )


# --- The sweep ------------------------------------------------------------------------------


def sweep_pairs(*, now: datetime | None = None) -> PairSweep:
    """Send every reminder, nudge and flag that is due, each exactly once."""
    now = now or timezone.now()
    today = _day(now)
    staff = list(
        User.objects.filter(is_staff=True, is_active=True).select_related("profile").order_by("pk")
    )
    due = _session_messages(now)
    for mentorship in _mentorship_facts(now):
        due += _checkin_messages(mentorship, today, staff)
        due += _pair_messages(mentorship, now, today)
    # One query skips everything already in the outbox, so a repeated sweep is cheap.
    known = set(
        Notification.objects.filter(key__in=[message.key for message in due]).values_list(
            "key", flat=True
        )
    )
    counts = dict.fromkeys(PairSweep.__dataclass_fields__, 0)
    for message in due:
        if message.key in known:
            continue
        # Each message in its own transaction: published right after its commit,
        # and one failure does not undo the others. A sweep running at the same
        # time writes the same key at most once (the outbox key is unique).
        with transaction.atomic():
            message.send()
        counts[message.counter] += 1
    return PairSweep(**counts)
