"""Requests and mentorships over the API: the lifecycle, the rules, and who may see what.

Ana (a mentee) writes to Ben (a mentor); Dee is a stranger to both. Every
change goes through `matching.services`; these tests use the API the way a
client would and check the rows behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from rest_framework.test import APIClient

from matching import services
from matching.models import Mentorship, MentorshipRequest, RequestMessage
from profiles.models import Profile, User
from tests.factories import GoalFactory, UserFactory

Status = MentorshipRequest.Status
NOW = "2026-03-10 09:00:00+00:00"
TERMS = {
    "frequency": "fortnightly",
    "session_minutes": 45,
    "channel": "https://meet.example.org/ana-ben",
    "planned_end": "2026-09-30",
    "boundaries": "No code reviews of work projects.",
    "confidentiality": "What we discuss stays between us.",
}


@pytest.fixture(autouse=True)
def _frozen_clock():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


def make_mentor(user: User | None = None, **fields: object) -> User:
    user = user or UserFactory(name="Marco Mentor")
    fields.setdefault("capacity", 2)
    Profile.objects.create(
        user=user,
        is_mentor=True,
        headline="Staff engineer, payments",
        contact_links=["https://ben.example.org"],
        **fields,
    )
    return user


def make_mentee(user: User | None = None) -> User:
    user = user or UserFactory(name="Zoe Mentee")
    Profile.objects.create(
        user=user,
        is_mentee=True,
        headline="Support lead moving to product",
        contact_links=["mailto:ana@example.org"],
    )
    return user


@pytest.fixture
def ana(mentee_ana: User) -> User:
    return make_mentee(mentee_ana)


@pytest.fixture
def ben(mentor_ben: User) -> User:
    return make_mentor(mentor_ben)


@pytest.fixture
def dee(stranger_dee: User) -> User:
    return make_mentee(stranger_dee)


@pytest.fixture
def client_for(db: None) -> Callable[[User], APIClient]:
    def make(user: User) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


def send(client: APIClient, mentor: User, **fields: object) -> dict:  # type: ignore[type-arg]
    payload = {
        "mentor": mentor.pk,
        "subject": "Your talk on discovery interviews",
        "message": "I loved your talk. Could we talk for 20 minutes about roadmaps?",
        **fields,
    }
    response = client.post("/api/v1/requests/", payload)
    assert response.status_code == 201, response.json()
    return response.json()  # type: ignore[no-any-return]


# --- The lifecycle -----------------------------------------------------------------------


def test_the_full_lifecycle_through_the_api(ana, ben, client_for):
    as_ana, as_ben = client_for(ana), client_for(ben)
    goal = GoalFactory(owner=ana, title="Move to a product role")

    sent = send(as_ana, ben, goal=goal.pk, ask="one_question")
    assert sent["status"] == "pending"
    assert sent["status_label"] == "Waiting for an answer"
    assert (sent["ask"], sent["ask_label"]) == (
        "one_question",
        "An answer to one question, by message",
    )
    assert sent["goal"] == {"id": goal.pk, "title": "Move to a product role"}
    assert sent["side"] == "sent"
    assert sent["mentorship"] is None
    # Contact details stay hidden until there is a mentorship.
    assert sent["mentor"] == {
        "id": ben.pk,
        "name": "Ben Okafor",
        "headline": "Staff engineer, payments",
    }
    assert set(sent["mentee"]) == {"id", "name", "headline"}
    url = f"/api/v1/requests/{sent['id']}/"

    # Ben asks a question before deciding; Ana answers through the same action.
    asked = as_ben.post(url + "ask/", {"body": "Which roadmap tool do you use?"})
    assert asked.status_code == 201, asked.json()
    assert asked.json()["side"] == "received"
    answered = as_ana.post(url + "ask/", {"body": "A spreadsheet, for now."})
    assert answered.status_code == 201
    thread = answered.json()["messages"]
    assert [(m["author"], m["body"]) for m in thread] == [
        (ben.pk, "Which roadmap tool do you use?"),
        (ana.pk, "A spreadsheet, for now."),
    ]
    assert set(thread[0]) == {"id", "author", "body", "created_at"}

    inbox = as_ben.get("/api/v1/requests/", {"side": "received", "status": "pending"}).json()
    assert [row["id"] for row in inbox["results"]] == [sent["id"]]

    accepted = as_ben.post(url + "accept/", {"welcome_note": "Happy to help, Ana!"})
    assert accepted.status_code == 201, accepted.json()
    mentorship = accepted.json()
    assert mentorship["role"] == "mentor"
    assert mentorship["status"] == "active"
    assert mentorship["request"] == sent["id"]
    assert mentorship["goals"] == [
        {"id": goal.pk, "title": "Move to a product role", "status": "active"}
    ]
    # Inside the mentorship each sees the other's contact links.
    assert mentorship["mentee"]["contact_links"] == ["mailto:ana@example.org"]
    assert mentorship["mentor"]["contact_links"] == ["https://ben.example.org"]
    assert mentorship["agreement_confirmed"] is False

    seen_by_ana = as_ana.get(url).json()
    assert seen_by_ana["status"] == "accepted"
    assert seen_by_ana["welcome_note"] == "Happy to help, Ana!"
    assert seen_by_ana["responded_at"].startswith("2026-03-10")
    assert seen_by_ana["mentorship"] == mentorship["id"]
    assert as_ben.get(url).json()["mentorship"] == mentorship["id"]

    for client, role in ((as_ana, "mentee"), (as_ben, "mentor")):
        listed = client.get("/api/v1/mentorships/").json()
        assert [(row["id"], row["role"]) for row in listed["results"]] == [(mentorship["id"], role)]

    # Ben proposes the terms, Ana confirms the same terms: the agreement stands.
    agreement = f"/api/v1/mentorships/{mentorship['id']}/agreement/"
    by_ben = as_ben.post(agreement, TERMS)
    assert by_ben.status_code == 200, by_ben.json()
    assert by_ben.json()["mentor_confirmed_at"] is not None
    assert by_ben.json()["mentee_confirmed_at"] is None
    assert by_ben.json()["agreement_confirmed"] is False
    by_ana = as_ana.post(agreement, TERMS).json()
    assert by_ana["agreement_confirmed"] is True
    assert by_ana["role"] == "mentee"
    assert (by_ana["frequency"], by_ana["frequency_label"]) == ("fortnightly", "Every two weeks")
    assert by_ana["session_minutes"] == 45
    assert by_ana["planned_end"] == "2026-09-30"

    # Ana changes the terms after Ben confirmed: Ben has to confirm again.
    changed = as_ana.post(agreement, {**TERMS, "session_minutes": 30}).json()
    assert changed["session_minutes"] == 30
    assert changed["mentee_confirmed_at"] is not None
    assert changed["mentor_confirmed_at"] is None
    assert changed["agreement_confirmed"] is False
    again = as_ben.post(agreement, {**TERMS, "session_minutes": 30}).json()
    assert again["agreement_confirmed"] is True


def test_a_decline_gives_the_reason_and_note_to_the_mentee(ana, ben, client_for):
    sent = send(client_for(ana), ben)
    url = f"/api/v1/requests/{sent['id']}/decline/"

    response = client_for(ben).post(url, {"reason": "no_time", "note": "Try again in June!"})

    assert response.status_code == 200, response.json()
    seen = client_for(ana).get(f"/api/v1/requests/{sent['id']}/").json()
    assert seen["status"] == "declined"
    assert seen["decline_reason"] == "no_time"
    assert seen["decline_reason_label"] == "I don't have time right now"
    assert seen["decline_note"] == "Try again in June!"
    assert Profile.objects.get(user=ben).accepting_mentees is True


def test_decline_and_pause_me_stops_new_requests(ana, ben, dee, client_for):
    sent = send(client_for(ana), ben)

    response = client_for(ben).post(
        f"/api/v1/requests/{sent['id']}/decline/", {"reason": "better_fit", "pause": True}
    )

    assert response.status_code == 200
    assert Profile.objects.get(user=ben).accepting_mentees is False
    refused = client_for(dee).post(
        "/api/v1/requests/", {"mentor": ben.pk, "subject": "Hi", "message": "20 minutes?"}
    )
    assert refused.status_code == 400
    assert "not taking new mentees" in refused.json()["detail"]


@pytest.mark.parametrize("body", [{}, {"reason": "busy"}, {"reason": ""}])
def test_a_decline_needs_a_known_reason(ana, ben, client_for, body):
    sent = send(client_for(ana), ben)

    response = client_for(ben).post(f"/api/v1/requests/{sent['id']}/decline/", body)

    assert response.status_code == 400
    assert "reason" in response.json()
    assert MentorshipRequest.objects.get().status == Status.PENDING


def test_the_mentee_withdraws_a_waiting_request(ana, ben, client_for):
    sent = send(client_for(ana), ben)

    response = client_for(ana).post(f"/api/v1/requests/{sent['id']}/withdraw/")

    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert MentorshipRequest.objects.get().status == Status.WITHDRAWN


def test_the_mentee_cannot_answer_before_the_mentor_asks(ana, ben, client_for):
    sent = send(client_for(ana), ben)

    response = client_for(ana).post(f"/api/v1/requests/{sent['id']}/ask/", {"body": "Also..."})

    assert response.status_code == 409
    assert "mentor asks first" in response.json()["detail"]
    assert not RequestMessage.objects.exists()


def test_an_empty_message_is_refused_with_a_reason(ana, ben, client_for):
    sent = send(client_for(ana), ben)

    response = client_for(ben).post(f"/api/v1/requests/{sent['id']}/ask/", {"body": "   "})

    assert response.status_code == 400
    assert response.json()["detail"] == "Write your message first."


# --- Illegal transitions ----------------------------------------------------------------


def _declined(ana: User, ben: User) -> MentorshipRequest:
    request = services.send_request(mentee=ana, mentor_id=ben.pk, subject="Hi", message="20 min?")
    return services.decline_request(mentor=ben, request_id=request.pk, reason="other")


def _accepted(ana: User, ben: User) -> MentorshipRequest:
    request = services.send_request(mentee=ana, mentor_id=ben.pk, subject="Hi", message="20 min?")
    services.accept_request(mentor=ben, request_id=request.pk)
    return MentorshipRequest.objects.get(pk=request.pk)


@pytest.mark.parametrize(
    ("make", "who", "action", "body"),
    [
        (_declined, "ben", "accept", {}),
        (_accepted, "ben", "decline", {"reason": "other"}),
        (_accepted, "ana", "withdraw", {}),
        (_accepted, "ben", "ask", {"body": "One more question?"}),
    ],
    ids=["accept-declined", "decline-accepted", "withdraw-accepted", "ask-accepted"],
)
def test_illegal_transitions_answer_409_and_change_nothing(
    ana, ben, client_for, make, who, action, body
):
    request = make(ana, ben)
    before = MentorshipRequest.objects.values().get(pk=request.pk)
    mentorships = Mentorship.objects.count()

    response = client_for({"ana": ana, "ben": ben}[who]).post(
        f"/api/v1/requests/{request.pk}/{action}/", body
    )

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert "already" in response.json()["detail"] or "only while" in response.json()["detail"]
    assert MentorshipRequest.objects.values().get(pk=request.pk) == before
    assert Mentorship.objects.count() == mentorships
    assert not RequestMessage.objects.exists()


def test_a_full_mentor_cannot_accept_another(ana, dee, client_for):
    marco = make_mentor(capacity=1)
    first = send(client_for(ana), marco)
    second = send(client_for(dee), marco)
    assert client_for(marco).post(f"/api/v1/requests/{first['id']}/accept/").status_code == 201

    response = client_for(marco).post(f"/api/v1/requests/{second['id']}/accept/")

    assert response.status_code == 409
    assert "places are taken" in response.json()["detail"]
    assert Mentorship.objects.count() == 1


def test_the_agreement_of_an_ended_mentorship_cannot_change(ana, ben, client_for):
    request = _accepted(ana, ben)
    Mentorship.objects.filter(request=request).update(status=Mentorship.Status.ENDED)

    response = client_for(ana).post(
        f"/api/v1/mentorships/{request.mentorship.pk}/agreement/", TERMS
    )

    assert response.status_code == 409


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"frequency": "hourly"}, None),
        ({"session_minutes": 5}, "between 10 and 240"),
        ({"channel": "  "}, "where you will meet"),
        ({"planned_end": "2026-03-01"}, "in the future"),
    ],
)
def test_bad_agreement_terms_say_why_and_change_nothing(ana, ben, client_for, change, words):
    mentorship = _accepted(ana, ben).mentorship

    response = client_for(ana).post(
        f"/api/v1/mentorships/{mentorship.pk}/agreement/", {**TERMS, **change}
    )

    assert response.status_code == 400
    if words is None:
        assert "frequency" in response.json()
    else:
        assert words in response.json()["detail"].lower()
    mentorship.refresh_from_db()
    assert (mentorship.mentee_confirmed_at, mentorship.frequency) == (None, "")


# --- The rules of sending ---------------------------------------------------------------


def test_a_double_submitted_request_gives_one_row_and_a_409(ana, ben, client_for):
    as_ana = client_for(ana)
    payload = {"mentor": ben.pk, "subject": "Hello", "message": "20 minutes on roadmaps?"}

    first = as_ana.post("/api/v1/requests/", payload)
    second = as_ana.post("/api/v1/requests/", payload)

    assert (first.status_code, second.status_code) == (201, 409)
    assert "still waiting" in second.json()["detail"]
    assert MentorshipRequest.objects.count() == 1


def test_the_daily_limit_answers_429_with_retry_after(ana, client_for):
    for _ in range(services.DAILY_REQUEST_LIMIT):
        request = services.send_request(
            mentee=ana, mentor_id=make_mentor().pk, subject="Hi", message="20 minutes?"
        )
        services.withdraw_request(mentee=ana, request_id=request.pk)

    response = client_for(ana).post(
        "/api/v1/requests/", {"mentor": make_mentor().pk, "subject": "Hi", "message": "20 min?"}
    )

    assert response.status_code == 429
    assert response.json()["code"] == "limit_reached"
    # All ten were sent at the frozen "now": the first leaves the window in 24 h.
    assert int(response.headers["Retry-After"]) == 24 * 3600 + 1
    assert MentorshipRequest.objects.count() == services.DAILY_REQUEST_LIMIT


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"accepting_mentees": False}, "is not taking new mentees at the moment"),
        ({"paused_until": date(2026, 3, 20)}, "has paused mentoring until 20 March 2026"),
        ({"capacity": 0}, "has no free place at the moment"),
    ],
)
def test_a_closed_mentor_cannot_be_requested(ana, client_for, fields, words):
    marco = make_mentor(**fields)

    response = client_for(ana).post(
        "/api/v1/requests/", {"mentor": marco.pk, "subject": "Hi", "message": "20 minutes?"}
    )

    assert response.status_code == 400
    assert response.json() == {"detail": f"Marco {words}.", "code": "mentor_closed"}
    assert not MentorshipRequest.objects.exists()


def test_no_request_to_oneself_or_to_someone_who_is_not_mentoring(ana, dee, client_for):
    Profile.objects.filter(user=ana).update(is_mentor=True)  # She still cannot ask herself.
    as_ana = client_for(ana)
    for target, code in ((ana, "self"), (dee, "mentor_unknown")):
        response = as_ana.post(
            "/api/v1/requests/", {"mentor": target.pk, "subject": "Hi", "message": "20 minutes?"}
        )
        assert response.status_code == 400
        assert response.json()["code"] == code
    assert not MentorshipRequest.objects.exists()


def test_an_id_beyond_the_database_range_is_a_400(ana, client_for):
    # Found by the API fuzzer: SQLite could not even bind it (a 500).
    response = client_for(ana).post(
        "/api/v1/requests/", {"mentor": 2**70, "subject": "Hi", "message": "20 minutes?"}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["mentor"]


def test_another_persons_goal_is_refused_like_a_missing_one(ana, ben, dee, client_for):
    as_ana = client_for(ana)
    base = {"mentor": ben.pk, "subject": "Hi", "message": "20 minutes?"}

    theirs = as_ana.post("/api/v1/requests/", {**base, "goal": GoalFactory(owner=dee).pk})
    missing = as_ana.post("/api/v1/requests/", {**base, "goal": 999999})

    assert theirs.status_code == missing.status_code == 400
    assert theirs.json() == missing.json() == {"goal": ["Choose one of your own goals."]}
    assert not MentorshipRequest.objects.exists()


def test_blank_subject_or_message_get_the_services_words(ana, ben, client_for):
    response = client_for(ana).post(
        "/api/v1/requests/", {"mentor": ben.pk, "subject": "  ", "message": "Hello"}
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "Give your request a subject.", "code": "subject_missing"}


def test_a_programme_by_slug_sets_the_open_request_limit(ana, client_for):
    from matching.models import Enrolment, Program

    wide = Program.objects.create(name="Wide", slug="wide", max_open_requests=4)
    as_ana = client_for(ana)
    for _ in range(3):
        send(as_ana, make_mentor())

    refused = as_ana.post(
        "/api/v1/requests/", {"mentor": make_mentor().pk, "subject": "Hi", "message": "20 min?"}
    )
    in_wide = make_mentor()
    Enrolment.objects.create(program=wide, user=ana, role="mentee")
    Enrolment.objects.create(program=wide, user=in_wide, role="mentor")
    within = send(as_ana, in_wide, program="wide")
    unknown = as_ana.post(
        "/api/v1/requests/",
        {"mentor": make_mentor().pk, "subject": "Hi", "message": "20 min?", "program": "nope"},
    )

    assert refused.status_code == 409
    assert refused.json()["code"] == "too_many_open"
    assert within["program"] == {"id": within["program"]["id"], "slug": "wide", "name": "Wide"}
    assert unknown.status_code == 400
    assert "program" in unknown.json()


def test_create_ignores_status_mentee_and_dates(ana, ben, dee, client_for):
    body = send(
        client_for(ana),
        ben,
        status="accepted",
        mentee=dee.pk,
        responded_at="2020-01-01T00:00:00Z",
        created_at="2020-01-01T00:00:00Z",
        decline_reason="other",
        welcome_note="Welcome!",
        id=4242,
    )

    request = MentorshipRequest.objects.get()
    assert (request.status, request.mentee, request.responded_at) == (Status.PENDING, ana, None)
    assert (request.decline_reason, request.welcome_note) == ("", "")
    assert request.created_at.isoformat().startswith("2026-03-10")
    assert body["id"] == request.pk != 4242
    assert not Mentorship.objects.exists()


# --- Lists -------------------------------------------------------------------------------


def test_requests_list_by_side_and_status(ana, ben, client_for):
    Profile.objects.filter(user=ana).update(is_mentor=True)  # Mentored and mentoring.
    zoe = make_mentee()
    mine = send(client_for(ana), ben)
    theirs = send(client_for(zoe), ana)
    services.decline_request(mentor=ana, request_id=theirs["id"], reason="other")
    as_ana = client_for(ana)

    def ids(**params: str) -> list[tuple[int, str]]:
        rows = as_ana.get("/api/v1/requests/", params).json()["results"]
        return [(row["id"], row["side"]) for row in rows]

    assert ids() == [(theirs["id"], "received"), (mine["id"], "sent")]
    assert ids(side="sent") == [(mine["id"], "sent")]
    assert ids(side="received") == [(theirs["id"], "received")]
    assert ids(status="declined") == [(theirs["id"], "received")]
    assert ids(side="sent", status="declined") == []
    bad = as_ana.get("/api/v1/requests/", {"side": "both", "status": "lost"})
    assert bad.status_code == 400
    assert set(bad.json()) == {"side", "status"}


def _busy_mentor(count: int) -> User:
    """A mentor with `count` accepted requests, each with a goal, a question and an answer."""
    marco = make_mentor(capacity=20)
    for n in range(count):
        mentee = make_mentee()
        request = services.send_request(
            mentee=mentee,
            mentor_id=marco.pk,
            subject=f"Request {n}",
            message="20 minutes?",
            goal=GoalFactory(owner=mentee),
        )
        services.add_message(user=marco, request_id=request.pk, body="Which tool?")
        services.add_message(user=mentee, request_id=request.pk, body="A spreadsheet.")
        services.accept_request(mentor=marco, request_id=request.pk)
    return marco


@pytest.mark.parametrize("count", [3, 6])
def test_the_requests_list_costs_the_same_queries_for_any_number(
    client_for, django_assert_num_queries, count
):
    marco = _busy_mentor(count)
    as_marco = client_for(marco)

    # count, the page of requests (with both people's profiles, the goal, the
    # programme and the mentorship joined), their messages
    with django_assert_num_queries(3):
        body = as_marco.get("/api/v1/requests/").json()

    assert body["count"] == count
    assert all(len(row["messages"]) == 2 and row["mentorship"] for row in body["results"])


@pytest.mark.parametrize("count", [3, 6])
def test_the_mentorships_list_costs_the_same_queries_for_any_number(
    client_for, django_assert_num_queries, count
):
    marco = _busy_mentor(count)
    as_marco = client_for(marco)

    # count, the page of mentorships (with both people's profiles, the
    # programme and the request joined), their goals
    with django_assert_num_queries(3):
        body = as_marco.get("/api/v1/mentorships/").json()

    assert body["count"] == count
    assert all(len(row["goals"]) == 1 and row["role"] == "mentor" for row in body["results"])


def test_lists_are_paginated(ana, client_for):
    marco = _busy_mentor(0)
    for _ in range(3):
        send(client_for(make_mentee()), marco)

    body = client_for(marco).get("/api/v1/requests/", {"page_size": 2}).json()

    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"].endswith("/api/v1/requests/?page=2&page_size=2")
    assert body["previous"] is None


# --- Who may see what ---------------------------------------------------------------------


@pytest.fixture
def pair(ana, ben, db):  # type: ignore[no-untyped-def]
    """A pending request from Ana to Marco, and a mentorship of Zoe with Ben."""
    marco = make_mentor()
    pending = services.send_request(
        mentee=ana, mentor_id=marco.pk, subject="Hi", message="20 minutes?"
    )
    zoe = make_mentee()
    accepted = services.send_request(
        mentee=zoe, mentor_id=ben.pk, subject="Hi", message="20 minutes?"
    )
    mentorship = services.accept_request(mentor=ben, request_id=accepted.pk)
    return {"pending": pending, "accepted": accepted, "mentorship": mentorship, "marco": marco}


REQUEST_CALLS = [
    ("get", "", {}),
    ("post", "accept/", {"welcome_note": "Hi"}),
    ("post", "decline/", {"reason": "other"}),
    ("post", "withdraw/", {}),
    ("post", "ask/", {"body": "Hello?"}),
]
MENTORSHIP_CALLS = [("get", "", {}), ("post", "agreement/", TERMS)]


def _state() -> tuple[list[tuple[int, str]], list[tuple[int, object]], int, bool]:
    return (
        list(MentorshipRequest.objects.order_by("pk").values_list("pk", "status")),
        list(Mentorship.objects.order_by("pk").values_list("pk", "mentee_confirmed_at")),
        RequestMessage.objects.count(),
        Profile.objects.filter(accepting_mentees=False).exists(),
    )


@pytest.mark.parametrize(("method", "suffix", "body"), REQUEST_CALLS)
@pytest.mark.parametrize("which", ["pending", "accepted"])
def test_a_stranger_gets_404_on_every_request_url(
    pair, dee, client_for, method, suffix, body, which
):
    as_dee = client_for(dee)
    before = _state()

    response = getattr(as_dee, method)(f"/api/v1/requests/{pair[which].pk}/{suffix}", body)
    missing = getattr(as_dee, method)(f"/api/v1/requests/999999/{suffix}", body)

    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json()
    assert _state() == before


@pytest.mark.parametrize(("method", "suffix", "body"), MENTORSHIP_CALLS)
def test_a_stranger_gets_404_on_every_mentorship_url(pair, dee, client_for, method, suffix, body):
    as_dee = client_for(dee)
    before = _state()

    response = getattr(as_dee, method)(
        f"/api/v1/mentorships/{pair['mentorship'].pk}/{suffix}", body
    )
    missing = getattr(as_dee, method)(f"/api/v1/mentorships/999999/{suffix}", body)

    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json()
    assert _state() == before


def test_a_stranger_lists_nothing(pair, dee, client_for):
    as_dee = client_for(dee)

    assert as_dee.get("/api/v1/requests/").json()["count"] == 0
    assert as_dee.get("/api/v1/mentorships/").json()["count"] == 0


@pytest.mark.parametrize(
    ("who", "action", "body"),
    [
        ("mentee", "accept", {}),
        ("mentee", "decline", {"reason": "other"}),
        ("mentor", "withdraw", {}),
    ],
)
def test_the_wrong_side_gets_404_for_an_action(pair, ana, client_for, who, action, body):
    person = ana if who == "mentee" else pair["marco"]
    before = _state()

    response = client_for(person).post(f"/api/v1/requests/{pair['pending'].pk}/{action}/", body)

    assert response.status_code == 404
    assert _state() == before


ALL_CALLS = [
    ("get", "/api/v1/requests/"),
    ("post", "/api/v1/requests/"),
    *((method, "/api/v1/requests/{request}/" + suffix) for method, suffix, _ in REQUEST_CALLS),
    ("get", "/api/v1/mentorships/"),
    *(
        (method, "/api/v1/mentorships/{mentorship}/" + suffix)
        for method, suffix, _ in MENTORSHIP_CALLS
    ),
]


@pytest.mark.parametrize(("method", "path"), ALL_CALLS)
def test_anonymous_calls_are_refused(pair, method, path):
    before = _state()
    url = path.format(request=pair["pending"].pk, mentorship=pair["mentorship"].pk)

    response = getattr(APIClient(), method)(url, {})

    assert response.status_code == 401
    assert _state() == before


def test_a_mentorship_is_visible_to_both_with_their_role(pair, ben, client_for):
    mentorship = pair["mentorship"]
    zoe = mentorship.mentee

    as_ben = client_for(ben).get(f"/api/v1/mentorships/{mentorship.pk}/").json()
    as_zoe = client_for(zoe).get(f"/api/v1/mentorships/{mentorship.pk}/").json()

    assert (as_ben["role"], as_zoe["role"]) == ("mentor", "mentee")
    assert (
        as_ben["mentee"]
        == as_zoe["mentee"]
        == {
            "id": zoe.pk,
            "name": zoe.display_name,
            "headline": "Support lead moving to product",
            "contact_links": ["mailto:ana@example.org"],
        }
    )


def test_a_mentee_without_a_profile_reads_with_an_empty_headline(ben, client_for):
    newcomer = UserFactory(name="Nia New")
    sent = send(client_for(newcomer), ben)

    seen = client_for(ben).get(f"/api/v1/requests/{sent['id']}/").json()

    assert seen["mentee"] == {"id": newcomer.pk, "name": "Nia New", "headline": ""}


# --- The schema ----------------------------------------------------------------------------


def test_the_schema_documents_requests_and_mentorships_without_warnings(tmp_path, db):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    text = target.read_text()
    for path in (
        "/api/v1/requests/{id}/accept/:",
        "/api/v1/requests/{id}/decline/:",
        "/api/v1/requests/{id}/withdraw/:",
        "/api/v1/requests/{id}/ask/:",
        "/api/v1/mentorships/{id}/agreement/:",
    ):
        assert path in text


def test_planned_end_may_be_left_out(ana, ben, client_for):
    mentorship = _accepted(ana, ben).mentorship
    terms = {key: value for key, value in TERMS.items() if key != "planned_end"}

    response = client_for(ben).post(f"/api/v1/mentorships/{mentorship.pk}/agreement/", terms)

    assert response.status_code == 200, response.json()
    assert response.json()["planned_end"] is None
