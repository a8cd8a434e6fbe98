"""The mentee's side of outreach as pages: the composer and hints, sent requests, one request."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from matching import services
from matching.forms import CLOSING_STARTER
from matching.models import Enrolment, MentorshipRequest, Program, RequestMessage
from profiles.models import Goal, Profile
from tests.factories import GoalFactory
from tests.matching.people import language, person, skill

Status = MentorshipRequest.Status
Ask = MentorshipRequest.Ask


@pytest.fixture
def world(db, mentee_ana, mentor_ben, stranger_dee):  # type: ignore[no-untyped-def]
    """Ana wants to move into backend work; Ben is a payments engineer who can help."""
    english, python = language("en", "English"), skill("Python")
    ana = person("ana@example.org", user=mentee_ana, mentee=True, languages=[(english, 4)])
    ben = person(
        "ben@example.org",
        user=mentor_ben,
        mentor=True,
        languages=[(english, 4)],
        expertise=[(python, 5)],
        headline="Staff engineer, payments",
        current_role="Engineering manager",
        organisation="Acme Bank",
    )
    person("dee@example.org", user=stranger_dee, mentee=True, languages=[(english, 4)])
    dropped = GoalFactory(owner=ana, title="Learn Rust", status=Goal.Status.DROPPED)
    backend = GoalFactory(owner=ana, title="Move from support into backend engineering")
    return {"ana": ana, "ben": ben, "dee": stranger_dee, "goal": backend, "dropped": dropped}


GOOD = {
    "subject": "Your payments talk, and one 20-minute question",
    "opening": "Hi Ben,\n\nYour talk on payments at PyCon changed how I test money code.",
    "introduction": "I'm Ana, in support for three years and moving into backend work. "
    "Could we talk for 20 minutes about how you grew into engineering?",
    "ask": Ask.INTRO_CALL,
    "closing": "Any week that suits you works for me. Thank you for reading!",
}


def draft(world: dict[str, Any], **changes: str) -> dict[str, str]:
    return {**GOOD, "goal": str(world["goal"].pk), **changes}


def compose_url(world: dict[str, Any]) -> str:
    return reverse("matching:compose", args=[world["ben"].pk])


def hints_url(world: dict[str, Any]) -> str:
    return reverse("matching:compose_hints", args=[world["ben"].pk])


def send(client: Client, world: dict[str, Any], **changes: str) -> Any:
    return client.post(compose_url(world), {**draft(world, **changes), "action": "send"})


def hint_codes(html: str) -> list[str]:
    import re

    return re.findall(r'data-hint="([a-z_]+)"', html)


# --- The composer ------------------------------------------------------------------------


def _spring(world) -> Program:  # type: ignore[no-untyped-def]
    """A programme Ana (mentee) and Ben (mentor) are both in."""
    spring = Program.objects.create(name="Spring cohort", slug="spring")
    Enrolment.objects.create(program=spring, user=world["ana"], role="mentee")
    Enrolment.objects.create(program=spring, user=world["ben"], role="mentor")
    return spring


def test_the_mentor_page_links_to_the_composer_keeping_the_programme(world, client):
    _spring(world)
    client.force_login(world["ana"])
    html = client.get(
        reverse("matching:mentor", args=[world["ben"].pk]), {"program": "spring"}
    ).content.decode()
    assert "Request a conversation" in html
    assert f'href="{compose_url(world)}?program=spring"' in html


def test_a_mentor_who_is_not_taking_mentees_shows_why_instead_of_the_button(world, client):
    Profile.objects.filter(user=world["ben"]).update(accepting_mentees=False)
    client.force_login(world["ana"])
    html = client.get(reverse("matching:mentor", args=[world["ben"].pk])).content.decode()
    assert "Request a conversation" not in html
    assert "Ben is not taking new mentees at the moment." in html


def test_the_composer_shows_the_parts_the_mentor_to_draw_on_and_starters(world, client):
    client.force_login(world["ana"])
    response = client.get(compose_url(world))
    html = response.content.decode()
    assert response.status_code == 200
    for label in (
        "Subject",
        "Personal opening",
        "Who you are and why them",
        "The goal it is about",
        "What you are asking for",
        "Flexibility and thanks",
    ):
        assert label in html
    # To draw on: headline, role, expertise and the match reasons.
    assert "Staff engineer, payments" in html
    assert "Engineering manager at Acme Bank" in html
    assert '<li class="tag">Python</li>' in html
    assert "Why you fit" in html
    # The first active goal chosen; a dropped one not offered; the intro call the default ask.
    goal = world["goal"]
    assert f'<option value="{goal.pk}" selected>{goal.title}</option>' in html
    assert "Learn Rust" not in html
    assert response.context["form"]["ask"].value() == Ask.INTRO_CALL
    # Starters, not personal content: a greeting and the flexibility line.
    assert "Hi Ben,\n\n</textarea>" in html
    assert CLOSING_STARTER.replace("'", "&#x27;") in html
    # Before anything is typed the hints say what is needed.
    assert "subject_missing" in hint_codes(html)


def test_the_composer_answers_404_for_someone_who_is_not_a_mentor(world, client):
    client.force_login(world["ana"])
    assert client.get(reverse("matching:compose", args=[world["dee"].pk])).status_code == 404
    assert client.post(reverse("matching:compose_hints", args=[world["dee"].pk])).status_code == 404


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"introduction": "I'm Ana. Will you be my mentor?"}, "mentor_me"),
        ({"introduction": "Would you become my mentor this year?"}, "mentor_me"),
        (
            {
                "ask": Ask.MENTORSHIP,
                "subject": "Hello",
                "introduction": "I'm Ana, moving into backend work.",
            },
            "no_specific_ask",
        ),
        ({"opening": "Hi Ben, I hope you are well."}, "not_personal"),
        ({"goal": ""}, "no_goal"),
        ({"closing": "Thank you. " * 120}, "too_long"),
        ({"subject": ""}, "subject_missing"),
        ({"opening": "", "introduction": "", "closing": ""}, "message_missing"),
    ],
)
def test_the_hints_endpoint_gives_each_hint(world, client, changes, code):
    client.force_login(world["ana"])
    response = client.post(hints_url(world), draft(world, **changes), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert code in hint_codes(html)
    assert "looks_good" not in hint_codes(html)
    # The preview comes out of band with the hints, in the same answer.
    assert 'id="compose-preview" class="preview-body" hx-swap-oob="true"' in html
    assert not MentorshipRequest.objects.exists()


def test_a_good_draft_looks_good_and_the_preview_is_what_the_mentor_reads(world, client):
    client.force_login(world["ana"])
    html = client.post(hints_url(world), draft(world), HTTP_HX_REQUEST="true").content.decode()
    assert hint_codes(html) == ["looks_good"]
    assert "Looks good" in html
    assert "Your payments talk, and one 20-minute question" in html
    assert "A 15–20 minute intro conversation" in html
    assert "Move from support into backend engineering" in html
    assert "<strong>Ana Silva</strong>" in html
    # Each part its own paragraph.
    assert "<p>Hi Ben,</p>\n\n<p>Your talk on payments" in html
    assert "<p>I&#x27;m Ana, in support" in html


def test_without_javascript_preview_re_renders_the_page_with_hints_and_preview(world, client):
    client.force_login(world["ana"])
    response = client.post(compose_url(world), {**draft(world, goal=""), "action": "preview"})
    html = response.content.decode()
    assert response.status_code == 200
    assert hint_codes(html) == ["no_goal"]
    assert "Your payments talk, and one 20-minute question" in html
    assert 'id="compose-preview" class="preview-body">' in html
    assert not MentorshipRequest.objects.exists()


def test_a_mentee_without_goals_is_pointed_to_adding_one(world, client):
    Goal.objects.filter(owner=world["ana"]).delete()
    client.force_login(world["ana"])
    html = client.post(hints_url(world), draft(world, goal="")).content.decode()
    assert hint_codes(html) == ["no_goal"]
    assert "Add a goal first" in html
    assert reverse("profiles:goal_create") in html


def test_a_post_without_the_send_button_only_previews(world, client):
    client.force_login(world["ana"])
    response = client.post(compose_url(world), draft(world))
    assert response.status_code == 200
    assert not MentorshipRequest.objects.exists()


def test_sending_creates_one_request_and_lands_on_its_page(world, client):
    client.force_login(world["ana"])
    response = send(client, world)
    sent = MentorshipRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("matching:request", args=[sent.pk])
    assert (sent.mentee, sent.mentor, sent.goal) == (world["ana"], world["ben"], world["goal"])
    assert sent.subject == GOOD["subject"]
    assert sent.ask == Ask.INTRO_CALL
    assert sent.message == "\n\n".join(
        [GOOD["opening"].strip(), GOOD["introduction"], GOOD["closing"]]
    )
    page = client.get(response["Location"]).content.decode()
    assert "Your request is on its way to Ben." in page
    assert "Waiting for an answer" in page


def test_sending_within_a_programme_records_it(world, client):
    spring = _spring(world)
    client.force_login(world["ana"])
    response = client.post(
        f"{compose_url(world)}?program=spring", {**draft(world), "action": "send"}
    )
    assert response.status_code == 302
    assert MentorshipRequest.objects.get().program == spring


def test_a_double_post_gives_one_request_and_a_clear_message(world, client):
    client.force_login(world["ana"])
    send(client, world)
    again = send(client, world)
    html = again.content.decode()
    assert again.status_code == 200
    assert MentorshipRequest.objects.count() == 1
    assert "Your request to Ben is still waiting for an answer." in html
    # What was typed is still there.
    assert "Your talk on payments at PyCon" in html


@pytest.mark.parametrize(
    ("changes", "message", "kept"),
    [
        ({"subject": "  "}, "Give your request a subject.", "Your talk on payments at PyCon"),
        (
            {"opening": "", "introduction": "", "closing": " "},
            "Write a short message to the mentor.",
            "Your payments talk, and one 20-minute question",
        ),
    ],
)
def test_an_empty_subject_or_message_blocks_and_keeps_the_text(
    world, client, changes, message, kept
):
    client.force_login(world["ana"])
    html = send(client, world, **changes).content.decode()
    assert not MentorshipRequest.objects.exists()
    assert html.count(message) >= 2  # at the top and at the field
    assert 'id="compose-error"' in html
    assert kept in html


def test_hints_do_not_block_sending(world, client):
    client.force_login(world["ana"])
    response = send(
        client, world, goal="", ask=Ask.MENTORSHIP, introduction="Will you be my mentor?"
    )
    assert response.status_code == 302
    assert MentorshipRequest.objects.get().ask == Ask.MENTORSHIP


def test_a_closed_mentor_shows_the_reason_and_sending_keeps_the_text(world, client):
    Profile.objects.filter(user=world["ben"]).update(
        paused_until=timezone.localdate() + timedelta(days=5)
    )
    client.force_login(world["ana"])
    html = client.get(compose_url(world)).content.decode()
    assert "Ben has paused mentoring until" in html
    assert "Send request" not in html
    posted = send(client, world).content.decode()
    assert "Ben has paused mentoring until" in posted
    assert "Your talk on payments at PyCon" in posted
    assert not MentorshipRequest.objects.exists()


def test_a_waiting_request_is_linked_from_the_composer(world, client):
    client.force_login(world["ana"])
    send(client, world)
    sent = MentorshipRequest.objects.get()
    html = client.get(compose_url(world)).content.decode()
    assert "still waiting for an answer" in html
    assert reverse("matching:request", args=[sent.pk]) in html
    mentor_page = client.get(reverse("matching:mentor", args=[world["ben"].pk])).content.decode()
    assert "Request a conversation" not in mentor_page
    assert reverse("matching:request", args=[sent.pk]) in mentor_page


def test_the_daily_limit_is_explained(world, client):
    for _ in range(services.DAILY_REQUEST_LIMIT):
        MentorshipRequest.objects.create(
            mentee=world["ana"], mentor=world["ben"], subject="s", message="m", status="withdrawn"
        )
    client.force_login(world["ana"])
    html = send(client, world).content.decode()
    assert "You have sent 10 requests today. You can send another later." in html
    assert "Your talk on payments at PyCon" in html
    assert MentorshipRequest.objects.filter(status="pending").count() == 0


def test_too_many_open_requests_is_explained(world, client):
    for n in range(3):
        other = person(f"m{n}@example.org", mentor=True)
        MentorshipRequest.objects.create(
            mentee=world["ana"], mentor=other, subject="s", message="m"
        )
    client.force_login(world["ana"])
    html = send(client, world).content.decode()
    assert "You have 3 requests waiting for an answer." in html


# --- One request ------------------------------------------------------------------------------


@pytest.fixture
def sent(world) -> MentorshipRequest:  # type: ignore[no-untyped-def]
    return services.send_request(
        mentee=world["ana"],
        mentor_id=world["ben"].pk,
        subject="Your payments talk",
        message="Hi Ben,\n\nCould we talk for 20 minutes?",
        goal=world["goal"],
    )


def test_the_request_page_shows_the_message_as_sent(world, client, sent):
    client.force_login(world["ana"])
    html = client.get(reverse("matching:request", args=[sent.pk])).content.decode()
    assert "Waiting for an answer" in html
    assert "<p>Hi Ben,</p>\n\n<p>Could we talk for 20 minutes?</p>" in html
    assert "A 15–20 minute intro conversation" in html
    assert "Move from support into backend engineering" in html
    assert "Yes, withdraw my request" in html
    assert "Your answer" not in html  # nobody has asked anything


@pytest.mark.parametrize(
    ("method", "name"),
    [("get", "matching:request"), ("post", "matching:request_withdraw"),
     ("post", "matching:request_answer")],
)  # fmt: skip
@pytest.mark.parametrize("who", ["dee", "ben"])
def test_someone_elses_request_answers_404(world, client, sent, method, name, who):
    # Ben received it, but this is the mentee's page: his is the inbox.
    services.add_message(user=world["ben"], request_id=sent.pk, body="What stack?")
    client.force_login(world[who])
    response = getattr(client, method)(reverse(name, args=[sent.pk]), {"body": "hi"})
    assert response.status_code == 404
    sent.refresh_from_db()
    assert sent.status == Status.PENDING
    assert RequestMessage.objects.count() == 1


def test_a_missing_request_answers_404(world, client):
    client.force_login(world["ana"])
    assert client.get(reverse("matching:request", args=[999])).status_code == 404


def test_withdrawing_a_request(world, client, sent):
    client.force_login(world["ana"])
    response = client.post(reverse("matching:request_withdraw", args=[sent.pk]), follow=True)
    sent.refresh_from_db()
    html = response.content.decode()
    assert sent.status == Status.WITHDRAWN
    assert "Your request to Ben is withdrawn." in html
    assert "You withdrew this request" in html
    assert "Yes, withdraw my request" not in html
    # Twice: the service's refusal, shown.
    again = client.post(reverse("matching:request_withdraw", args=[sent.pk]), follow=True)
    assert "This request is already withdrawn." in again.content.decode()


def test_answering_the_mentors_question(world, client, sent):
    services.add_message(user=world["ben"], request_id=sent.pk, body="Which stack do you use?")
    client.force_login(world["ana"])
    page = client.get(reverse("matching:request", args=[sent.pk])).content.decode()
    assert "Questions from Ben" in page
    assert "Which stack do you use?" in page
    assert "Your answer" in page

    empty = client.post(reverse("matching:request_answer", args=[sent.pk]), {"body": "  "})
    assert "Write your message first." in empty.content.decode()

    response = client.post(
        reverse("matching:request_answer", args=[sent.pk]), {"body": "Django and Postgres."}
    )
    assert response.status_code == 302
    answer = RequestMessage.objects.latest("pk")
    assert (answer.author, answer.body) == (world["ana"], "Django and Postgres.")
    html = client.get(response["Location"]).content.decode()
    assert "Your answer is sent to Ben." in html
    assert "Django and Postgres." in html


def test_the_mentee_cannot_write_before_the_mentor_asks(world, client, sent):
    client.force_login(world["ana"])
    response = client.post(reverse("matching:request_answer", args=[sent.pk]), {"body": "Hi!"})
    html = response.content.decode()
    assert "The mentor asks first" in html
    assert not RequestMessage.objects.exists()


def test_an_accepted_request_shows_the_welcome_note(world, client, sent):
    mentorship = services.accept_request(
        mentor=world["ben"], request_id=sent.pk, welcome_note="Welcome, Ana! Tuesday?"
    )
    client.force_login(world["ana"])
    html = client.get(reverse("matching:request", args=[sent.pk])).content.decode()
    assert "Ben said yes" in html
    assert "Welcome, Ana! Tuesday?" in html
    assert "Yes, withdraw my request" not in html
    try:
        url = reverse("matching:mentorship", args=[mentorship.pk])
    except NoReverseMatch:  # the mentorship page is built on another branch
        url = None
    if url:
        assert url in html


def test_a_declined_request_shows_the_reason_the_note_and_other_mentors(world, client, sent):
    services.decline_request(
        mentor=world["ben"],
        request_id=sent.pk,
        reason=MentorshipRequest.DeclineReason.NO_TIME,
        note="Full until summer, sorry. Try Cara!",
    )
    client.force_login(world["ana"])
    html = client.get(reverse("matching:request", args=[sent.pk])).content.decode()
    assert "I don&#x27;t have time right now" in html
    assert "Full until summer, sorry. Try Cara!" in html
    assert reverse("matching:browse") in html


# --- The list of sent requests -------------------------------------------------------------


def _many(world: dict[str, Any], n: int) -> None:
    ben, ana = world["ben"], world["ana"]
    for i in range(n):
        MentorshipRequest.objects.create(
            mentee=ana, mentor=ben, subject=f"Old request {i}", message="m", status="withdrawn",
            goal=world["goal"],
        )  # fmt: skip


def test_the_list_shows_each_state(world, client):
    ana, ben = world["ana"], world["ben"]
    cara = person("cara@example.org", name="Cara Lee", mentor=True)
    dan = person("dan@example.org", name="Dan Wu", mentor=True)
    declined = services.send_request(mentee=ana, mentor_id=cara.pk, subject="To Cara", message="m")
    services.decline_request(
        mentor=cara, request_id=declined.pk, reason="not_my_expertise", note="Ask Dan."
    )
    services.send_request(mentee=ana, mentor_id=dan.pk, subject="To Dan", message="m")
    asked = services.send_request(mentee=ana, mentor_id=ben.pk, subject="To Ben", message="m")
    services.add_message(user=ben, request_id=asked.pk, body="Which stack?")
    client.force_login(ana)
    html = client.get(reverse("matching:requests")).content.decode()
    assert html.index("To Ben") < html.index("To Dan") < html.index("To Cara")
    assert "Ben asked you a question." in html
    assert "It&#x27;s not my area of expertise" in html
    assert "Ask Dan." in html
    assert html.count("Waiting for an answer") == 2


def test_an_empty_list_links_to_find_a_mentor(world, client):
    client.force_login(world["ana"])
    html = client.get(reverse("matching:requests")).content.decode()
    assert "No requests yet" in html
    assert f'class="btn btn-primary" href="{reverse("matching:browse")}"' in html


def test_the_list_is_paginated(world, client):
    _many(world, 25)
    client.force_login(world["ana"])
    first = client.get(reverse("matching:requests"))
    assert len(first.context["requests_sent"]) == 20
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(reverse("matching:requests"), {"page": 2})
    assert len(second.context["requests_sent"]) == 5


@pytest.mark.parametrize("extra", [1, 20])
def test_the_list_costs_the_same_queries_for_any_number_of_requests(
    world, client, django_assert_num_queries, extra
):
    _many(world, extra)
    client.force_login(world["ana"])
    # session, user, unread badge, the count, the page's requests with the mentor,
    # the goal, the mentorship and the thread's last author, and the navigation's
    # counts (inbox, requests and mentorships links)
    with django_assert_num_queries(6):
        response = client.get(reverse("matching:requests"))
    assert response.status_code == 200


# --- The dashboard --------------------------------------------------------------------------


def test_the_dashboard_shows_the_mentees_recent_requests(world, client):
    _many(world, 6)
    client.force_login(world["ana"])
    html = client.get(reverse("dashboard")).content.decode()
    assert "Your requests" in html
    assert html.count('class="summary-item sent-request"') == 5
    assert reverse("matching:requests") in html


@pytest.mark.parametrize("extra", [1, 8])
def test_the_mentee_dashboard_reads_recent_requests_in_one_query(
    world, client, django_assert_num_queries, extra
):
    _many(world, extra)
    client.force_login(world["ana"])
    client.get(reverse("dashboard"))
    # The mentee dashboard's 18 (test_browse) whatever the number of requests: the
    # five newest come with their mentors and the thread's last author in one query.
    with django_assert_num_queries(18):
        response = client.get(reverse("dashboard"))
    assert len(response.context["sent_requests"]) == min(extra, 5)


def test_a_mentor_only_dashboard_has_no_requests_section(world, client):
    client.force_login(world["ben"])
    assert "Your requests" not in client.get(reverse("dashboard")).content.decode()


# --- CSRF on every form that changes something --------------------------------------------


@pytest.mark.parametrize("name", ["compose", "compose_hints", "request_withdraw", "request_answer"])
def test_every_post_needs_the_csrf_token(world, sent, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["ana"])
    arg = world["ben"].pk if name.startswith("compose") else sent.pk
    response = client.post(reverse(f"matching:{name}", args=[arg]), {**draft(world), "body": "x"})
    assert response.status_code == 403
    sent.refresh_from_db()
    assert sent.status == Status.PENDING
    assert MentorshipRequest.objects.count() == 1


def test_anonymous_people_are_asked_to_log_in(world, client, sent):
    for url in (compose_url(world), reverse("matching:requests")):
        assert client.get(url).status_code == 302
