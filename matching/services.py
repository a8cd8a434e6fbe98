"""Requests and mentorships: every change to them goes through these functions.

A request is a mentee's short first message to one mentor. The rules live
here, once, for pages, the API and workers alike:

- one open request per pair (also a partial unique index, so a double submit
  gives one row), never to oneself, and at most the programme's
  `max_open_requests` waiting at once;
- only to a mentor who is accepting, not paused and has a free place;
- at most DAILY_REQUEST_LIMIT new requests a day (LimitReached with the
  seconds to wait);
- accepting locks both people's profile rows (in id order, so two accepts
  never deadlock) and checks the mentor's free places under the lock, so
  two accepts that race never go beyond capacity and a mentee accepted by two
  mentors at once ends up in one mentorship. The first accept wins: the
  mentee's other open requests are cancelled.

Illegal transitions (accepting a declined request, declining an accepted
one) raise Conflict and change nothing. Another person's request is
`DoesNotExist`, which pages and the API answer as 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from matching.models import Mentorship, MentorshipRequest, Program, RequestMessage
from mentorship.exceptions import Conflict, LimitReached, RuleViolation
from profiles.models import Goal, Profile, User
from profiles.services import mark_profiles_changed

DAILY_REQUEST_LIMIT = 10
DEFAULT_MAX_OPEN_REQUESTS = 3
MAX_SUBJECT = 150
MAX_MESSAGE = 4000

Status = MentorshipRequest.Status


def places_taken(mentor: User) -> int:
    return Mentorship.objects.live().filter(mentor=mentor).count()


def closed_reason(profile: Profile, *, taken: int) -> str:
    """Why this mentor cannot take a request now, in words, or "" when they can.

    The same rule as the index's `Offers.open_to_requests`: paused until today
    means open again today.
    """
    name = profile.user.get_short_name()
    if not profile.is_mentor or not profile.user.is_active:
        return f"{name} is not mentoring on the platform."
    if not profile.accepting_mentees:
        return f"{name} is not taking new mentees at the moment."
    if profile.paused_until and profile.paused_until > timezone.localdate():
        return f"{name} has paused mentoring until {profile.paused_until:%d %B %Y}."
    if taken >= profile.capacity:
        return f"{name} has no free place at the moment."
    return ""


def send_request(
    *,
    mentee: User,
    mentor_id: int,
    subject: str,
    message: str,
    goal: Goal | None = None,
    ask: str = MentorshipRequest.Ask.INTRO_CALL,
    program: Program | None = None,
) -> MentorshipRequest:
    """Send a request, or raise: RuleViolation (400), Conflict (409), LimitReached (429)."""
    subject, message = subject.strip(), message.strip()
    if not subject:
        raise RuleViolation("Give your request a subject.", code="subject_missing")
    if not message:
        raise RuleViolation("Write a short message to the mentor.", code="message_missing")
    if len(subject) > MAX_SUBJECT or len(message) > MAX_MESSAGE:
        raise RuleViolation(
            f"Keep the subject under {MAX_SUBJECT} and the message under {MAX_MESSAGE} characters.",
            code="too_long",
        )
    if mentor_id == mentee.pk:
        raise RuleViolation("You cannot send a request to yourself.", code="self")
    if ask not in MentorshipRequest.Ask.values:
        raise RuleViolation("Choose what you are asking for.", code="ask_unknown")
    if goal is not None and goal.owner_id != mentee.pk:
        raise RuleViolation("Choose one of your own goals.", code="goal_unknown")
    profile = (
        Profile.objects.select_related("user")
        .filter(user_id=mentor_id, is_mentor=True, user__is_active=True)
        .first()
    )
    if profile is None:
        raise RuleViolation("There is no such mentor.", code="mentor_unknown")
    mentor = profile.user
    reason = closed_reason(profile, taken=places_taken(mentor))
    if reason:
        raise RuleViolation(reason, code="mentor_closed")

    now = timezone.now()
    sent_today = list(
        MentorshipRequest.objects.filter(mentee=mentee, created_at__gte=now - timedelta(days=1))
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )
    if len(sent_today) >= DAILY_REQUEST_LIMIT:
        wait = sent_today[-DAILY_REQUEST_LIMIT] + timedelta(days=1) - now
        raise LimitReached(
            f"You have sent {DAILY_REQUEST_LIMIT} requests today. You can send another later.",
            retry_after=max(1, int(wait.total_seconds()) + 1),
        )
    limit = program.max_open_requests if program else DEFAULT_MAX_OPEN_REQUESTS
    if Mentorship.objects.live().filter(mentee=mentee, mentor=mentor).exists():
        raise Conflict(f"You are already in a mentorship with {mentor.get_short_name()}.")
    if MentorshipRequest.objects.pending().filter(mentee=mentee, mentor=mentor).exists():
        raise Conflict(f"Your request to {mentor.get_short_name()} is still waiting for an answer.")
    if MentorshipRequest.objects.pending().filter(mentee=mentee).count() >= limit:
        raise Conflict(
            f"You have {limit} requests waiting for an answer. Withdraw one, or wait for "
            "an answer, before sending another.",
            code="too_many_open",
        )
    try:
        with transaction.atomic():
            request = MentorshipRequest.objects.create(
                mentee=mentee,
                mentor=mentor,
                program=program,
                goal=goal,
                subject=subject,
                message=message,
                ask=ask,
            )
            # Open requests move a mentor down a little in everyone's ranking.
            mark_profiles_changed(user_ids=[mentor.pk])
    except IntegrityError as error:
        # The same request sent twice at once: the unique index kept one.
        raise Conflict(
            f"Your request to {mentor.get_short_name()} is already waiting for an answer."
        ) from error
    return request


def _lock_pair(request: MentorshipRequest) -> Profile:
    """Lock both people's profiles in id order; the mentor's profile, locked."""
    locked = {
        profile.user_id: profile
        for profile in Profile.objects.select_for_update()
        .filter(user_id__in=(request.mentee_id, request.mentor_id))
        .order_by("user_id")
    }
    return locked[request.mentor_id]


def _pending(request_id: int, **owner: User) -> MentorshipRequest:
    """The person's request (DoesNotExist for anyone else's), locked, still pending."""
    request = MentorshipRequest.objects.select_for_update().get(pk=request_id, **owner)
    if request.status != Status.PENDING:
        raise Conflict(f"This request is already {request.get_status_display().lower()}.")
    return request


def accept_request(*, mentor: User, request_id: int, welcome_note: str = "") -> Mentorship:
    """Accept: the mentorship starts and the mentee's other open requests are cancelled."""
    with transaction.atomic():
        request = MentorshipRequest.objects.get(pk=request_id, mentor=mentor)
        profile = _lock_pair(request)
        request = _pending(request_id, mentor=mentor)
        # A request sent before the mentor paused may still be accepted: only
        # the places are checked, under the lock.
        if places_taken(mentor) >= profile.capacity:
            raise Conflict("All your places are taken: end or pause a mentorship first.")
        now = timezone.now()
        request.status = Status.ACCEPTED
        request.welcome_note = welcome_note.strip()[:1000]
        request.responded_at = now
        request.save(update_fields=["status", "welcome_note", "responded_at"])
        mentorship = Mentorship.objects.create(
            mentee_id=request.mentee_id,
            mentor=mentor,
            program=request.program,
            request=request,
        )
        if request.goal_id:
            mentorship.goals.add(request.goal_id)
        others = list(
            MentorshipRequest.objects.pending()
            .select_for_update()
            .filter(mentee_id=request.mentee_id)
            .exclude(pk=request.pk)
        )
        for other in others:
            other.status = Status.CANCELLED
            other.responded_at = now
            other.save(update_fields=["status", "responded_at"])
        mark_profiles_changed(user_ids=[mentor.pk, *(o.mentor_id for o in others)])
    return mentorship


