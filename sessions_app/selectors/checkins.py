"""Reads of check-ins with their access rules, and the mentorship page's check-in panel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from matching.models import Mentorship
from profiles.models import Milestone, User
from sessions_app import schedule
from sessions_app.models import CheckIn
from sessions_app.schedule import checkin_due_on
from sessions_app.selectors.health import health_for_mentorships

PANEL_LATEST = 3
TREND_LENGTH = 12


def _visible(user: User) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(Q(mentorship__mentee=user) | Q(mentorship__mentor=user))


def get_checkin_for_participant(*, user: User, pk: int) -> CheckIn:
    """A check-in of one of the person's mentorships, either side; 404 for anyone else's."""
    return get_object_or_404(
        _visible(user)
        .select_related("mentorship__mentee", "mentorship__mentor", "author")
        .prefetch_related(Prefetch("milestones_done", Milestone.objects.select_related("goal"))),
        pk=pk,
    )


def list_checkins_for_participant(*, user: User) -> QuerySet[CheckIn]:
    """The person's check-ins from both sides (written and received), newest first."""
    return (
        _visible(user)
        .select_related("mentorship", "author")
        .prefetch_related("milestones_done")
        .order_by("-created_at", "-pk")
    )


def list_checkins_of_mentorship(*, mentorship: Mentorship) -> QuerySet[CheckIn]:
    """One mentorship's check-ins, newest first, with the milestones each reached."""
    return (
        CheckIn.objects.filter(mentorship=mentorship)
        .prefetch_related("milestones_done")
        .order_by("-created_at", "-pk")
    )


def open_milestones_for_checkin(*, mentorship: Mentorship) -> QuerySet[Milestone]:
    """Milestones still open on the goals linked to the mentorship, to tick in a check-in."""
    return (
        Milestone.objects.filter(goal__mentorships=mentorship, done_at__isnull=True)
        .select_related("goal")
        .order_by("goal__priority", "goal_id", "due_date", "pk")
        .distinct()
    )


@dataclass(frozen=True)
class TrendPoint:
    x: int
    y: int
    progress: int
    on: datetime


def progress_trend(ratings: list[tuple[int, datetime]]) -> dict[str, Any]:
    """Points of a small SVG line of ratings (oldest first) in a 128 by 36 box."""
    if not ratings:
        return {"points": [], "polyline": ""}
    step = 120 // max(len(ratings) - 1, 1)
    points = [
        TrendPoint(
            x=4 + i * step if len(ratings) > 1 else 60, y=32 - (p - 1) * 7, progress=p, on=on
        )
        for i, (p, on) in enumerate(ratings)
    ]
    return {"points": points, "polyline": " ".join(f"{p.x},{p.y}" for p in points)}


def recent_ratings(*, mentorship: Mentorship) -> list[tuple[int, datetime]]:
    """The last few progress ratings, oldest first."""
    rows = list(
        CheckIn.objects.filter(mentorship=mentorship)
        .order_by("-created_at", "-pk")
        .values_list("progress", "created_at")[:TREND_LENGTH]
    )
    return rows[::-1]


@dataclass(frozen=True)
class Celebration:
    kind: str  # "milestone" | "goal" | "anniversary"
    title: str
    on: date | datetime


def celebrations(*, mentorship: Mentorship, today: date, limit: int = 6) -> list[Celebration]:
    """Milestones and goals reached during the mentorship, and its anniversaries, newest first.

    Reads the goals and milestones prefetched by `get_mentorship_page` (no query).
    """
    since = mentorship.started_at
    found: list[Celebration] = []
    for goal in mentorship.goals.all():
        if goal.achieved_at is not None and goal.achieved_at >= since:
            found.append(Celebration("goal", goal.title, goal.achieved_at))
        for milestone in goal.milestones.all():
            if milestone.done_at is not None and milestone.done_at >= since:
                found.append(Celebration("milestone", milestone.title, milestone.done_at))
    started_on = mentorship.started_at.date()
    for months in schedule.anniversaries_reached(started_on=started_on, today=today):
        label = "One month together" if months == 1 else f"{months} months together"
        found.append(Celebration("anniversary", label, schedule.add_months(started_on, months)))

    def sort_key(item: Celebration) -> date:
        return item.on.date() if isinstance(item.on, datetime) else item.on

    return sorted(found, key=sort_key, reverse=True)[:limit]


@dataclass(frozen=True)
class CheckinState:
    due_on: date
    stage: str
    days_overdue: int
    label: str


STAGE_LABELS = {
    "not_due": "Next check-in",
    "due": "Check-in due",
    "reminded": "Check-in late",
    "reminded_again": "Check-in late",
    "flagged": "Check-in long overdue",
}


def checkin_panel(*, mentorship: Mentorship, user: User, now: datetime) -> dict[str, Any]:
    """The mentorship page's check-ins panel, celebrations and health (four queries)."""
    # 1. The latest check-ins with the milestones they reached (2 queries: rows + M2M).
    latest = list(list_checkins_of_mentorship(mentorship=mentorship)[:PANEL_LATEST])
    due_on = checkin_due_on(
        frequency=mentorship.frequency,
        started_at=mentorship.started_at,
        resumed_at=mentorship.resumed_at,
        last_checkin_at=latest[0].created_at if latest else None,
    )
    stage = schedule.checkin_stage(due_on=due_on, today=now.date())
    # 2. Health (two queries, see health_for_mentorships).
    health = health_for_mentorships([mentorship], now=now, viewer=user)[mentorship.pk]
    return {
        "checkins_latest": latest,
        "checkin_state": CheckinState(
            due_on, stage.stage, stage.days_overdue, STAGE_LABELS[stage.stage]
        ),
        "can_check_in": mentorship.mentee_id == user.pk
        and mentorship.status == Mentorship.Status.ACTIVE,
        "health": health,
        "celebrations": celebrations(mentorship=mentorship, today=now.date()),
    }
