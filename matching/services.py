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
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from matching.models import Enrolment, Mentorship, MentorshipRequest, Program, RequestMessage
from mentorship.exceptions import Conflict, LimitReached, RuleViolation
from mentorship.notifications.services import notify
from profiles.models import Goal, Profile, User
from profiles.services import mark_profiles_changed, resume_link

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
    if program is not None:
        check_request_in_program(program=program, mentee=mentee, mentor=mentor)
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
            _tell_mentor_of_request(request)
    except IntegrityError as error:
        # The same request sent twice at once: the unique index kept one.
        raise Conflict(
            f"Your request to {mentor.get_short_name()} is already waiting for an answer."
        ) from error
    return request


def check_request_in_program(*, program: Program, mentee: User, mentor: User) -> None:
    """A request within a programme: mentees choose there, and both people are in it."""
    if not program.mentees_choose:
        raise RuleViolation(
            f"In {program.name}, the coordinators introduce mentees to mentors; "
            "requests are not sent there.",
            code="program_assigned",
        )
    roles = dict(
        Enrolment.objects.filter(program=program, user__in=(mentee, mentor)).values_list(
            "user_id", "role"
        )
    )
    if roles.get(mentee.pk) not in (Enrolment.Role.MENTEE, Enrolment.Role.BOTH):
        raise RuleViolation(f"You are not a mentee in {program.name}.", code="program_mentee")
    if roles.get(mentor.pk) not in (Enrolment.Role.MENTOR, Enrolment.Role.BOTH):
        raise RuleViolation(
            f"{mentor.get_short_name()} is not a mentor in {program.name}.", code="program_mentor"
        )


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
        # The pair may have been matched meanwhile (a published bulk match, say).
        if Mentorship.objects.live().filter(mentee_id=request.mentee_id, mentor=mentor).exists():
            raise Conflict(
                f"You are already in a mentorship with {request.mentee.get_short_name()}."
            )
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
            match_run=request.match_run,
            # The programme's rhythm is where the pair starts (they can agree another).
            frequency=request.program.checkin_frequency if request.program else "",
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
            _tell(other, "request_cancelled", to=other.mentor, url=reverse("matching:inbox"))
        mark_profiles_changed(user_ids=[mentor.pk, *(o.mentor_id for o in others)])
        _tell(
            request,
            "request_accepted",
            to=request.mentee,
            url=reverse("matching:mentorship", args=[mentorship.pk]),
            welcome_note=request.welcome_note,
        )
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
        _tell(
            request,
            "request_declined",
            to=request.mentee,
            url=reverse("matching:request", args=[request.pk]),
            reason=request.get_decline_reason_display(),
            note=request.decline_note,
            suggestions=_suggestions(request),
        )
    return request


def withdraw_request(*, mentee: User, request_id: int) -> MentorshipRequest:
    with transaction.atomic():
        request = _pending(request_id, mentee=mentee)
        request.status = Status.WITHDRAWN
        request.responded_at = timezone.now()
        request.save(update_fields=["status", "responded_at"])
        mark_profiles_changed(user_ids=[request.mentor_id])
        # In the app only: the mentor need not be emailed about a request gone.
        _tell(
            request,
            "request_withdrawn",
            to=request.mentor,
            url=reverse("matching:inbox"),
            send_email=False,
        )
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
        message = RequestMessage.objects.create(request=request, author=user, body=body)
        if user.pk == request.mentor_id:
            _tell(
                request,
                "request_question",
                to=request.mentee,
                key=f"request-message:{message.pk}",
                url=reverse("matching:request", args=[request.pk]),
                question=body,
            )
        else:
            _tell(
                request,
                "request_answer",
                to=request.mentor,
                key=f"request-message:{message.pk}",
                url=reverse("matching:inbox_request", args=[request.pk]),
                answer=body,
            )
        return message


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
        if not terms.differs_from(mentorship) and getattr(mentorship, mine) is not None:
            return mentorship  # confirmed already (a double submit): nothing changes
        fields = [mine]
        if terms.differs_from(mentorship):
            for name in AGREEMENT_FIELDS:
                setattr(mentorship, name, getattr(terms, name))
            setattr(mentorship, theirs, None)
            fields += [*AGREEMENT_FIELDS, theirs]
        setattr(mentorship, mine, now)
        mentorship.save(update_fields=fields)
        _tell_of_agreement(mentorship, user=user, changed=theirs in fields)
    return mentorship