def decline_request(
    *, mentor: User, request_id: int, reason: str, note: str = "", pause: bool = False
) -> MentorshipRequest:
    """Decline with a reason and an optional kind note; `pause` also stops new requests."""
    if reason not in MentorshipRequest.DeclineReason.values:
        raise RuleViolation("Choose a reason, so the mentee knows what to do next.")
    with transaction.atomic():
        request = _pending(request_id, mentor=mentor)
        request.status = Status.DECLINED
        request.decline_reason = reason
        request.decline_note = note.strip()[:1000]
        request.responded_at = timezone.now()
        request.save(update_fields=["status", "decline_reason", "decline_note", "responded_at"])
        if pause:
            Profile.objects.filter(user=mentor).update(accepting_mentees=False)
        mark_profiles_changed(user_ids=[mentor.pk])
    return request


def withdraw_request(*, mentee: User, request_id: int) -> MentorshipRequest:
    with transaction.atomic():
        request = _pending(request_id, mentee=mentee)
        request.status = Status.WITHDRAWN
        request.responded_at = timezone.now()
        request.save(update_fields=["status", "responded_at"])
        mark_profiles_changed(user_ids=[request.mentor_id])
    return request


def add_message(*, user: User, request_id: int, body: str) -> RequestMessage:
    """The mentor asks a question, or the mentee answers, while the request is pending."""
    body = body.strip()
    if not body:
        raise RuleViolation("Write your message first.")
    if len(body) > 2000:
        raise RuleViolation("Keep the message under 2000 characters.")
    with transaction.atomic():
        request = (
            MentorshipRequest.objects.select_for_update()
            .filter(Q(mentee=user) | Q(mentor=user), pk=request_id)
            .get()
        )
        if request.status != Status.PENDING:
            raise Conflict("Messages can be added only while the request waits for an answer.")
        if request.mentee_id == user.pk and not request.messages.exists():
            raise Conflict("The mentor asks first; your answer follows their question.")
        return RequestMessage.objects.create(request=request, author=user, body=body)


