"""What a person's dashboard shows of their mentorships' rhythm, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from matching.models import Mentorship
from profiles.models import Goal, User
from sessions_app import schedule
from sessions_app.models import Session, SessionOption


def _live_for(user: User) -> QuerySet[Mentorship]:
    return Mentorship.objects.live().filter(Q(mentee=user) | Q(mentor=user))


def sessions_to_answer(*, user: User, limit: int = 5) -> list[Session]:
    """Times the other person proposed and this person has not yet answered."""
    return list(
        Session.objects.filter(
            mentorship__in=_live_for(user).filter(status=Mentorship.Status.ACTIVE),
            status=Session.Status.PROPOSED,
        )
        .exclude(proposed_by=user)
        .select_related("mentorship__mentor", "mentorship__mentee", "proposed_by")
        .prefetch_related(Prefetch("options", queryset=SessionOption.objects.order_by("starts_at")))
        .order_by("created_at", "pk")[:limit]
    )


@dataclass(frozen=True)
class CheckinDue:
    """A check-in the mentee owes, with how late it is."""

    mentorship: Mentorship
    other: User
    stage: schedule.CheckinStage


@dataclass(frozen=True)
class CheckinToAnswer:
    """Check-ins a mentor has not acknowledged yet, per mentorship."""

    mentorship: Mentorship
    other: User
    waiting: int
    latest_id: int


@dataclass(frozen=True)
class CheckinDuties:
    due: list[CheckinDue]
    to_answer: list[CheckinToAnswer]


def checkin_duties(*, user: User, today: date, soon_days: int = 3) -> CheckinDuties:
    """Check-ins due (or due within `soon_days`) as a mentee, and to acknowledge as a mentor."""
    mentorships = list(
        _live_for(user)
        .filter(status=Mentorship.Status.ACTIVE)
        .select_related("mentor", "mentee")
        .annotate(
            last_checkin=Max("checkins__created_at"),
            unanswered=Count("checkins", filter=Q(checkins__acknowledged_at__isnull=True)),
            latest_unanswered=Max("checkins__pk", filter=Q(checkins__acknowledged_at__isnull=True)),
        )
        .order_by("started_at", "pk")
    )
    due, to_answer = [], []
    for mentorship in mentorships:
        if mentorship.mentee_id == user.pk:
            due_on = schedule.checkin_due_on(
                frequency=mentorship.frequency,
                started_at=mentorship.started_at,
                resumed_at=mentorship.resumed_at,
                last_checkin_at=mentorship.last_checkin,
            )
            if due_on <= today + timedelta(days=soon_days):
                stage = schedule.checkin_stage(due_on=due_on, today=today)
                due.append(CheckinDue(mentorship, mentorship.mentor, stage))
        elif mentorship.unanswered:
            to_answer.append(
                CheckinToAnswer(
                    mentorship,
                    mentorship.mentee,
                    mentorship.unanswered,
                    mentorship.latest_unanswered,
                )
            )
    return CheckinDuties(due=due, to_answer=to_answer)


@dataclass(frozen=True)
class GoalProgress:
    goal: Goal
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def goal_progress(*, user: User, limit: int = 4) -> list[GoalProgress]:
    """The person's active goals with how many milestones are reached, most important first."""
    goals = (
        Goal.objects.filter(owner=user, status=Goal.Status.ACTIVE)
        .annotate(
            milestones_total=Count("milestones"),
            milestones_done=Count("milestones", filter=Q(milestones__done_at__isnull=False)),
        )
        .order_by("priority", "created_at")[:limit]
    )
    return [GoalProgress(goal, goal.milestones_done, goal.milestones_total) for goal in goals]
