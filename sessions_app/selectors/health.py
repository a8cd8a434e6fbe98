"""The facts behind each mentorship's health label, for many mentorships at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Max, Min, Q
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber

from matching.models import Mentorship
from profiles.models import User
from sessions_app.health import Health, HealthFacts, assess
from sessions_app.models import CheckIn, Session

HELD = (Session.Status.CONFIRMED, Session.Status.COMPLETED)


def health_for_mentorships(
    mentorships: Sequence[Mentorship], *, now: datetime, viewer: User | None = None
) -> dict[int, Health]:
    """Each mentorship's health by id, in two queries whatever their number.

    The mentorships need `status`, `started_at`, `frequency` and both people's
    names loaded; `viewer` phrases the advice for their role (staff otherwise).
    """
    if not mentorships:
        return {}
    ids = [m.pk for m in mentorships]
    # 1. Per mentorship: the resume date, the first and last held session, the
    #    latest confirmation, and the check-ins (count, unanswered, latest).
    #    Min/Max ignore the rows the two joins multiply; the counts are distinct.
    held = Q(sessions__status__in=HELD)
    rows: dict[int, dict[str, Any]] = {
        row["pk"]: dict(row)
        for row in Mentorship.objects.filter(pk__in=ids)
        .values("pk", "resumed_at")
        .annotate(
            first_session_at=Min("sessions__starts_at", filter=held),
            last_session_at=Max("sessions__starts_at", filter=held),
            last_confirmed_at=Max("sessions__confirmed_at", filter=held),
            checkin_count=Count("checkins", distinct=True),
            unacknowledged=Count(
                "checkins", filter=Q(checkins__acknowledged_at__isnull=True), distinct=True
            ),
            last_checkin_at=Max("checkins__created_at"),
        )
    }
    # 2. The last three progress ratings of each, newest first.
    ratings: dict[int, list[int]] = {}
    recent = (
        CheckIn.objects.filter(mentorship_id__in=ids)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("mentorship_id"),
                order_by=(F("created_at").desc(), F("pk").desc()),
            )
        )
        .filter(rank__lte=3)
        .order_by("mentorship_id", "rank")
        .values_list("mentorship_id", "progress")
    )
    for mentorship_id, progress in recent:
        ratings.setdefault(mentorship_id, []).append(progress)

    result: dict[int, Health] = {}
    for mentorship in mentorships:
        row = rows.get(mentorship.pk, {})
        if viewer is not None and viewer.pk == mentorship.mentee_id:
            role = "mentee"
        elif viewer is not None and viewer.pk == mentorship.mentor_id:
            role = "mentor"
        else:
            role = "admin"
        facts = HealthFacts(
            status=mentorship.status,
            role=role,
            mentee_name=mentorship.mentee.get_short_name(),
            mentor_name=mentorship.mentor.get_short_name(),
            started_at=mentorship.started_at,
            frequency=mentorship.frequency,
            resumed_at=row.get("resumed_at"),
            first_session_at=row.get("first_session_at"),
            last_session_at=row.get("last_session_at"),
            last_confirmed_at=row.get("last_confirmed_at"),
            checkins=row.get("checkin_count", 0),
            unacknowledged=row.get("unacknowledged", 0),
            last_checkin_at=row.get("last_checkin_at"),
            recent_ratings=tuple(ratings.get(mentorship.pk, ())),
        )
        result[mentorship.pk] = assess(
            facts,
            now=now,
            first_session_days=settings.FIRST_SESSION_DAYS,
            quiet_days=settings.QUIET_DAYS,
        )
    return result


@dataclass(frozen=True)
class AtRisk:
    mentorship: Mentorship
    health: Health


def list_at_risk(*, now: datetime) -> list[AtRisk]:
    """Active mentorships labelled at risk, for staff, oldest first (three queries)."""
    active = list(
        Mentorship.objects.filter(status=Mentorship.Status.ACTIVE)
        .select_related("mentee", "mentor")
        .order_by("started_at", "pk")
    )
    health = health_for_mentorships(active, now=now)
    return [AtRisk(m, health[m.pk]) for m in active if health[m.pk].key == "at_risk"]
