"""The mentor's inbox as mentors use it: the list, one request, accept, decline (and pause), ask."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from matching import services
from matching.models import Mentorship, MentorshipRequest, Program, RequestMessage
from mentorship.context_processors import site
from profiles.models import Profile, User
from tests.matching.inbox_world import World, build, send
from tests.matching.people import language, person

Status = MentorshipRequest.Status


@pytest.fixture
def world(mentee_ana: User, mentor_ben: User, stranger_dee: User) -> World:
    return build(mentee_ana, mentor_ben, stranger_dee)


def another_mentee(n: int) -> User:
    return person(
        f"mentee{n}@example.org",
        name=f"Mentee {n}",
        mentee=True,
        languages=[(language("en", "English"), 4)],
    )


def _html(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


# --- The list ---------------------------------------------------------------------------


def test_the_inbox_shows_each_waiting_request_oldest_first_with_the_fit(client, world):
    later = send(another_mentee(1), world.ben, subject="Feedback on my portfolio", ask="feedback")
    MentorshipRequest.objects.filter(pk=later.pk).update(
        created_at=timezone.now() + timedelta(minutes=5)
    )
    client.force_login(world.ben)

    response = client.get(reverse("matching:inbox"))

    html = _html(response)
    cards = response.context["cards"]
    assert [card.request.pk for card in cards] == [world.request.pk, later.pk]
    first = cards[0]
    assert first.explanation is not None
    assert first.explanation.reasons  # top reasons, in the mentor's words
    assert first.expires_at == world.request.created_at + timedelta(days=14)
    assert "Ana Silva" in html
    assert "Support engineer moving into data" in html
    assert "Your talk on moving from support to data" in html
    assert "A 15–20 minute intro conversation" in html
    assert "Move into a data engineering role" in html
    assert f"{first.explanation.percent}%" in html
    assert "expires" in html
    assert "Feedback on something I made" in html


def test_the_expiry_follows_the_programme(client, world):
    program = Program.objects.create(name="Spring", slug="spring", request_expiry_days=7)
    MentorshipRequest.objects.filter(pk=world.request.pk).update(program=program)
    client.force_login(world.ben)

    card = client.get(reverse("matching:inbox")).context["cards"][0]

    assert card.expires_at == world.request.created_at + timedelta(days=7)


def test_answered_requests_are_listed_below_and_not_as_cards(client, world):
    other = send(another_mentee(2), world.ben, subject="Can we talk about SQL?")
    services.decline_request(mentor=world.ben, request_id=other.pk, reason="no_time")
    client.force_login(world.ben)

    response = client.get(reverse("matching:inbox"))

    assert [card.request.pk for card in response.context["cards"]] == [world.request.pk]
    assert [item.pk for item in response.context["answered"]] == [other.pk]
    assert "Answered" in _html(response)
    assert "Declined" in _html(response)


def test_a_mentor_with_nothing_waiting_gets_a_tip_about_availability(client, world):
    services.withdraw_request(mentee=world.ana, request_id=world.request.pk)
    client.force_login(world.ben)

    html = _html(client.get(reverse("matching:inbox")))

    assert "Nothing is waiting for you" in html
    assert reverse("profiles:availability") in html


def test_someone_who_does_not_mentor_is_told_what_the_inbox_is_for(client, world):
    client.force_login(world.ana)

    html = _html(client.get(reverse("matching:inbox")))

    assert "The inbox is for mentors" in html
    assert "Become a mentor" in html


@pytest.mark.parametrize("extra", [0, 4])
def test_the_inbox_costs_the_same_queries_for_any_number_of_requests(
    client, world, django_assert_num_queries, extra
):
    for n in range(extra):
        send(another_mentee(10 + n), world.ben)
    declined = send(another_mentee(99), world.ben)
    services.decline_request(mentor=world.ben, request_id=declined.pk, reason="other")
    client.force_login(world.ben)
    client.get(reverse("matching:inbox"))  # builds the mentor index once

    # session, user, the mentor's profile flags, the pending requests (with mentee,
    # profile, goal and programme), their messages; the fit of every card at once:
    # the data versions, then all mentees encoded together (profiles, personas,
    # persona skills, goals, goal skills, persona industries, persona languages,
    # languages, availability); the answered list, the places taken, the
    # notification badge, and the navigation's inbox count and mentorships link.
    with django_assert_num_queries(19):
        response = client.get(reverse("matching:inbox"))
    assert len(response.context["cards"]) == 1 + extra
    assert all(card.explanation is not None for card in response.context["cards"])


# --- One request ---------------------------------------------------------------------------


def test_a_request_shows_the_message_goals_persona_fit_and_thread(client, world):
    RequestMessage.objects.create(request=world.request, author=world.ben, body="Which SQL course?")
    client.force_login(world.ben)

    response = client.get(reverse("matching:inbox_request", args=[world.request.pk]))

    html = _html(response)
    assert "Could we talk for 20 minutes?" in html
    # The active goals, the request's own first and highlighted, with milestones.
    goals = response.context["goals"]
    assert [g.title for g in goals] == ["Move into a data engineering role", "Speak at a meetup"]
    assert "is-highlighted" in html
    assert "This request is about it" in html
    assert "Finish the SQL course" in html
    # What Ana looks for in a mentor.
    assert "Someone who moved from support into engineering." in html
    assert "must-have" in html
    assert "encouraging" in html
    # The fit, from Ben's side, with its facts.
    assert "How you fit" in html
    assert "of Ana&#x27;s 2 wanted skills" in html or "of Ana's 2 wanted skills" in html
    assert "Which SQL course?" in html
    # The three actions.
    for action in ("inbox_accept", "inbox_decline", "inbox_ask"):
        assert reverse(f"matching:{action}", args=[world.request.pk]) in html
    assert "Decline and pause me" in html


def test_accepting_starts_the_mentorship_and_lands_on_it(client, world):
    client.force_login(world.ben)

    response = client.post(
        reverse("matching:inbox_accept", args=[world.request.pk]),
        {"welcome_note": "Welcome, Ana! Book a slot on my calendar."},
    )

    mentorship = Mentorship.objects.get(request=world.request)
    assert response.status_code == 302
    assert response["Location"] == reverse("matching:mentorship", args=[mentorship.pk])
    world.request.refresh_from_db()
    assert world.request.status == Status.ACCEPTED
    assert world.request.welcome_note == "Welcome, Ana! Book a slot on my calendar."
    page = client.get(response["Location"])
    assert "You accepted Ana&#x27;s request" in _html(page)
    assert "Book a slot on my calendar." in _html(page)


def test_accepting_when_full_shows_the_conflict_and_keeps_the_note(client, world):
    Profile.objects.filter(user=world.ben).update(capacity=1)
    taken = another_mentee(3)
    first = send(taken, world.ben)
    services.accept_request(mentor=world.ben, request_id=first.pk)
    client.force_login(world.ben)

    response = client.post(
        reverse("matching:inbox_accept", args=[world.request.pk]),
        {"welcome_note": "Glad you wrote"},
    )

    assert response.status_code == 409
    html = _html(response)
    assert "All your places are taken" in html
    assert "Glad you wrote" in html
    world.request.refresh_from_db()
    assert world.request.status == Status.PENDING


def test_declining_needs_a_reason_and_keeps_the_note(client, world):
    client.force_login(world.ben)

    response = client.post(
        reverse("matching:inbox_decline", args=[world.request.pk]),
        {"note": "Try the data guild's office hours."},
    )

    assert response.status_code == 400
    html = _html(response)
    assert "Choose a reason, so the mentee knows what to do next." in html
    assert "Try the data guild&#x27;s office hours." in html
    world.request.refresh_from_db()
    assert world.request.status == Status.PENDING


def test_declining_with_a_reason_closes_the_request(client, world):
    client.force_login(world.ben)

    response = client.post(
        reverse("matching:inbox_decline", args=[world.request.pk]),
        {"reason": "not_my_expertise", "note": "Cara knows data platforms well."},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("matching:inbox")
    world.request.refresh_from_db()
    assert world.request.status == Status.DECLINED
    assert world.request.decline_reason == "not_my_expertise"
    assert world.request.decline_note == "Cara knows data platforms well."
    assert Profile.objects.get(user=world.ben).accepting_mentees is True


def test_decline_and_pause_me_stops_new_requests_and_says_how_to_resume(client, world):
    client.force_login(world.ben)

    response = client.post(
        reverse("matching:inbox_decline", args=[world.request.pk]),
        {"reason": "no_time", "pause": "1"},
        follow=True,
    )

    assert Profile.objects.get(user=world.ben).accepting_mentees is False
    world.request.refresh_from_db()
    assert world.request.status == Status.DECLINED
    html = _html(response)
    assert "paused new requests" in html
    assert "You are paused" in html
    assert reverse("profiles:edit") in html


def test_asking_a_question_adds_it_to_the_thread(client, world):
    client.force_login(world.ben)

    response = client.post(
        reverse("matching:inbox_ask", args=[world.request.pk]),
        {"body": "Which part of data engineering draws you most?"},
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#thread")
    message = RequestMessage.objects.get(request=world.request)
    assert message.author == world.ben
    assert message.body == "Which part of data engineering draws you most?"
    page = client.get(reverse("matching:inbox_request", args=[world.request.pk]))
    assert "Which part of data engineering draws you most?" in _html(page)


def test_an_empty_question_is_refused_in_place(client, world):
    client.force_login(world.ben)

    response = client.post(reverse("matching:inbox_ask", args=[world.request.pk]), {"body": " "})

    assert response.status_code == 400
    assert "Write your question first." in _html(response)
    assert not RequestMessage.objects.exists()


def test_an_answered_request_shows_its_outcome_instead_of_the_actions(client, world):
    services.decline_request(
        mentor=world.ben, request_id=world.request.pk, reason="better_fit", note="Ask Cara."
    )
    client.force_login(world.ben)

    html = _html(client.get(reverse("matching:inbox_request", args=[world.request.pk])))

    assert "You declined this request" in html
    assert "Another mentor would fit you better" in html
    assert "Ask Cara." in html
    assert reverse("matching:inbox_accept", args=[world.request.pk]) not in html
    assert reverse("matching:inbox_ask", args=[world.request.pk]) not in html


def test_acting_on_an_answered_request_is_a_conflict_that_changes_nothing(client, world):
    services.withdraw_request(mentee=world.ana, request_id=world.request.pk)
    client.force_login(world.ben)

    response = client.post(reverse("matching:inbox_accept", args=[world.request.pk]), {})

    assert response.status_code == 409
    assert "already withdrawn" in _html(response)
    assert not Mentorship.objects.exists()


# --- Access ----------------------------------------------------------------------------


def _urls(pk: int) -> list[tuple[str, str]]:
    return [
        ("get", reverse("matching:inbox_request", args=[pk])),
        ("post", reverse("matching:inbox_accept", args=[pk])),
        ("post", reverse("matching:inbox_decline", args=[pk])),
        ("post", reverse("matching:inbox_ask", args=[pk])),
    ]


@pytest.mark.parametrize("index", range(4))
@pytest.mark.parametrize("who", ["dee", "ana"])
def test_strangers_and_the_mentee_get_404_on_every_inbox_url(client, world, index, who):
    # The inbox is the mentor's side: even the mentee who sent it has their own page.
    client.force_login(getattr(world, who))
    method, url = _urls(world.request.pk)[index]

    response = getattr(client, method)(
        url, {"reason": "no_time", "body": "Hello", "welcome_note": ""}
    )

    assert response.status_code == 404
    world.request.refresh_from_db()
    assert world.request.status == Status.PENDING
    assert not RequestMessage.objects.exists()


@pytest.mark.parametrize("index", [1, 2, 3])
def test_every_inbox_action_needs_the_csrf_token(world, index):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.ben)
    _, url = _urls(world.request.pk)[index]

    response = client.post(url, {"reason": "no_time", "body": "Hello"})

    assert response.status_code == 403
    world.request.refresh_from_db()
    assert world.request.status == Status.PENDING


def test_the_inbox_needs_a_login(client, world):
    response = client.get(reverse("matching:inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- The navigation ----------------------------------------------------------------------


def test_a_mentor_sees_the_inbox_count_in_the_navigation(client, world):
    send(another_mentee(5), world.ben)
    client.force_login(world.ben)

    html = _html(client.get(reverse("dashboard")))

    assert reverse("matching:inbox") in html
    assert 'class="badge badge-count nav-inbox-count">2<' in html


def test_a_mentee_sees_no_inbox_and_mentorships_appear_once_there_is_one(client, world):
    client.force_login(world.ana)
    html = _html(client.get(reverse("dashboard")))
    assert reverse("matching:inbox") not in html
    assert reverse("matching:mentorships") not in html

    services.accept_request(mentor=world.ben, request_id=world.request.pk)

    html = _html(client.get(reverse("dashboard")))
    assert reverse("matching:mentorships") in html


def test_a_mentor_with_nothing_waiting_has_the_inbox_link_without_a_count(client, world):
    services.withdraw_request(mentee=world.ana, request_id=world.request.pk)
    client.force_login(world.ben)

    html = _html(client.get(reverse("dashboard")))

    assert reverse("matching:inbox") in html
    assert "nav-inbox-count" not in html


def test_the_navigation_counts_cost_one_query_and_only_when_shown(
    rf, world, django_assert_num_queries
):
    request = rf.get("/")
    request.user = world.ben

    # The unread badge count; the navigation's counts wait until a template reads them.
    with django_assert_num_queries(1):
        context = site(request)
    # Is a mentor, requests waiting, has any mentorship: one query, then cached.
    with django_assert_num_queries(1):
        assert context["nav"].inbox == 1
        assert context["nav"].is_mentor is True
        assert context["nav"].has_mentorships is False