@dataclass(frozen=True)
class AgreementTerms:
    """What a pair agrees on before the first session."""

    frequency: str
    session_minutes: int
    channel: str
    planned_end: date | None = None
    boundaries: str = ""
    confidentiality: str = ""

    def differs_from(self, mentorship: Mentorship) -> bool:
        return any(getattr(self, name) != getattr(mentorship, name) for name in AGREEMENT_FIELDS)


AGREEMENT_FIELDS = (
    "frequency",
    "session_minutes",
    "channel",
    "planned_end",
    "boundaries",
    "confidentiality",
)


def confirm_agreement(*, user: User, mentorship_id: int, terms: AgreementTerms) -> Mentorship:
    """Confirm the agreement as written in `terms`.

    Changed terms are saved and count as this person's confirmation only: the
    other person confirms again, so nobody is held to terms they did not see.
    The agreement stands when both have confirmed the same terms.
    """
    if terms.frequency not in Mentorship.Frequency.values:
        raise RuleViolation("Choose how often you will meet.", code="frequency_unknown")
    if not 10 <= terms.session_minutes <= 240:
        raise RuleViolation("Sessions last between 10 and 240 minutes.", code="minutes_range")
    if not terms.channel.strip():
        raise RuleViolation("Say where you will meet (a video link, a place).", code="channel")
    if terms.planned_end is not None and terms.planned_end <= timezone.localdate():
        raise RuleViolation("The planned end is a date in the future.", code="end_in_past")
    terms = AgreementTerms(
        frequency=terms.frequency,
        session_minutes=terms.session_minutes,
        channel=terms.channel.strip()[:120],
        planned_end=terms.planned_end,
        boundaries=terms.boundaries.strip()[:2000],
        confidentiality=terms.confidentiality.strip()[:2000],
    )
    with transaction.atomic():
        mentorship = (
            Mentorship.objects.select_for_update()
            .filter(Q(mentee=user) | Q(mentor=user))
            .get(pk=mentorship_id)
        )
        if mentorship.status not in Mentorship.LIVE:
            raise Conflict("This mentorship has ended; its agreement can no longer change.")
        now = timezone.now()
        mine, theirs = (
            ("mentee_confirmed_at", "mentor_confirmed_at")
            if mentorship.mentee_id == user.pk
            else ("mentor_confirmed_at", "mentee_confirmed_at")
        )
        fields = [mine]
        if terms.differs_from(mentorship):
            for name in AGREEMENT_FIELDS:
                setattr(mentorship, name, getattr(terms, name))
            setattr(mentorship, theirs, None)
            fields += [*AGREEMENT_FIELDS, theirs]
        setattr(mentorship, mine, now)
        mentorship.save(update_fields=fields)
    return mentorship
