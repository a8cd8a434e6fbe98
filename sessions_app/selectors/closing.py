"""Reads for pausing and ending: the mentorship page's panel and the closing summary.

The other person's private feedback and rating never leave here: the summary
carries each reflection as a `SharedReflection`, which has no such fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from matching.models import Mentorship
from profiles.models import Goal, Milestone, User
from sessions_app.models import CheckIn, GoalOutcome, Reflection, Session
from sessions_app.services.closing import CLOSE_AFTER_DAYS


@dataclass(frozen=True)
class ClosingPanel:
    """Where pausing and ending stand, from the viewer's side."""

    # "active" | "paused" | "proposed_by_me" | "proposed_by_other" | "closed"
    state: str
    other: User
    paused_by_me: bool = False
    paused_by_name: str = ""
    pause_until: date | None = None
    pause_reason: str = ""
    outcome_label: str = ""
    proposed_at: datetime | None = None
    closes_on: datetime | None = None
    reflection_missing: bool = False


def closing_panel(*, mentorship: Mentorship, user: User) -> dict[str, Any]:
    """The mentorship page's pause/end card and banner (a query only once it has closed)."""
    is_mentee = mentorship.mentee_id == user.pk
    other = mentorship.mentor if is_mentee else mentorship.mentee
    if not mentorship.is_live:
        missing = not Reflection.objects.filter(mentorship=mentorship, author=user).exists()
        panel = ClosingPanel("closed", other, reflection_missing=missing)
    elif mentorship.close_proposed_by_id:
        by_me = mentorship.close_proposed_by_id == user.pk
        assert mentorship.close_proposed_at is not None
        panel = ClosingPanel(
            "proposed_by_me" if by_me else "proposed_by_other",
            other,
            outcome_label=mentorship.get_close_outcome_display(),
            proposed_at=mentorship.close_proposed_at,
            closes_on=mentorship.close_proposed_at + timedelta(days=CLOSE_AFTER_DAYS),
        )
    elif mentorship.status == Mentorship.Status.PAUSED:
        by_me = mentorship.paused_by_id == user.pk
        by_name = "you" if by_me else other.get_short_name()
        if not by_me and mentorship.paused_by_id != other.pk:
            # Neither of the pair: a program admin paused it from the admin.
            by_name = "the program team"
        panel = ClosingPanel(
            "paused",
            other,
            paused_by_me=by_me,
            paused_by_name=by_name,
            pause_until=mentorship.pause_until,
            pause_reason=mentorship.pause_reason,
        )
    else:
        panel = ClosingPanel("active", other)
    return {"closing": panel}


# --- The summary -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SharedReflection:
    """What one person's reflection shows the pair: never the rating or private feedback."""

    author: User
    is_mine: bool
    reflection: str
    thank_you: str
    stay_in_touch: bool
    become_mentor: bool
    written_at: datetime


@dataclass(frozen=True)
class OutcomeLine:
    who: str  # "You" or the other's short name
    label: str
    outcome: str
    note: str


@dataclass(frozen=True)
class GoalSummary:
    goal: Goal
    outcomes: list[OutcomeLine]
    milestones_done: list[Milestone]
    milestones_total: int


@dataclass(frozen=True)
class Summary:
    mentorship: Mentorship
    role: str
    other: User
    days: int
    sessions_held: int
    checkins: int
    milestones_reached: int
    goals: list[GoalSummary]
    mine: SharedReflection | None
    theirs: SharedReflection | None
    both_stay_in_touch: bool
    next_step_mentor: bool


def _count(model: type[Session] | type[CheckIn], **filters: Any) -> Coalesce:
    rows = (
        model.objects.filter(mentorship=OuterRef("pk"), **filters)
        .order_by()
        .values("mentorship")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows[:1], output_field=IntegerField()), 0)


def get_summary(*, user: User, pk: int) -> Summary:
    """What a closed mentorship achieved, as one of the pair sees it; 404 for anyone else's."""
    mentorship = get_object_or_404(
        Mentorship.objects.filter(Q(mentee=user) | Q(mentor=user))
        .select_related("mentee__profile", "mentor__profile", "program")
        .annotate(
            sessions_held=_count(Session, status=Session.Status.COMPLETED),
            checkins_written=_count(CheckIn),
        )
        .prefetch_related(
            Prefetch(
                "goals",
                Goal.objects.order_by("priority", "pk").prefetch_related(
                    Prefetch("milestones", Milestone.objects.order_by("done_at", "due_date", "id"))
                ),
            ),
            Prefetch(
                "reflections",
                Reflection.objects.only(
                    "pk",
                    "mentorship",
                    "author",
                    "reflection",
                    "thank_you",
                    "stay_in_touch",
                    "become_mentor",
                    "created_at",
                ).prefetch_related(Prefetch("outcomes", GoalOutcome.objects.order_by("pk"))),
            ),
        ),
        pk=pk,
    )
    is_mentee = mentorship.mentee_id == user.pk
    other = mentorship.mentor if is_mentee else mentorship.mentee
    people = {user.pk: user, other.pk: other}
    shared: dict[int, SharedReflection] = {}
    outcomes: dict[int, list[OutcomeLine]] = {}
    # The viewer's own outcomes first, then the other's.
    reflections = sorted(mentorship.reflections.all(), key=lambda r: r.author_id != user.pk)
    for reflection in reflections:
        mine = reflection.author_id == user.pk
        shared[reflection.author_id] = SharedReflection(
            author=people.get(reflection.author_id, other),
            is_mine=mine,
            reflection=reflection.reflection,
            thank_you=reflection.thank_you,
            stay_in_touch=reflection.stay_in_touch,
            become_mentor=reflection.become_mentor,
            written_at=reflection.created_at,
        )
        for item in reflection.outcomes.all():
            outcomes.setdefault(item.goal_id, []).append(
                OutcomeLine(
                    "You" if mine else other.get_short_name(),
                    item.get_outcome_display(),
                    item.outcome,
                    item.note,
                )
            )
    goals = []
    for goal in mentorship.goals.all():
        milestones = list(goal.milestones.all())
        goals.append(
            GoalSummary(
                goal=goal,
                outcomes=outcomes.get(goal.pk, []),
                milestones_done=[m for m in milestones if m.done_at is not None],
                milestones_total=len(milestones),
            )
        )
    mine_r, theirs_r = shared.get(user.pk), shared.get(other.pk)
    end = mentorship.ended_at or mentorship.started_at
    mentee_profile = getattr(mentorship.mentee, "profile", None)
    return Summary(
        mentorship=mentorship,
        role="mentee" if is_mentee else "mentor",
        other=other,
        days=max((end - mentorship.started_at).days, 0),
        sessions_held=mentorship.sessions_held,  # type: ignore[attr-defined]
        checkins=mentorship.checkins_written,  # type: ignore[attr-defined]
        milestones_reached=sum(len(g.milestones_done) for g in goals),
        goals=goals,
        mine=mine_r,
        theirs=theirs_r,
        both_stay_in_touch=bool(
            mine_r and theirs_r and mine_r.stay_in_touch and theirs_r.stay_in_touch
        ),
        next_step_mentor=bool(
            is_mentee
            and mine_r
            and mine_r.become_mentor
            and not (mentee_profile and mentee_profile.is_mentor)
        ),
    )
