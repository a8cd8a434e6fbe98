"""Pausing, resuming and ending a mentorship, and each person's closing reflection.

Either person can pause (future sessions are cancelled; the pair gets no
reminders while paused) and either can resume. Ending takes both: one
proposes, with their reflection and the outcome ("completed" or "ended"),
the other agrees with theirs; a proposal left unanswered for
CLOSE_AFTER_DAYS closes on its own and the other can still reflect later.

Both people can act at once, so every change locks the mentorship row first
and re-checks its state under the lock: a double submit of "agree" closes
once and tells each person once. Another person's mentorship is
`Mentorship.DoesNotExist`, which pages and the API answer as 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from matching.models import Mentorship
from mentorship.exceptions import Conflict, RuleViolation
from mentorship.notifications.services import notify
from profiles.models import Goal, Profile, User
from profiles.services import mark_profiles_changed, set_goal_status
from sessions_app.models import GoalOutcome, Reflection, Session
from sessions_app.services.sessions import tell_cancelled

MAX_PAUSE_DAYS = 92  # about three months: a longer break is better ended and restarted
CLOSE_AFTER_DAYS = 14  # an unanswered proposal to end closes on its own after this
MAX_REASON = 500
OUTCOMES = ("completed", "ended")

Status = Mentorship.Status


@dataclass(frozen=True)
class GoalOutcomeInput:
    """Where one linked goal ended up, in one person's words."""

    goal_id: int
    outcome: str
    note: str = ""


@dataclass(frozen=True)
class ReflectionInput:
    """One person's closing words. `private_feedback` is for the program admins only."""

    reflection: str
    goal_outcomes: tuple[GoalOutcomeInput, ...] = field(default_factory=tuple)
    thank_you: str = ""
    rating: int | None = None
    private_feedback: str = ""
    stay_in_touch: bool = False
    become_mentor: bool = False


@dataclass(frozen=True)
class ClosingSweep:
    resumed: int
    closed: int


# --- Helpers -------------------------------------------------------------------------------


def _lock(user: User, mentorship_id: int, *, for_program: bool = False) -> Mentorship:
    """The person's mentorship, locked for this transaction (DoesNotExist for anyone else).

    `for_program`: a program admin acts on any pair (the admin checks their permission).
    """
    mentorships = Mentorship.objects.select_for_update().select_related("mentee", "mentor")
    if not for_program:
        mentorships = mentorships.filter(Q(mentee=user) | Q(mentor=user))
    return mentorships.get(pk=mentorship_id)


def _actor_names(user: User, *, for_program: bool) -> dict[str, str]:
    """How messages name who acted: the person, or the program team for an admin."""
    if for_program:
        return {"name": f"{user.display_name}, for the program team,", "short": "The program team"}
    return {"name": user.display_name, "short": user.get_short_name()}


def _other(mentorship: Mentorship, user_id: int) -> User:
    return mentorship.mentor if user_id == mentorship.mentee_id else mentorship.mentee