def _people(request: MentorshipRequest) -> dict[str, str]:
    return {
        "subject": request.subject,
        "mentee_name": request.mentee.display_name,
        "mentee_short": request.mentee.get_short_name(),
        "mentor_name": request.mentor.display_name,
        "mentor_short": request.mentor.get_short_name(),
        "ask": request.get_ask_display(),
        "goal": request.goal.title if request.goal else "",
    }


def _tell(
    request: MentorshipRequest,
    kind: str,
    *,
    to: User,
    url: str,
    key: str = "",
    send_email: bool = True,
    **extra: object,
) -> None:
    """One message about a request, once: the key names the event."""
    notify(
        recipient=to,
        kind=kind,
        key=key or f"request:{request.pk}:{kind}",
        context={**_people(request), **extra},
        url=url,
        send_email=send_email,
    )


def _expiry_days(request: MentorshipRequest) -> int:
    return (request.program.request_expiry_days if request.program else 0) or DEFAULT_EXPIRY_DAYS


def expires_at(request: MentorshipRequest) -> datetime:
    """When an unanswered request expires: the programme's expiry days, or 14."""
    return request.created_at + timedelta(days=_expiry_days(request))


def _reminder_days(program_days: object, expiry_days: int) -> list[int]:
    """The programme's reminder days, sane: whole days before the expiry, in order."""
    days = program_days if isinstance(program_days, list) and program_days else DEFAULT_REMINDERS
    return sorted({d for d in days if isinstance(d, int) and 0 < d < expiry_days})


def _tell_mentor_of_request(request: MentorshipRequest) -> None:
    _tell(
        request,
        "request_received",
        to=request.mentor,
        url=reverse("matching:inbox_request", args=[request.pk]),
        message=request.message,
        expiry_days=_expiry_days(request),
    )


def _suggestions(request: MentorshipRequest) -> list[dict[str, object]]:
    """Three other mentors who fit the mentee well, for the email after a no."""
    from matching.selectors import suggest_mentors

    return [
        {
            "name": match.profile.user.display_name,
            "headline": match.profile.headline,
            "percent": match.explanation.percent,
            "reason": match.explanation.reasons[0] if match.explanation.reasons else "",
            "url": f"{settings.SITE_URL}{reverse('matching:mentor', args=[match.id])}",
        }
        for match in suggest_mentors(user=request.mentee, exclude_ids=[request.mentor_id])
    ]


def _tell_of_agreement(mentorship: Mentorship, *, user: User, changed: bool) -> None:
    other = mentorship.mentor if user.pk == mentorship.mentee_id else mentorship.mentee
    url = reverse("matching:mentorship", args=[mentorship.pk])
    context = {
        "name": user.display_name,
        "short": user.get_short_name(),
        "frequency": mentorship.get_frequency_display(),
        "session_minutes": mentorship.session_minutes,
        "channel": mentorship.channel,
        "planned_end": f"{mentorship.planned_end:%d %B %Y}" if mentorship.planned_end else "",
    }
    mine = (
        mentorship.mentee_confirmed_at
        if user.pk == mentorship.mentee_id
        else mentorship.mentor_confirmed_at
    )
    if changed:
        assert mine is not None
        notify(
            recipient=other,
            kind="agreement_proposed",
            key=f"mentorship:{mentorship.pk}:terms:{user.pk}:{mine.isoformat()}",
            context=context,
            url=url,
        )
    elif mentorship.agreement_confirmed:
        theirs = (
            mentorship.mentor_confirmed_at
            if user.pk == mentorship.mentee_id
            else mentorship.mentee_confirmed_at
        )
        assert theirs is not None
        notify(
            recipient=other,
            kind="agreement_confirmed",
            key=f"mentorship:{mentorship.pk}:agreed:{theirs.isoformat()}",
            context=context,
            url=url,
        )


# Unanswered requests: reminders and expiry (the beat sweep).

DEFAULT_EXPIRY_DAYS = 14
DEFAULT_REMINDERS = [3, 7]


