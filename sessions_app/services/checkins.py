"""Check-ins (the mentee writes, the mentor acknowledges) and celebrating milestones."""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from matching.models import Mentorship
from mentorship.exceptions import Conflict, RuleViolation
from mentorship.notifications.services import notify
from profiles.models import Goal, Milestone, User
from profiles.services import set_milestone_done
from sessions_app.models import CheckIn
from sessions_app.schedule import checkin_due_on


def record_checkin(
    *,
    user: User,
    mentorship_id: int,
    progress: int,
    wins: str = "",
    blockers: str = "",
    next_steps: str = "",
    milestone_ids: list[int] | None = None,
    form_token: uuid.UUID | None = None,
) -> CheckIn:
    """The mentee's check-in: progress, wins, blockers, next steps and milestones reached.

    `form_token` (one per rendered form) makes a double submit save one check-in:
    the second answers Conflict with code "already_saved".
    """
    if not 1 <= progress <= 5:
        raise RuleViolation("Rate your progress from 1 to 5.", code="invalid_progress")
    wanted = sorted(set(milestone_ids or []))
    with transaction.atomic():
        # Lock the pair's row: two submits of the same form queue here, and the
        # second one sees the first one's token.
        mentorship = (
            Mentorship.objects.select_for_update()
            .select_related("mentee", "mentor")
            .get(Q(mentee=user) | Q(mentor=user), pk=mentorship_id)
        )
        if mentorship.mentee_id != user.pk:
            raise RuleViolation(
                f"Only {mentorship.mentee.get_short_name()} writes check-ins; "
                "you read and acknowledge them.",
                code="mentee_only",
            )
        if mentorship.status != Mentorship.Status.ACTIVE:
            raise Conflict(
                f"This mentorship is {mentorship.get_status_display().lower()}: "
                "check-ins resume when it is active again.",
                code="not_active",
            )
        if form_token is not None:
            existing = CheckIn.objects.filter(mentorship=mentorship, form_token=form_token).first()
            if existing is not None:
                raise _already_saved(existing)
        milestones = list(
            Milestone.objects.select_related("goal").filter(
                Q(goal__owner=user) | Q(goal__mentorships=mentorship), pk__in=wanted
            )
        )
        milestones = list({m.pk: m for m in milestones}.values())
        if len(milestones) != len(wanted):
            raise RuleViolation("Choose milestones of your own goals.", code="milestone_unknown")
        last = CheckIn.objects.filter(mentorship=mentorship).order_by("-created_at").first()
        now = timezone.now()
        due_on = checkin_due_on(
            frequency=mentorship.frequency,
            started_at=mentorship.started_at,
            resumed_at=mentorship.resumed_at,
            last_checkin_at=last.created_at if last else None,
        )
        try:
            with transaction.atomic():
                checkin = CheckIn.objects.create(
                    mentorship=mentorship,
                    author=user,
                    due_on=due_on if due_on <= now.date() else None,
                    progress=progress,
                    wins=wins.strip(),
                    blockers=blockers.strip(),
                    next_steps=next_steps.strip(),
                    form_token=form_token,
                    created_at=now,
                )
        except IntegrityError as error:
            # The same form raced past the check above (databases without row locks).
            existing = CheckIn.objects.get(mentorship=mentorship, form_token=form_token)
            raise _already_saved(existing) from error
        for milestone in milestones:
            set_milestone_done(milestone=milestone, done=True)
        checkin.milestones_done.set(milestones)
        mentee = mentorship.mentee
        notify(
            recipient=mentorship.mentor,
            kind="checkin_submitted",
            key=f"checkin:{checkin.pk}:submitted",
            context={
                "mentee_name": mentee.display_name,
                "mentee_short": mentee.get_short_name(),
                "progress": progress,
                "wins": checkin.wins,
                "blockers": checkin.blockers,
                "next_steps": checkin.next_steps,
                "milestones": [m.title for m in milestones],
            },
            url=reverse("sessions_app:checkin", args=[checkin.pk]),
        )
    return checkin


def _already_saved(checkin: CheckIn) -> Conflict:
    error = Conflict(
        f"This check-in is already saved (at {timezone.localtime(checkin.created_at):%H:%M}).",
        code="already_saved",
    )
    error.checkin_id = checkin.pk  # type: ignore[attr-defined]
    return error


def acknowledge_checkin(*, user: User, checkin_id: int, comment: str = "") -> CheckIn:
    """The mentor acknowledges a check-in with an optional comment; a second click changes
    nothing (a new comment on an acknowledged check-in replaces the old one, unannounced)."""
    comment = comment.strip()
    with transaction.atomic():
        checkin = (
            CheckIn.objects.select_for_update(of=("self",))
            .select_related("mentorship__mentee", "mentorship__mentor")
            .get(Q(mentorship__mentee=user) | Q(mentorship__mentor=user), pk=checkin_id)
        )
        mentorship = checkin.mentorship
        if mentorship.mentor_id != user.pk:
            raise RuleViolation(
                f"{mentorship.mentor.get_short_name()} acknowledges check-ins.",
                code="mentor_only",
            )
        if checkin.acknowledged_at is not None:
            if comment and comment != checkin.mentor_comment:
                checkin.mentor_comment = comment
                checkin.save(update_fields=["mentor_comment"])
            return checkin
        checkin.acknowledged_at = timezone.now()
        checkin.mentor_comment = comment
        checkin.save(update_fields=["acknowledged_at", "mentor_comment"])
        mentor = mentorship.mentor
        notify(
            recipient=mentorship.mentee,
            kind="checkin_acknowledged",
            key=f"checkin:{checkin.pk}:acknowledged",
            context={
                "mentor_name": mentor.display_name,
                "mentor_short": mentor.get_short_name(),
                "comment": comment,
                "written_on": f"{timezone.localtime(checkin.created_at):%d %B}",
            },
            url=reverse("sessions_app:checkin", args=[checkin.pk]),
        )
    return checkin


# --- Celebrating milestones and goals ----------------------------------------------------
#
# profiles.services.set_milestone_done and set_goal_status call these (imported
# lazily there): every path that completes a milestone or goal — the goals page,
# the goals API, a check-in — tells the mentors once, and profiles needs no
# import of matching or sessions at module level (no import cycle).


def celebrate_milestone(*, milestone: Milestone) -> None:
    """Tell the mentor of each live mentorship the milestone's goal is linked to, once."""
    _celebrate(
        goal_id=milestone.goal_id,
        key=f"milestone:{milestone.pk}:done",
        context={"what": "milestone", "title": milestone.title},
    )


def celebrate_goal(*, goal: Goal) -> None:
    """Tell the mentor of each live mentorship the goal is linked to, once."""
    _celebrate(
        goal_id=goal.pk,
        key=f"goal:{goal.pk}:achieved",
        context={"what": "goal", "title": goal.title},
    )


def _celebrate(*, goal_id: int, key: str, context: dict[str, str]) -> None:
    # The key names the milestone (or goal) and the mentorship, not the moment:
    # unticking and ticking again does not tell the mentor twice.
    for mentorship in (
        Mentorship.objects.live().filter(goals=goal_id).select_related("mentee", "mentor")
    ):
        mentee = mentorship.mentee
        notify(
            recipient=mentorship.mentor,
            kind="milestone_completed",
            key=f"{key}:mentorship:{mentorship.pk}",
            context={
                **context,
                "mentee_name": mentee.display_name,
                "mentee_short": mentee.get_short_name(),
            },
            url=reverse("matching:mentorship", args=[mentorship.pk]),
        )