def _zone(user: User) -> ZoneInfo:
    name = Profile.objects.filter(user=user).values_list("time_zone", flat=True).first()
    try:
        return ZoneInfo(name or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def _when(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%a %d %B, %H:%M} ({local.tzname()})"


def _cancel_future_sessions(
    mentorship: Mentorship, *, by: User | None, now: datetime, reason: str
) -> list[Session]:
    """Cancel the pair's proposed and confirmed sessions still ahead; the cancelled ones."""
    sessions = list(
        Session.objects.filter(
            mentorship=mentorship,
            status__in=(Session.Status.PROPOSED, Session.Status.CONFIRMED),
        ).filter(Q(starts_at__isnull=True) | Q(starts_at__gte=now))
    )
    if sessions:
        # A new SEQUENCE, so calendars that hold the invite take the cancellation.
        Session.objects.filter(pk__in=[s.pk for s in sessions]).update(
            status=Session.Status.CANCELLED,
            cancelled_at=now,
            cancelled_by=by,
            cancel_reason=reason,
            sequence=F("sequence") + 1,
        )
    confirmed = [s.pk for s in sessions if s.status == Session.Status.CONFIRMED]
    # Each confirmed session is in both calendars: both get its CANCEL invite.
    for cancelled in Session.objects.filter(pk__in=confirmed).select_related(
        "mentorship__mentee", "mentorship__mentor"
    ):
        tell_cancelled(
            session=cancelled,
            actor=by,
            recipients=(mentorship.mentee, mentorship.mentor),
            now=now,
            with_invite=True,
        )
    return sessions


def _session_lines(sessions: list[Session], zone: ZoneInfo) -> list[str]:
    return [
        _when(s.starts_at, zone) if s.starts_at else "A session still being scheduled"
        for s in sessions
    ]


def _mentorship_url(mentorship: Mentorship) -> str:
    return reverse("matching:mentorship", args=[mentorship.pk])


def _summary_url(mentorship: Mentorship) -> str:
    return reverse("sessions_app:mentorship_summary", args=[mentorship.pk])


def _clean_reflection(mentorship: Mentorship, user: User, data: ReflectionInput) -> ReflectionInput:
    """Check a reflection's meaning: text present, rating 1–5, outcomes of linked goals only."""
    text = data.reflection.strip()
    if not text:
        raise RuleViolation(
            "Write a few words of reflection: what changed for you.", code="reflection_missing"
        )
    if data.rating is not None and not 1 <= data.rating <= 5:
        raise RuleViolation("The rating is from 1 to 5.", code="rating_range")
    linked = set(mentorship.goals.values_list("pk", flat=True))
    seen: set[int] = set()
    outcomes = []
    for item in data.goal_outcomes:
        if item.goal_id not in linked:
            raise RuleViolation(
                "Give outcomes only for the goals linked to this mentorship.", code="goal_unknown"
            )
        if item.outcome not in GoalOutcome.Outcome.values:
            raise RuleViolation(
                "A goal's outcome is achieved, progressed, unchanged or dropped.",
                code="outcome_unknown",
            )
        if item.goal_id in seen:
            raise RuleViolation("Give each goal's outcome once.", code="goal_twice")
        seen.add(item.goal_id)
        outcomes.append(GoalOutcomeInput(item.goal_id, item.outcome, item.note.strip()[:300]))
    return ReflectionInput(
        reflection=text[:4000],
        goal_outcomes=tuple(outcomes),
        thank_you=data.thank_you.strip()[:2000],
        rating=data.rating,
        private_feedback=data.private_feedback.strip()[:4000],
        stay_in_touch=data.stay_in_touch,
        # Only a mentee is offered to become a mentor.
        become_mentor=data.become_mentor and user.pk == mentorship.mentee_id,
    )


def _save_reflection(mentorship: Mentorship, user: User, data: ReflectionInput) -> Reflection:
    """Store a checked reflection; a goal the mentee calls achieved becomes achieved."""
    try:
        with transaction.atomic():
            reflection = Reflection.objects.create(
                mentorship=mentorship,
                author=user,
                reflection=data.reflection,
                thank_you=data.thank_you,
                rating=data.rating,
                private_feedback=data.private_feedback,
                stay_in_touch=data.stay_in_touch,
                become_mentor=data.become_mentor,
            )
    except IntegrityError:
        raise Conflict("You have already written your reflection.", code="reflected") from None
    GoalOutcome.objects.bulk_create(
        GoalOutcome(reflection=reflection, goal_id=o.goal_id, outcome=o.outcome, note=o.note)
        for o in data.goal_outcomes
    )
    if user.pk == mentorship.mentee_id:
        achieved = [o.goal_id for o in data.goal_outcomes if o.outcome == "achieved"]
        for goal in Goal.objects.filter(pk__in=achieved, owner=user).exclude(
            status=Goal.Status.ACHIEVED
        ):
            set_goal_status(goal=goal, status=Goal.Status.ACHIEVED)
    return reflection


def _close(mentorship: Mentorship, *, by: User | None, now: datetime) -> None:
    """End a locked, live mentorship with its proposed outcome and tell both."""
    completed = mentorship.close_outcome == "completed"
    mentorship.status = Status.COMPLETED if completed else Status.ENDED
    mentorship.ended_at = now
    mentorship.save(update_fields=["status", "ended_at"])
    _cancel_future_sessions(mentorship, by=by, now=now, reason="Mentorship ended")
    # The mentor's place is free again: browse re-reads their places.
    mark_profiles_changed(user_ids=[mentorship.mentor_id])
    reflected = set(
        Reflection.objects.filter(mentorship=mentorship).values_list("author_id", flat=True)
    )
    proposer = mentorship.close_proposed_by_id
    for person in (mentorship.mentee, mentorship.mentor):
        other = _other(mentorship, person.pk)
        notify(
            recipient=person,
            kind="mentorship_closed",
            key=f"mentorship:{mentorship.pk}:closed:{person.pk}",
            context={
                "other_name": other.display_name,
                "other_short": other.get_short_name(),
                "outcome": mentorship.get_status_display(),
                "completed": mentorship.status == Status.COMPLETED,
                # Closed on its own: the proposal waited CLOSE_AFTER_DAYS for an answer.
                "automatic": by is None,
                "proposed_by_you": proposer == person.pk,
                "reflection_missing": person.pk not in reflected,
                "days": CLOSE_AFTER_DAYS,
            },
            url=_summary_url(mentorship),
        )


def _resume(mentorship: Mentorship, *, now: datetime) -> None:
    mentorship.status = Status.ACTIVE
    mentorship.resumed_at = now
    mentorship.paused_at = None
    mentorship.paused_by = None
    mentorship.pause_reason = ""
    mentorship.pause_until = None
    mentorship.save(
        update_fields=[
            "status",
            "resumed_at",
            "paused_at",
            "paused_by",
            "pause_reason",
            "pause_until",
        ]
    )


def _tell_resumed(
    mentorship: Mentorship, *, to: User, by: User | None, for_program: bool = False
) -> None:
    assert mentorship.resumed_at is not None
    other = _other(mentorship, to.pk)
    names = _actor_names(by, for_program=for_program) if by else {"name": "", "short": ""}
    notify(
        recipient=to,
        kind="mentorship_resumed",
        key=f"mentorship:{mentorship.pk}:resumed:{mentorship.resumed_at.isoformat()}:{to.pk}",
        context={
            **names,
            "other_short": other.get_short_name(),
            "automatic": by is None,
        },
        url=_mentorship_url(mentorship),
    )


# --- Pause and resume ------------------------------------------------------------------------


def pause_mentorship(
    *,
    user: User,
    mentorship_id: int,
    reason: str,
    until: date | None = None,
    for_program: bool = False,
) -> Mentorship:
    """Pause an active mentorship: future sessions are cancelled and the other is told
    (both people, when a program admin pauses it)."""
    reason = reason.strip()
    if not reason:
        raise RuleViolation(
            "Say why you pause, in a line: it helps the other person plan.", code="reason_missing"
        )
    if len(reason) > MAX_REASON:
        raise RuleViolation(f"Keep the reason under {MAX_REASON} characters.", code="reason_long")
    today = timezone.localdate()
    if until is not None:
        if until <= today:
            raise RuleViolation("Pause until a date in the future.", code="until_past")
        if until > today + timedelta(days=MAX_PAUSE_DAYS):
            raise RuleViolation(
                "Pause for at most three months; for a longer break, end the mentorship.",
                code="until_far",
            )
    with transaction.atomic():
        mentorship = _lock(user, mentorship_id, for_program=for_program)
        if mentorship.status == Status.PAUSED:
            raise Conflict("This mentorship is already paused.", code="paused")
        if mentorship.status != Status.ACTIVE:
            raise Conflict("This mentorship has ended.", code="ended")
        if mentorship.close_proposed_by_id:
            raise Conflict(
                "An end is proposed: agree to it or withdraw it before pausing.",
                code="close_proposed",
            )
        now = timezone.now()
        mentorship.status = Status.PAUSED
        mentorship.paused_at = now
        mentorship.paused_by = user
        mentorship.pause_reason = reason
        mentorship.pause_until = until
        mentorship.save(
            update_fields=["status", "paused_at", "paused_by", "pause_reason", "pause_until"]
        )
        cancelled = _cancel_future_sessions(
            mentorship, by=user, now=now, reason="Mentorship paused"
        )
        told = (
            (mentorship.mentee, mentorship.mentor)
            if for_program
            else (_other(mentorship, user.pk),)
        )
        for other in told:
            # One pause tells each person once: the key names the recipient when both are.
            suffix = f":{other.pk}" if for_program else ""
            notify(
                recipient=other,
                kind="mentorship_paused",
                key=f"mentorship:{mentorship.pk}:paused:{now.isoformat()}{suffix}",
                context={
                    **_actor_names(user, for_program=for_program),
                    "reason": reason,
                    "until": f"{until:%d %B %Y}" if until else "",
                    "sessions": _session_lines(cancelled, _zone(other)),
                },
                url=_mentorship_url(mentorship),
            )
    return mentorship


def resume_mentorship(*, user: User, mentorship_id: int, for_program: bool = False) -> Mentorship:
    """Resume a paused mentorship (either person, or a program admin for both); the rhythm
    restarts from now."""
    with transaction.atomic():
        mentorship = _lock(user, mentorship_id, for_program=for_program)
        if mentorship.status != Status.PAUSED:
            raise Conflict("This mentorship is not paused.", code="not_paused")
        _resume(mentorship, now=timezone.now())
        told = (
            (mentorship.mentee, mentorship.mentor)
            if for_program
            else (_other(mentorship, user.pk),)
        )
        for person in told:
            _tell_resumed(mentorship, to=person, by=user, for_program=for_program)
    return mentorship


def resume_due_mentorships(*, now: datetime | None = None) -> int:
    """Resume pauses whose end date has come and tell both; safe to run any number of times."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = Mentorship.objects.filter(status=Status.PAUSED, pause_until__lte=today).values_list(
        "pk", flat=True
    )
    resumed = 0
    for pk in list(due):
        with transaction.atomic():
            mentorship = (
                Mentorship.objects.select_for_update().select_related("mentee", "mentor").get(pk=pk)
            )
            # Someone may have resumed (or paused again) since the list was read.
            if mentorship.status != Status.PAUSED or not (
                mentorship.pause_until and mentorship.pause_until <= today
            ):
                continue
            _resume(mentorship, now=now)
            for person in (mentorship.mentee, mentorship.mentor):
                _tell_resumed(mentorship, to=person, by=None)
            resumed += 1
    return resumed


# --- Ending ----------------------------------------------------------------------------------


def propose_close(
    *, user: User, mentorship_id: int, outcome: str, reflection: ReflectionInput
) -> Mentorship:
    """Propose to end, with the outcome and your reflection; the other is asked to agree."""
    if outcome not in OUTCOMES:
        raise RuleViolation(
            "Choose how it ends: completed (you reached what you set out to do) or ended early.",
            code="outcome_unknown",
        )
    with transaction.atomic():
        mentorship = _lock(user, mentorship_id)
        if mentorship.status not in Mentorship.LIVE:
            raise Conflict("This mentorship has already ended.", code="ended")
        if mentorship.close_proposed_by_id == user.pk:
            raise Conflict("You have already proposed to end this mentorship.", code="proposed")
        other = _other(mentorship, user.pk)
        if mentorship.close_proposed_by_id:
            raise Conflict(
                f"{other.get_short_name()} has already proposed to end: agree to it instead.",
                code="proposed_by_other",
            )
        data = _clean_reflection(mentorship, user, reflection)
        now = timezone.now()
        mentorship.close_proposed_by = user
        mentorship.close_proposed_at = now
        mentorship.close_outcome = outcome
        mentorship.save(update_fields=["close_proposed_by", "close_proposed_at", "close_outcome"])
        _save_reflection(mentorship, user, data)
        notify(
            recipient=other,
            kind="close_proposed",
            key=f"mentorship:{mentorship.pk}:close_proposed:{now.isoformat()}",
            context={
                "name": user.display_name,
                "short": user.get_short_name(),
                "completed": outcome == "completed",
                "outcome": mentorship.get_close_outcome_display(),
                "thank_you": data.thank_you,
                "days": CLOSE_AFTER_DAYS,
            },
            url=reverse("sessions_app:mentorship_close", args=[mentorship.pk]),
        )
    return mentorship


def withdraw_close(*, user: User, mentorship_id: int) -> Mentorship:
    """Withdraw your proposal to end: the mentorship carries on, your reflection is dropped."""
    with transaction.atomic():
        mentorship = _lock(user, mentorship_id)
        if mentorship.status not in Mentorship.LIVE:
            raise Conflict("This mentorship has already ended.", code="ended")
        if not mentorship.close_proposed_by_id:
            raise Conflict("Nobody has proposed to end this mentorship.", code="not_proposed")
        if mentorship.close_proposed_by_id != user.pk:
            name = _other(mentorship, user.pk).get_short_name()
            raise Conflict(
                f"Only {name}, who proposed it, can withdraw it.", code="proposed_by_other"
            )
        proposed_at = mentorship.close_proposed_at
        assert proposed_at is not None
        mentorship.close_proposed_by = None
        mentorship.close_proposed_at = None
        mentorship.close_outcome = ""
        mentorship.save(update_fields=["close_proposed_by", "close_proposed_at", "close_outcome"])
        Reflection.objects.filter(mentorship=mentorship, author=user).delete()
        # The key names the proposal withdrawn: a double submit tells once.
        notify(
            recipient=_other(mentorship, user.pk),
            kind="close_withdrawn",
            key=f"mentorship:{mentorship.pk}:close_withdrawn:{proposed_at.isoformat()}",
            context={"name": user.display_name, "short": user.get_short_name()},
            url=_mentorship_url(mentorship),
            send_email=False,
        )
    return mentorship


def agree_close(*, user: User, mentorship_id: int, reflection: ReflectionInput) -> Mentorship:
    """Agree to the other's proposal to end, with your reflection: the mentorship closes."""
    with transaction.atomic():
        mentorship = _lock(user, mentorship_id)
        if mentorship.status not in Mentorship.LIVE:
            raise Conflict("This mentorship has already ended.", code="ended")
        if not mentorship.close_proposed_by_id:
            raise Conflict("Nobody has proposed to end this mentorship.", code="not_proposed")
        if mentorship.close_proposed_by_id == user.pk:
            name = _other(mentorship, user.pk).get_short_name()
            raise Conflict(f"You proposed it: {name} agrees to it.", code="proposed_by_you")
        data = _clean_reflection(mentorship, user, reflection)
        _save_reflection(mentorship, user, data)
        _close(mentorship, by=user, now=timezone.now())
    return mentorship


def close_unanswered_proposals(*, now: datetime | None = None) -> int:
    """Close mentorships whose proposal to end waited CLOSE_AFTER_DAYS; safe to rerun."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=CLOSE_AFTER_DAYS)
    due = Mentorship.objects.filter(
        status__in=Mentorship.LIVE, close_proposed_at__lte=cutoff
    ).values_list("pk", flat=True)
    closed = 0
    for pk in list(due):
        with transaction.atomic():
            mentorship = (
                Mentorship.objects.select_for_update().select_related("mentee", "mentor").get(pk=pk)
            )
            # Agreed or withdrawn since the list was read.
            if mentorship.status not in Mentorship.LIVE or not (
                mentorship.close_proposed_at and mentorship.close_proposed_at <= cutoff
            ):
                continue
            _close(mentorship, by=None, now=now)
            closed += 1
    return closed


def write_reflection(*, user: User, mentorship_id: int, reflection: ReflectionInput) -> Reflection:
    """Add your reflection to a mentorship that closed before you wrote one (once)."""
    with transaction.atomic():
        mentorship = _lock(user, mentorship_id)
        if mentorship.status in Mentorship.LIVE:
            raise Conflict(
                "This mentorship has not ended: propose to end it, with your reflection.",
                code="live",
            )
        data = _clean_reflection(mentorship, user, reflection)
        return _save_reflection(mentorship, user, data)


def sweep_closing(*, now: datetime | None = None) -> ClosingSweep:
    """The hourly sweep: pauses that reached their end date, proposals nobody answered."""
    now = now or timezone.now()
    return ClosingSweep(
        resumed=resume_due_mentorships(now=now), closed=close_unanswered_proposals(now=now)
    )