def remind_mentor(*, request_id: int, number: int, now: datetime) -> bool:
    """Send reminder `number` about a waiting request, once; False when not due or done."""
    with transaction.atomic():
        # The conditional update is the claim: a second sweep finds nothing to do.
        claimed = (
            MentorshipRequest.objects.pending()
            .filter(pk=request_id, reminders_sent__lt=number)
            .update(reminders_sent=number)
        )
        if not claimed:
            return False
        request = MentorshipRequest.objects.select_related(
            "mentee", "mentor", "goal", "program"
        ).get(pk=request_id)
        expires = expires_at(request)
        _tell(
            request,
            "request_reminder",
            to=request.mentor,
            key=f"request:{request.pk}:reminder:{number}",
            url=reverse("matching:inbox_request", args=[request.pk]),
            days_waiting=(now - request.created_at).days,
            days_left=max(1, round((expires - now) / timedelta(days=1))),
            expires_on=f"{timezone.localtime(expires):%A %d %B}",
        )
    return True


@dataclass(frozen=True)
class ExpiryOutcome:
    expired: bool
    paused: bool = False


def expire_request(*, request_id: int, now: datetime) -> ExpiryOutcome:
    """Expire a request left unanswered; the mentee hears of three other mentors.

    Locks in the same order as an accept (both profiles by user id, then the
    request), so an accept and an expiry racing never deadlock: one waits and
    then finds the request no longer pending.
    """
    with transaction.atomic():
        request = MentorshipRequest.objects.select_related("mentee", "mentor", "program").get(
            pk=request_id
        )
        profile = _lock_pair(request)
        try:
            request = _pending(request_id, mentor=request.mentor)
        except Conflict:
            return ExpiryOutcome(expired=False)
        request.status = Status.EXPIRED
        request.responded_at = now
        request.save(update_fields=["status", "responded_at"])
        mark_profiles_changed(user_ids=[request.mentor_id])
        _tell(
            request,
            "request_expired",
            to=request.mentee,
            url=reverse("matching:request", args=[request.pk]),
            days=_expiry_days(request),
            suggestions=_suggestions(request),
        )
        paused = _pause_after_expiries(profile, request=request)
    return ExpiryOutcome(expired=True, paused=paused)


def _pause_after_expiries(profile: Profile, *, request: MentorshipRequest) -> bool:
    """Pause a mentor (profile locked) whose last few requests all expired unanswered."""
    if not profile.accepting_mentees:
        return False
    limit = settings.REQUEST_EXPIRIES_BEFORE_PAUSE
    answered = MentorshipRequest.objects.filter(
        mentor_id=profile.user_id,
        status__in=(Status.ACCEPTED, Status.DECLINED, Status.EXPIRED),
    )
    if profile.expiry_streak_since is not None:
        answered = answered.filter(responded_at__gt=profile.expiry_streak_since)
    last = list(answered.order_by("-responded_at", "-pk").values_list("status", flat=True)[:limit])
    if len(last) < limit or any(status != Status.EXPIRED for status in last):
        return False
    profile.accepting_mentees = False
    profile.save(update_fields=["accepting_mentees", "updated_at"])
    mark_profiles_changed(user_ids=[profile.user_id])
    mentor = request.mentor
    notify(
        recipient=mentor,
        kind="mentoring_paused",
        key=f"mentor:{mentor.pk}:auto-paused:{request.pk}",
        context={
            "count": limit,
            "days": _expiry_days(request),
            "link_days": settings.RESUME_LINK_DAYS,
        },
        url=resume_link(user=mentor),
    )
    return True


@dataclass(frozen=True)
class RequestSweep:
    reminded: int
    expired: int
    paused: int


def sweep_requests(*, now: datetime | None = None) -> RequestSweep:
    """Remind mentors of waiting requests and expire stale ones; safe to run any number of times."""
    now = now or timezone.now()
    rows = (
        MentorshipRequest.objects.pending()
        .filter(created_at__lte=now - timedelta(days=1))
        .order_by("created_at", "pk")
        .values_list(
            "pk",
            "created_at",
            "reminders_sent",
            "program__request_reminder_days",
            "program__request_expiry_days",
        )
    )
    reminded = expired = paused = 0
    for pk, created_at, sent, program_days, program_expiry in rows:
        expiry_days = program_expiry or DEFAULT_EXPIRY_DAYS
        age = now - created_at
        if age >= timedelta(days=expiry_days):
            outcome = expire_request(request_id=pk, now=now)
            expired += outcome.expired
            paused += outcome.paused
            continue
        # Only the latest reminder that is due: a sweep that was down for days
        # sends one reminder, not a burst.
        due = sum(age >= timedelta(days=d) for d in _reminder_days(program_days, expiry_days))
        if due > sent and remind_mentor(request_id=pk, number=due, now=now):
            reminded += 1
    return RequestSweep(reminded=reminded, expired=expired, paused=paused)
