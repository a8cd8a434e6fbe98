"""Reads of sessions with their access rules: only the two people in a mentorship see
its sessions, and a private note only its author."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from matching.models import Mentorship
from profiles.models import User
from sessions_app import times
from sessions_app.models import Session, SessionNote, SessionOption

PANEL_PAST = 5


def _mine(user: User) -> Q:
    return Q(mentorship__mentee=user) | Q(mentorship__mentor=user)


def _with_people(queryset: QuerySet[Session]) -> QuerySet[Session]:
    return queryset.select_related(
        "mentorship__mentee__profile", "mentorship__mentor__profile"
    ).prefetch_related(Prefetch("options", SessionOption.objects.order_by("starts_at")))


def get_session_for_participant(*, user: User, pk: int) -> Session:
    """A session in one of the person's mentorships, with both people and the options;
    404 for anyone else's."""
    return get_object_or_404(_with_people(Session.objects.filter(_mine(user))), pk=pk)


def list_sessions_for_participant(*, user: User) -> QuerySet[Session]:
    """The person's sessions across their mentorships, newest first, with their options
    and the person's own private note (`my_notes`, at most one)."""
    return (
        _with_people(Session.objects.filter(_mine(user)))
        .prefetch_related(
            Prefetch("private_notes", SessionNote.objects.filter(author=user), to_attr="my_notes")
        )
        .order_by("-created_at", "-pk")
    )


def private_note_for(*, user: User, session: Session) -> SessionNote | None:
    """The person's own note on the session, if they wrote one."""
    return SessionNote.objects.filter(session=session, author=user).first()


def upcoming_sessions_for_user(*, user: User, now: datetime, limit: int = 5) -> list[Session]:
    """The person's next confirmed sessions across their live mentorships, soonest first,
    each with `other` (the other person, with their profile)."""
    sessions = list(
        Session.objects.upcoming(now)
        .filter(_mine(user), mentorship__status__in=Mentorship.LIVE)
        .select_related("mentorship__mentee__profile", "mentorship__mentor__profile")
        .order_by("starts_at", "pk")[:limit]
    )
    for session in sessions:
        session.other = _other(session.mentorship, user)  # type: ignore[attr-defined]
    return sessions


def _other(mentorship: Mentorship, user: User) -> User:
    return mentorship.mentee if mentorship.mentor_id == user.pk else mentorship.mentor


def zone_of(user: User) -> str:
    """The person's zone from an already loaded profile (UTC without one)."""
    profile = getattr(user, "profile", None)
    return times.zone_or_utc(profile.time_zone if profile else None)


@dataclass(frozen=True)
class Panel:
    upcoming: list[Session]
    waiting_for_me: list[Session]
    waiting_for_them: list[Session]
    past: list[Session]


def session_panel(*, mentorship: Mentorship, user: User, now: datetime) -> dict[str, Any]:
    """The mentorship page's sessions panel, in two queries (the sessions, their options)."""
    sessions = list(
        Session.objects.filter(mentorship=mentorship)
        .prefetch_related(Prefetch("options", SessionOption.objects.order_by("starts_at")))
        .order_by("-created_at", "-pk")
    )
    upcoming = sorted(
        (
            s
            for s in sessions
            if s.status == Session.Status.CONFIRMED and s.ends_at and s.ends_at > now
        ),
        key=lambda s: s.starts_at or now,
    )
    proposed = [s for s in sessions if s.status == Session.Status.PROPOSED]
    past = [
        s
        for s in sessions
        if s.status in (Session.Status.COMPLETED, Session.Status.NO_SHOW)
        or (s.status == Session.Status.CONFIRMED and s.ends_at and s.ends_at <= now)
    ]
    past.sort(key=lambda s: s.starts_at or now, reverse=True)
    for session in proposed:
        session.open_options = [o for o in session.options.all() if o.starts_at > now]  # type: ignore[attr-defined]
    return {
        "session_panel": Panel(
            upcoming=upcoming,
            waiting_for_me=[s for s in proposed if s.proposed_by_id != user.pk],
            waiting_for_them=[s for s in proposed if s.proposed_by_id == user.pk],
            past=past[:PANEL_PAST],
        ),
        "session_can_book": mentorship.status == Mentorship.Status.ACTIVE,
        # Once the pair has met, the first-conversation guide folds away.
        "has_met": any(s.status == Session.Status.COMPLETED for s in sessions),
        "viewer_zone": zone_of(
            mentorship.mentor if mentorship.mentor_id == user.pk else mentorship.mentee
        ),
    }
