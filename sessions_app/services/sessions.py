"""Sessions: propose times, confirm one, reschedule, cancel, complete, mark missed, notes.

Either member of a live mentorship may act; a paused or closed mentorship books
nothing new. Every change locks the session row first, so a double confirm or a
confirm racing a cancel ends in one outcome and the loser gets a Conflict.
Messages go through the outbox inside the transaction, with keys naming the
logical message (the calendar `sequence` is part of them: a reschedule's
confirmation is a new message, a double click is not).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from matching.models import Mentorship
from mentorship.exceptions import Conflict, RuleViolation
from mentorship.notifications.services import notify
from profiles.models import Profile, User
from sessions_app import ics, times
from sessions_app.models import Session, SessionNote, SessionOption

MAX_OPTIONS = 5
MIN_MINUTES, MAX_MINUTES = 15, 240


# --- Helpers ---------------------------------------------------------------------------


def _zone_of(user: User) -> str:
    profile = Profile.objects.filter(user=user).only("time_zone").first()
    return times.zone_or_utc(profile.time_zone if profile else None)


def _other(mentorship: Mentorship, user: User) -> User:
    return mentorship.mentee if mentorship.mentor_id == user.pk else mentorship.mentor


def _mentorship_for(user: User, mentorship_id: int) -> Mentorship:
    """The person's mentorship, locked; DoesNotExist for anyone else's."""
    return (
        Mentorship.objects.select_for_update(of=("self",))
        .select_related("mentee", "mentor")
        .get(pk=mentorship_id, pk__in=_mine(user))
    )


def _mine(user: User) -> QuerySet[Mentorship, Any]:
    return Mentorship.objects.filter(Q(mentee=user) | Q(mentor=user)).values("pk")


def _session_for(user: User, session_id: int) -> Session:
    """The session, locked, if the person is in its mentorship; DoesNotExist otherwise."""
    return (
        Session.objects.select_for_update(of=("self",))
        .select_related("mentorship__mentee", "mentorship__mentor")
        .get(pk=session_id, mentorship__in=_mine(user))
    )


def _require_bookable(mentorship: Mentorship) -> None:
    if mentorship.status == Mentorship.Status.PAUSED:
        raise Conflict(
            "This mentorship is paused, so no new sessions can be booked. Resume it first."
        )
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise Conflict("This mentorship has ended; sessions can no longer be booked.")


def _clean_starts(starts: Sequence[datetime], *, now: datetime) -> list[datetime]:
    if not starts:
        raise RuleViolation("Propose at least one time.")
    if len(starts) > MAX_OPTIONS:
        raise RuleViolation(f"Propose at most {MAX_OPTIONS} times.")
    cleaned = []
    for start in starts:
        if timezone.is_naive(start):
            raise RuleViolation("Each time needs a time zone.")
        start = start.astimezone(UTC).replace(second=0, microsecond=0)
        if start <= now:
            raise RuleViolation("Each proposed time must be in the future.")
        if start in cleaned:
            raise RuleViolation("The same time is proposed twice.")
        cleaned.append(start)
    return sorted(cleaned)


def _clean_minutes(duration_minutes: int) -> int:
    if not MIN_MINUTES <= duration_minutes <= MAX_MINUTES:
        raise RuleViolation(f"A session lasts between {MIN_MINUTES} and {MAX_MINUTES} minutes.")
    return duration_minutes


def _replace_options(session: Session, starts: list[datetime]) -> None:
    session.options.all().delete()
    SessionOption.objects.bulk_create(
        SessionOption(session=session, starts_at=start) for start in starts
    )


def _url(session: Session) -> str:
    return reverse("sessions_app:session", args=[session.pk])


def _context(session: Session, *, recipient: User, actor: User | None) -> dict[str, Any]:
    """What a session message says; `actor` is None when the site acted (an unanswered end)."""
    zone = _zone_of(recipient)
    starts = (
        [session.starts_at]
        if session.starts_at
        else list(session.options.values_list("starts_at", flat=True))
    )
    return {
        "name": actor.display_name if actor else "",
        "short": actor.get_short_name() if actor else "",
        "by_you": actor is not None and actor.pk == recipient.pk,
        "when": times.when(session.starts_at, zone) if session.starts_at else "",
        "options": [times.when(start, zone) for start in starts],
        "zone": times.city(zone),
        "duration_minutes": session.duration_minutes,
        "location": session.location,
        "agenda": session.agenda,
        "reason": session.cancel_reason,
    }


def _invite(session: Session, recipient: User, *, now: datetime, cancelled: bool) -> dict[str, str]:
    return {
        "filename": ics.invite_filename(session),
        "mimetype": ics.MIMETYPE,
        "content": ics.session_calendar(
            session, time_zone=_zone_of(recipient), now=now, cancelled=cancelled
        ),
    }


def _tell_of_proposal(session: Session, *, actor: User) -> None:
    other = _other(session.mentorship, actor)
    notify(
        recipient=other,
        kind="session_proposed",
        key=f"session:{session.pk}:proposed:{session.sequence}",
        context={
            **_context(session, recipient=other, actor=actor),
            "rescheduled": session.sequence > 0,
        },
        url=_url(session),
    )


# --- Services --------------------------------------------------------------------------


@transaction.atomic
def propose_session(
    *,
    user: User,
    mentorship_id: int,
    starts: Sequence[datetime],
    duration_minutes: int,
    agenda: str = "",
    location: str = "",
) -> Session:
    """Propose one to five times for a session; the other person confirms one."""
    now = timezone.now()
    mentorship = _mentorship_for(user, mentorship_id)
    _require_bookable(mentorship)
    cleaned = _clean_starts(starts, now=now)
    session = Session.objects.create(
        mentorship=mentorship,
        proposed_by=user,
        duration_minutes=_clean_minutes(duration_minutes),
        agenda=agenda.strip(),
        location=location.strip(),
        created_at=now,
    )
    _replace_options(session, cleaned)
    _tell_of_proposal(session, actor=user)
    return session


@transaction.atomic
def confirm_session(*, user: User, session_id: int, option_id: int) -> Session:
    """Confirm one of the proposed times (the other person, not the proposer); both get
    the invite. Confirming the same time again changes nothing."""
    now = timezone.now()
    session = _session_for(user, session_id)
    option = SessionOption.objects.filter(session=session, pk=option_id).first()
    if session.status == Session.Status.CONFIRMED:
        if option is not None and option.starts_at == session.starts_at:
            return session
        raise Conflict("This session is already confirmed for another time.")
    if session.status != Session.Status.PROPOSED:
        raise Conflict(f"This session is {session.get_status_display().lower()}.")
    if session.proposed_by_id == user.pk:
        raise RuleViolation("You proposed these times; the other person confirms one of them.")
    _require_bookable(session.mentorship)
    if option is None:
        raise RuleViolation("That time is not one of the proposed times.")
    if option.starts_at <= now:
        raise RuleViolation("That time has passed. Propose a new time instead.")
    session.status = Session.Status.CONFIRMED
    session.starts_at = option.starts_at
    session.confirmed_at = now
    session.save(update_fields=["status", "starts_at", "confirmed_at", "updated_at"])
    for recipient in (session.mentorship.mentee, session.mentorship.mentor):
        notify(
            recipient=recipient,
            kind="session_confirmed",
            key=f"session:{session.pk}:confirmed:{session.sequence}:{recipient.pk}",
            context=_context(session, recipient=recipient, actor=user),
            url=_url(session),
            attachments=[_invite(session, recipient, now=now, cancelled=False)],
        )
    return session


@transaction.atomic
def reschedule_session(*, user: User, session_id: int, starts: Sequence[datetime]) -> Session:
    """Propose new times for a proposed or confirmed session; the other person confirms."""
    now = timezone.now()
    session = _session_for(user, session_id)
    if session.status not in (Session.Status.PROPOSED, Session.Status.CONFIRMED):
        raise Conflict(f"A {session.get_status_display().lower()} session cannot be moved.")
    _require_bookable(session.mentorship)
    cleaned = _clean_starts(starts, now=now)
    session.status = Session.Status.PROPOSED
    session.starts_at = None
    session.confirmed_at = None
    session.proposed_by = user
    session.sequence += 1
    session.save(
        update_fields=[
            "status",
            "starts_at",
            "confirmed_at",
            "proposed_by",
            "sequence",
            "updated_at",
        ]
    )
    _replace_options(session, cleaned)
    _tell_of_proposal(session, actor=user)
    return session


@transaction.atomic
def cancel_session(*, user: User, session_id: int, reason: str = "") -> Session:
    """Cancel a proposed or confirmed session; a confirmed one sends both a CANCEL invite."""
    now = timezone.now()
    session = _session_for(user, session_id)
    if session.status == Session.Status.CANCELLED:
        return session
    if session.status not in (Session.Status.PROPOSED, Session.Status.CONFIRMED):
        raise Conflict(f"A {session.get_status_display().lower()} session cannot be cancelled.")
    was_confirmed = session.status == Session.Status.CONFIRMED
    session.status = Session.Status.CANCELLED
    session.cancelled_at = now
    session.cancelled_by = user
    session.cancel_reason = reason.strip()
    # A calendar applies a CANCEL only with a sequence above the event it has.
    session.sequence += 1 if was_confirmed else 0
    session.save(
        update_fields=[
            "status",
            "cancelled_at",
            "cancelled_by",
            "cancel_reason",
            "sequence",
            "updated_at",
        ]
    )
    mentorship = session.mentorship
    recipients = (
        (mentorship.mentee, mentorship.mentor) if was_confirmed else (_other(mentorship, user),)
    )
    tell_cancelled(
        session=session, actor=user, recipients=recipients, now=now, with_invite=was_confirmed
    )
    return session


def tell_cancelled(
    *,
    session: Session,
    actor: User | None,
    recipients: Sequence[User],
    now: datetime,
    with_invite: bool,
) -> None:
    """Tell each recipient a session is cancelled, once; `with_invite` attaches the CANCEL
    .ics that removes a confirmed session from their calendar (the session's sequence must
    already be raised). Used by cancel_session and by pausing or ending a mentorship."""
    for recipient in recipients:
        notify(
            recipient=recipient,
            kind="session_cancelled",
            key=f"session:{session.pk}:cancelled:{recipient.pk}",
            context={
                **_context(session, recipient=recipient, actor=actor),
                # A pause or an end cancels too: then nothing new can be booked.
                "bookable": session.mentorship.status == Mentorship.Status.ACTIVE,
            },
            url=_url(session),
            attachments=[_invite(session, recipient, now=now, cancelled=True)]
            if with_invite
            else [],
        )


def _require_started(session: Session, now: datetime) -> datetime:
    if session.status != Session.Status.CONFIRMED or session.starts_at is None:
        raise Conflict(f"This session is {session.get_status_display().lower()}.")
    if session.starts_at > now:
        raise RuleViolation("This session has not started yet.")
    return session.starts_at


@transaction.atomic
def complete_session(*, user: User, session_id: int) -> Session:
    """Mark a confirmed session as held, once it has started."""
    now = timezone.now()
    session = _session_for(user, session_id)
    if session.status == Session.Status.COMPLETED:
        return session
    _require_started(session, now)
    session.status = Session.Status.COMPLETED
    session.completed_at = now
    session.save(update_fields=["status", "completed_at", "updated_at"])
    return session


@transaction.atomic
def mark_no_show(*, user: User, session_id: int, absent_user_id: int) -> Session:
    """Mark a confirmed session as missed by one of the two, once it has started."""
    now = timezone.now()
    session = _session_for(user, session_id)
    mentorship = session.mentorship
    if absent_user_id not in (mentorship.mentee_id, mentorship.mentor_id):
        raise RuleViolation("Only one of the two of you can have missed the session.")
    if session.status == Session.Status.NO_SHOW and session.no_show_of_id == absent_user_id:
        return session
    _require_started(session, now)
    session.status = Session.Status.NO_SHOW
    session.no_show_of_id = absent_user_id
    session.save(update_fields=["status", "no_show_of", "updated_at"])
    return session


@transaction.atomic
def update_session_notes(*, user: User, session_id: int, agenda: str, shared_notes: str) -> Session:
    """Save the agenda and the notes both people see."""
    session = _session_for(user, session_id)
    if session.status == Session.Status.CANCELLED:
        raise Conflict("This session was cancelled; its notes can no longer change.")
    session.agenda = agenda.strip()
    session.shared_notes = shared_notes.strip()
    session.save(update_fields=["agenda", "shared_notes", "updated_at"])
    return session


@transaction.atomic
def save_private_note(*, user: User, session_id: int, body: str) -> SessionNote | None:
    """Save the person's own note on a session (only they see it); empty removes it."""
    session = _session_for(user, session_id)
    body = body.strip()
    if not body:
        SessionNote.objects.filter(session=session, author=user).delete()
        return None
    note, _ = SessionNote.objects.update_or_create(
        session=session, author=user, defaults={"body": body}
    )
    return note
