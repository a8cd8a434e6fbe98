"""Requests and mentorships as a state machine (hypothesis), through the real services on
the real database.

A few people (two mentees, two mentors and Xi who is both; every mentor starts with one
place, and Ana and Bo both ask Ben first) send, accept, decline and withdraw requests,
ask questions, change a mentor's places and whether they take requests, pause, resume
and end mentorships, and let days pass for the request sweep. A model of the requests
and mentorships predicts every outcome: each call either does exactly what the model
says or raises a DomainError (a Conflict, RuleViolation or LimitReached) when the model
says the rules forbid it, and then changes nothing.

What the code promises about places, precisely: accepting checks the mentor's live
(active or paused) mentorships against their capacity at that moment, under a lock.
So a step that adds a live mentorship to a mentor leaves at most `capacity` live; a
capacity lowered later may leave more live than capacity (nobody is dropped), and then
no new mentorship starts until enough have ended. Resuming a pause never needs a place:
a paused pair keeps theirs.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from hypothesis import HealthCheck, Phase, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from matching import services
from matching.index import forget
from matching.models import Mentorship, MentorshipRequest, RequestMessage
from mentorship.exceptions import DomainError
from mentorship.notifications.models import Notification
from profiles import services as profile_services
from profiles.models import Profile, User
from sessions_app.services import closing
from tests.matching.people import language, person

pytestmark = pytest.mark.django_db

RS = MentorshipRequest.Status
MS = Mentorship.Status
LIVE = (MS.ACTIVE, MS.PAUSED)
REASONS = MentorshipRequest.DeclineReason.values
# The notification each answered request leaves, and who gets it.
ANSWER_KIND = {
    RS.ACCEPTED: ("request_accepted", "mentee"),
    RS.DECLINED: ("request_declined", "mentee"),
    RS.CANCELLED: ("request_cancelled", "mentor"),
    RS.WITHDRAWN: ("request_withdrawn", "mentor"),
    RS.EXPIRED: ("request_expired", "mentee"),
}
REQUEST_KEY = re.compile(r"^request:(\d+):(request_\w+|reminder:\d)$")
MESSAGE_KEY = re.compile(r"^request-message:(\d+)$")
MENTORSHIP_KEY = re.compile(r"^mentorship:(\d+):(\w+):")
PAUSED_KEY = re.compile(r"^mentor:(\d+):auto-paused:(\d+)$")
# Whether a rule picks among all objects (to try what the rules forbid), one time in four.
ANYTHING = st.sampled_from([False, False, False, True])


@dataclass
class Req:
    mentee: int
    mentor: int
    status: str = RS.PENDING
    asked: bool = False  # the mentor has asked a question


@dataclass
class Pair:
    mentee: int
    mentor: int
    request: int
    status: str = MS.ACTIVE
    proposed_by: int | None = None
    outcome: str = ""


class RequestMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        # One savepoint per example, rolled back in teardown: each starts from nothing.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        # A fixed start; the clock runs, and jumps whole days when the machine lets them pass.
        self._travel = time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=True)
        self._clock = self._travel.start()
        forget()
        english = language("en", "English")

        def make(email: str, **fields: object) -> User:
            return person(email, languages=[(english, 4)], **fields)  # type: ignore[arg-type]

        ana = make("ana@example.org", name="Ana Silva", mentee=True)
        bo = make("bo@example.org", name="Bo Lund", mentee=True)
        xi = make("xi@example.org", name="Xi Chen", mentee=True, mentor=True, capacity=1)
        ben = make("ben@example.org", name="Ben Okafor", mentor=True, capacity=1)
        cy = make("cy@example.org", name="Cy Park", mentor=True, capacity=1)
        self.mentees = [ana, bo, xi]
        self.mentors = [ben, cy, xi]
        self.people = {user.pk: user for user in (ana, bo, xi, ben, cy)}
        # One place each to begin with: requests compete for places from the start.
        self.capacity = {ben.pk: 1, cy.pk: 1, xi.pk: 1}
        self.requests: dict[int, Req] = {}
        self.pairs: dict[int, Pair] = {}
        self.live_seen = self._live_in_db()

    def teardown(self) -> None:
        self._travel.stop()
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)
        forget()

    # --- the model's reading of the rules ----------------------------------------------

    def _live(self, mentor_id: int) -> int:
        return sum(p.mentor == mentor_id and p.status in LIVE for p in self.pairs.values())

    def _live_in_db(self) -> dict[int, int]:
        return {m.pk: Mentorship.objects.live().filter(mentor=m).count() for m in self.mentors}

    def _pick_request(self, i: int, anything: bool) -> tuple[int, Req]:
        """A request: mostly a pending one (to move things on), sometimes any (to try
        what the rules forbid)."""
        pending = [pk for pk, r in self.requests.items() if r.status == RS.PENDING]
        pks = sorted(self.requests if anything or not pending else pending)
        pk = pks[i % len(pks)]
        return pk, self.requests[pk]

    def _pick_pair(self, i: int, anything: bool, proposed: bool = False) -> tuple[int, Pair]:
        """A mentorship: mostly a live one (with an end proposed, when asked), sometimes any."""
        live = [
            pk
            for pk, p in self.pairs.items()
            if p.status in LIVE and (p.proposed_by is not None or not proposed)
        ]
        pks = sorted(self.pairs if anything or not live else live)
        pk = pks[i % len(pks)]
        return pk, self.pairs[pk]

    def _send_refusal(self, mentee: User, mentor: User) -> str:
        """Why the rules refuse this request now, or "" when it must go through."""
        if mentee.pk == mentor.pk:
            return "a request to oneself"
        profile = Profile.objects.get(user=mentor)
        if not profile.accepting_mentees:
            return "the mentor does not take requests"
        if self._live(mentor.pk) >= self.capacity[mentor.pk]:
            return "the mentor has no free place"
        sent_today = MentorshipRequest.objects.filter(
            mentee=mentee, created_at__gte=timezone.now() - timedelta(days=1)
        ).count()
        if sent_today >= services.DAILY_REQUEST_LIMIT:
            return "the daily limit"
        if any(
            p.mentee == mentee.pk and p.mentor == mentor.pk and p.status in LIVE
            for p in self.pairs.values()
        ):
            return "a live mentorship with this mentor"
        pending = [r for r in self.requests.values() if r.status == RS.PENDING]
        if any(r.mentee == mentee.pk and r.mentor == mentor.pk for r in pending):
            return "an open request to this mentor"
        if sum(r.mentee == mentee.pk for r in pending) >= services.DEFAULT_MAX_OPEN_REQUESTS:
            return "too many open requests"
        return ""

    def _expect(self, name: str, allowed: str, call, on_success=None) -> object:  # type: ignore[no-untyped-def]
        """Run a service call the model allows (allowed == "") or forbids (the reason)."""
        try:
            result = call()
        except DomainError as error:
            refusal = error.message
        else:
            refusal = ""
        event(f"{name}: {'refused' if refusal else 'done'}")
        if refusal:
            assert allowed, f"refused although the rules allow it: {refusal}"
            return None
        assert not allowed, f"went through although the rules forbid it: {allowed}"
        if on_success is not None:
            on_success(result)
        return result

    # --- requests ----------------------------------------------------------------------

    @initialize(
        extra=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=0, max_size=4)
    )
    def first_requests(self, extra: list[tuple[int, int]]) -> None:
        """Ana and Bo both ask Ben, who has one place; then a few requests more."""
        for mentee, mentor in [(0, 0), (1, 0), *extra]:
            self.send(mentee, mentor)

    @rule(mentee=st.integers(0, 2), mentor=st.integers(0, 2))
    def send(self, mentee: int, mentor: int) -> None:
        a, m = self.mentees[mentee], self.mentors[mentor]

        def sent(request: MentorshipRequest) -> None:
            self.requests[request.pk] = Req(a.pk, m.pk)

        self._expect(
            "send",
            self._send_refusal(a, m),
            lambda: services.send_request(
                mentee=a,
                mentor_id=m.pk,
                subject="Your path into data",
                message="Hi, your talk stayed with me. Could we talk for 20 minutes?",
            ),
            sent,
        )

    @precondition(lambda self: self.requests)
    @rule(
        i=st.integers(0, 99),
        anything=ANYTHING,
        action=st.sampled_from(["accept", "accept", "accept", "decline", "pause me", "ask"]),
        reason=st.sampled_from(REASONS),
    )
    def mentor_answers(self, i: int, anything: bool, action: str, reason: str) -> None:
        """The mentor accepts, declines (and perhaps pauses) or asks a question first."""
        pk, req = self._pick_request(i, anything)
        if action == "accept":
            self._accept(pk, req)
        elif action == "ask":
            self._message(pk, req, by_mentor=True)
        else:
            self._decline(pk, req, reason=reason, pause=action == "pause me")

    @precondition(lambda self: self.requests)
    @rule(i=st.integers(0, 99), anything=ANYTHING, action=st.sampled_from(["withdraw", "reply"]))
    def mentee_acts(self, i: int, anything: bool, action: str) -> None:
        """The mentee withdraws, or answers the mentor's question."""
        pk, req = self._pick_request(i, anything)
        if action == "withdraw":
            self._withdraw(pk, req)
        else:
            self._message(pk, req, by_mentor=False)

    def _not_pending(self, req: Req) -> str:
        return "" if req.status == RS.PENDING else f"the request is {req.status}"

    def _accept(self, pk: int, req: Req) -> None:
        forbidden = self._not_pending(req) or (
            "no free place" if self._live(req.mentor) >= self.capacity[req.mentor] else ""
        )

        def accepted(mentorship: Mentorship) -> None:
            req.status = RS.ACCEPTED
            # The first accept wins: the mentee's other open requests are cancelled.
            for other in self.requests.values():
                if other.mentee == req.mentee and other.status == RS.PENDING:
                    other.status = RS.CANCELLED
            self.pairs[mentorship.pk] = Pair(req.mentee, req.mentor, request=pk)

        mentor = self.people[req.mentor]
        self._expect(
            "accept",
            forbidden,
            lambda: services.accept_request(mentor=mentor, request_id=pk),
            accepted,
        )

    def _decline(self, pk: int, req: Req, *, reason: str, pause: bool) -> None:
        mentor = self.people[req.mentor]

        def declined(_: object) -> None:
            req.status = RS.DECLINED
            if pause:
                # "Decline and pause me": no new requests until they take them again.
                assert not Profile.objects.get(user=mentor).accepting_mentees

        self._expect(
            "decline",
            self._not_pending(req),
            lambda: services.decline_request(
                mentor=mentor, request_id=pk, reason=reason, pause=pause
            ),
            declined,
        )

    def _withdraw(self, pk: int, req: Req) -> None:
        def withdrawn(_: object) -> None:
            req.status = RS.WITHDRAWN

        mentee = self.people[req.mentee]
        self._expect(
            "withdraw",
            self._not_pending(req),
            lambda: services.withdraw_request(mentee=mentee, request_id=pk),
            withdrawn,
        )

    def _message(self, pk: int, req: Req, *, by_mentor: bool) -> None:
        author = self.people[req.mentor if by_mentor else req.mentee]
        forbidden = self._not_pending(req) or (
            "the mentee answers only a question" if not by_mentor and not req.asked else ""
        )

        def written(_: object) -> None:
            req.asked = req.asked or by_mentor

        self._expect(
            "ask" if by_mentor else "reply",
            forbidden,
            lambda: services.add_message(user=author, request_id=pk, body="Which part?"),
            written,
        )

    @rule(days=st.sampled_from([1, 4, 8, 15]))
    def days_pass(self, days: int) -> None:
        """Time passes and the request sweep runs: reminders, then expiry after 14 days."""
        self._clock.shift(timedelta(days=days))
        expiring = {
            pk
            for pk, created in MentorshipRequest.objects.filter(status=RS.PENDING).values_list(
                "pk", "created_at"
            )
            # Whole days pass, so an age is never a hair either side of 14 days.
            if timezone.now() - created >= timedelta(days=services.DEFAULT_EXPIRY_DAYS)
        }
        result = services.sweep_requests()
        assert result.expired == len(expiring)
        for pk in expiring:
            self.requests[pk].status = RS.EXPIRED

    # --- the mentor's profile ------------------------------------------------------------

    @rule(
        mentor=st.integers(0, 2),
        change=st.one_of(
            st.tuples(st.just("capacity"), st.integers(0, 3)),
            st.tuples(st.just("accepting_mentees"), st.booleans()),
        ),
    )
    def mentor_settings(self, mentor: int, change: tuple[str, int | bool]) -> None:
        """The mentor changes their places or whether they take requests (the profile page)."""
        m = self.mentors[mentor]
        name, value = change
        profile_services.update_profile(profile=Profile.objects.get(user=m), fields={name: value})
        if name == "capacity":
            self.capacity[m.pk] = int(value)

    # --- mentorships -----------------------------------------------------------------------

    @precondition(lambda self: self.pairs)
    @rule(
        i=st.integers(0, 99),
        anything=ANYTHING,
        by_mentee=st.booleans(),
        action=st.sampled_from(["pause", "resume", "propose", "withdraw", "agree", "agree"]),
        outcome=st.sampled_from(closing.OUTCOMES),
    )
    def mentorship_step(
        self, i: int, anything: bool, by_mentee: bool, action: str, outcome: str
    ) -> None:
        """Either person pauses, resumes, proposes to end, withdraws that, or agrees to it."""
        pk, pair = self._pick_pair(i, anything, proposed=action == "agree")
        if action == "agree" and pair.proposed_by is not None and not anything:
            # The person asked to agree (sometimes, with `anything`, the proposer).
            by_mentee = pair.proposed_by == pair.mentor
        actor = pair.mentee if by_mentee else pair.mentor
        user = self.people[actor]
        ended = f"it is {pair.status}" if pair.status not in LIVE else ""
        if action == "pause":
            forbidden = (
                f"it is {pair.status}"
                if pair.status != MS.ACTIVE
                else "an end is proposed"
                if pair.proposed_by
                else ""
            )
            self._expect(
                "pause",
                forbidden,
                lambda: closing.pause_mentorship(user=user, mentorship_id=pk, reason="Busy"),
                lambda _: setattr(pair, "status", MS.PAUSED),
            )
        elif action == "resume":
            self._expect(
                "resume",
                "" if pair.status == MS.PAUSED else f"it is {pair.status}",
                lambda: closing.resume_mentorship(user=user, mentorship_id=pk),
                lambda _: setattr(pair, "status", MS.ACTIVE),
            )
        elif action == "propose":

            def proposed(_: object) -> None:
                pair.proposed_by, pair.outcome = actor, outcome

            self._expect(
                "propose end",
                ended or ("an end is proposed already" if pair.proposed_by else ""),
                lambda: closing.propose_close(
                    user=user,
                    mentorship_id=pk,
                    outcome=outcome,
                    reflection=closing.ReflectionInput(reflection="We did what we set out to."),
                ),
                proposed,
            )
        elif action == "withdraw":

            def withdrawn(_: object) -> None:
                pair.proposed_by, pair.outcome = None, ""

            self._expect(
                "withdraw end",
                ended or ("not their proposal" if pair.proposed_by != actor else ""),
                lambda: closing.withdraw_close(user=user, mentorship_id=pk),
                withdrawn,
            )
        else:

            def closed(_: object) -> None:
                pair.status = MS.COMPLETED if pair.outcome == "completed" else MS.ENDED

            self._expect(
                "agree end",
                ended
                or ("no proposal from the other" if pair.proposed_by in (None, actor) else ""),
                lambda: closing.agree_close(
                    user=user,
                    mentorship_id=pk,
                    reflection=closing.ReflectionInput(reflection="Thank you for the months."),
                ),
                closed,
            )

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def the_database_is_what_the_model_says(self) -> None:
        requests = dict(MentorshipRequest.objects.values_list("pk", "status"))
        assert requests == {pk: r.status for pk, r in self.requests.items()}
        mentorships = dict(Mentorship.objects.values_list("pk", "status"))
        assert mentorships == {pk: p.status for pk, p in self.pairs.items()}
        capacities = dict(
            Profile.objects.filter(user__in=self.mentors).values_list("user_id", "capacity")
        )
        assert capacities == self.capacity

    @invariant()
    def a_new_mentorship_never_takes_a_mentor_beyond_capacity(self) -> None:
        live = self._live_in_db()
        for mentor_id, count in live.items():
            if count > self.live_seen[mentor_id]:
                assert count <= self.capacity[mentor_id], (mentor_id, count)
        self.live_seen = live

    @invariant()
    def one_open_request_and_one_live_mentorship_per_pair(self) -> None:
        pending = Counter(MentorshipRequest.objects.pending().values_list("mentee_id", "mentor_id"))
        assert all(n == 1 for n in pending.values()), pending
        live = Counter(Mentorship.objects.live().values_list("mentee_id", "mentor_id"))
        assert all(n == 1 for n in live.values()), live
        assert not MentorshipRequest.objects.filter(mentee_id=F("mentor_id")).exists()

    @invariant()
    def every_answer_is_recorded_and_the_first_accept_wins(self) -> None:
        for request in MentorshipRequest.objects.all():
            assert (request.responded_at is None) == (request.status == RS.PENDING)
            if request.status != RS.ACCEPTED:
                assert not Mentorship.objects.filter(request=request).exists()
                continue
            mentorship = Mentorship.objects.get(request=request)
            assert (mentorship.mentee_id, mentorship.mentor_id) == (
                request.mentee_id,
                request.mentor_id,
            )
            # Everything the mentee had waiting when this was accepted was cancelled.
            assert not MentorshipRequest.objects.filter(
                mentee_id=request.mentee_id,
                status=RS.PENDING,
                created_at__lt=request.responded_at,
            ).exists()

    @invariant()
    def every_notification_has_its_event(self) -> None:
        requests = {r.pk: r for r in MentorshipRequest.objects.select_related("mentee")}
        received: Counter[int] = Counter()
        answers: Counter[tuple[int, str]] = Counter()
        closed: Counter[int] = Counter()
        for note in Notification.objects.all():
            if match := REQUEST_KEY.match(note.key):
                request = requests[int(match[1])]
                what = match[2]
                assert note.context["mentee_name"] == request.mentee.display_name
                assert note.context["subject"] == request.subject
                if what == "request_received":
                    received[request.pk] += 1
                    assert note.recipient_id == request.mentor_id
                elif what.startswith("reminder:"):
                    assert note.kind == "request_reminder"
                    assert note.recipient_id == request.mentor_id
                    assert int(what.split(":")[1]) <= request.reminders_sent
                else:
                    answers[(request.pk, what)] += 1
                    kind, to = ANSWER_KIND[request.status]
                    assert what == kind, (request.status, what)
                    assert note.recipient_id == getattr(request, f"{to}_id")
            elif match := MESSAGE_KEY.match(note.key):
                message = RequestMessage.objects.select_related("request").get(pk=match[1])
                asked = message.author_id == message.request.mentor_id
                assert note.kind == ("request_question" if asked else "request_answer")
                other = message.request.mentee_id if asked else message.request.mentor_id
                assert note.recipient_id == other
            elif match := PAUSED_KEY.match(note.key):
                request = requests[int(match[2])]
                assert note.kind == "mentoring_paused"
                assert request.status == RS.EXPIRED
                assert int(match[1]) == note.recipient_id == request.mentor_id
            elif match := MENTORSHIP_KEY.match(note.key):
                pair = self.pairs[int(match[1])]
                assert note.recipient_id in (pair.mentee, pair.mentor)
                if note.kind == "mentorship_closed":
                    closed[int(match[1])] += 1
                    assert pair.status in (MS.COMPLETED, MS.ENDED)
            else:
                pytest.fail(f"a notification with no event behind it: {note.key}")
        # Each request told its mentor once, and each answer was told once.
        assert received == Counter(dict.fromkeys(requests, 1))
        assert answers == Counter(
            {
                (pk, ANSWER_KIND[r.status][0]): 1
                for pk, r in requests.items()
                if r.status != RS.PENDING
            }
        )
        assert closed == Counter(
            {pk: 2 for pk, p in self.pairs.items() if p.status in (MS.COMPLETED, MS.ENDED)}
        )


def test_requests_and_mentorships_keep_their_rules(db: None) -> None:
    run_state_machine_as_test(
        RequestMachine,
        settings=settings(
            # About 25 s here. With 30 examples, a capacity check planted off by one in
            # accept_request was missed in one run of two; with 60, in none of six.
            max_examples=60,
            stateful_step_count=20,
            deadline=None,
            # Every example replays on the database, so shrinking a failure can take
            # minutes; the failing steps (20 at most) are printed as they ran.
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
