"""Every request event tells the right person once, in the app and by email (text and HTML)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from matching import services
from matching.models import Mentorship, MentorshipRequest
from mentorship.notifications.models import Notification
from mentorship.notifications.services import sweep_notifications
from profiles.models import User
from tests.factories import GoalFactory
from tests.matching.people import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana() -> User:
    return person("ana@example.org", name="Ana Silva", mentee=True)


@pytest.fixture
def ben() -> User:
    return person("ben@example.org", name="Ben Okafor", mentor=True, headline="Staff engineer")


@pytest.fixture
def cleo() -> User:
    return person("cleo@example.org", name="Cleo Park", mentor=True, headline="Product lead")


def send(mentee: User, mentor: User, **fields: object) -> MentorshipRequest:
    return services.send_request(
        mentee=mentee,
        mentor_id=mentor.pk,
        subject="Your talk on code review",
        message="I liked your talk on code review. Could we talk for 20 minutes?",
        **fields,  # type: ignore[arg-type]
    )


def notes(user: User, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind))


def deliver() -> list[mail.EmailMessage]:
    mail.outbox.clear()
    sweep_notifications()
    return list(mail.outbox)


def test_a_new_request_tells_the_mentor_once_with_the_message_and_a_link(
    ana: User, ben: User
) -> None:
    goal = GoalFactory(owner=ana, title="Lead my first code review")
    request = send(ana, ben, goal=goal)

    (note,) = notes(ben, "request_received")
    assert note.subject == "Ana Silva would like to talk: Your talk on code review"
    assert "Lead my first code review" in note.body
    assert "Could we talk for 20 minutes?" in note.body
    assert "expires after 14 days" in note.body
    assert note.url == reverse("matching:inbox_request", args=[request.pk])

    (email,) = deliver()
    assert email.to == ["ben@example.org"]
    assert email.body.endswith(f"http://127.0.0.1:8000{note.url}")
    html, mime = email.alternatives[0]  # type: ignore[attr-defined]
    assert mime == "text/html"
    assert "Read and answer" in html
    assert "Lead my first code review" in html
    assert deliver() == []  # sent once


def test_a_question_goes_to_the_mentee_and_the_answer_to_the_mentor(ana: User, ben: User) -> None:
    request = send(ana, ben)
    services.add_message(user=ben, request_id=request.pk, body="What have you tried so far?")
    services.add_message(user=ana, request_id=request.pk, body="Pairing with a senior.")

    (question,) = notes(ana, "request_question")
    assert "What have you tried so far?" in question.body
    assert question.url == reverse("matching:request", args=[request.pk])
    (answer,) = notes(ben, "request_answer")
    assert "Pairing with a senior." in answer.body
    assert answer.url == reverse("matching:inbox_request", args=[request.pk])
    # A second question is a second message, not a repeat of the first.
    services.add_message(user=ben, request_id=request.pk, body="And which team?")
    assert len(notes(ana, "request_question")) == 2


def test_accepting_tells_the_mentee_and_the_mentors_whose_requests_were_cancelled(
    ana: User, ben: User, cleo: User
) -> None:
    first = send(ana, ben)
    send(ana, cleo)
    mentorship = services.accept_request(
        mentor=ben, request_id=first.pk, welcome_note="Happy to help, Ana!"
    )

    (accepted,) = notes(ana, "request_accepted")
    assert accepted.subject == "Ben said yes: your mentorship has started"
    assert "Happy to help, Ana!" in accepted.body
    assert accepted.url == reverse("matching:mentorship", args=[mentorship.pk])
    (cancelled,) = notes(cleo, "request_cancelled")
    assert "started a mentorship with another mentor" in cancelled.body
    assert notes(ben, "request_cancelled") == []
    emails = deliver()
    # Two each for Ben and Cleo's new requests, plus the acceptance and the cancellation.
    assert sorted(e.to[0] for e in emails) == [
        "ana@example.org",
        "ben@example.org",
        "cleo@example.org",
        "cleo@example.org",
    ]


def test_declining_gives_the_reason_the_note_and_three_other_mentors(
    ana: User, ben: User, cleo: User
) -> None:
    for n in range(3):
        person(f"m{n}@example.org", name=f"Mentor {n}", mentor=True)
    request = send(ana, ben)
    services.decline_request(
        mentor=ben,
        request_id=request.pk,
        reason=MentorshipRequest.DeclineReason.NOT_MY_EXPERTISE,
        note="Cleo knows this far better than I do.",
    )

    (declined,) = notes(ana, "request_declined")
    assert "It's not my area of expertise" in declined.body
    assert "Cleo knows this far better than I do." in declined.body
    suggested = [s["name"] for s in declined.context["suggestions"]]
    assert len(suggested) == 3
    assert "Ben Okafor" not in suggested
    assert all(
        s["url"].startswith("http://127.0.0.1:8000/mentors/")
        for s in declined.context["suggestions"]
    )
    (email,) = [e for e in deliver() if e.to == ["ana@example.org"]]
    assert suggested[0] in email.body
    assert suggested[0] in email.alternatives[0][0]  # type: ignore[attr-defined]


def test_withdrawing_tells_the_mentor_in_the_app_only(ana: User, ben: User) -> None:
    request = send(ana, ben)
    deliver()
    services.withdraw_request(mentee=ana, request_id=request.pk)
    (withdrawn,) = notes(ben, "request_withdrawn")
    assert withdrawn.status == Notification.Status.SENT
    assert not withdrawn.send_email
    assert deliver() == []


def test_the_agreement_tells_the_other_side_of_proposals_and_of_the_final_yes(
    ana: User, ben: User
) -> None:
    mentorship = services.accept_request(mentor=ben, request_id=send(ana, ben).pk)
    terms = services.AgreementTerms(
        frequency=Mentorship.Frequency.FORTNIGHTLY, session_minutes=45, channel="Video call"
    )
    services.confirm_agreement(user=ben, mentorship_id=mentorship.pk, terms=terms)
    # A double submit changes nothing and tells nobody again.
    services.confirm_agreement(user=ben, mentorship_id=mentorship.pk, terms=terms)
    (proposed,) = notes(ana, "agreement_proposed")
    assert "Every two weeks" in proposed.body
    assert "45 minutes" in proposed.body

    services.confirm_agreement(user=ana, mentorship_id=mentorship.pk, terms=terms)
    (agreed,) = notes(ben, "agreement_confirmed")
    assert "you are both agreed: every two weeks, 45 minutes, Video call" in agreed.body
    mentorship.refresh_from_db()
    assert mentorship.agreement_confirmed

    # Ana changes the length afterwards: Ben must confirm again and hears of it.
    changed = services.AgreementTerms(
        frequency=Mentorship.Frequency.FORTNIGHTLY, session_minutes=30, channel="Video call"
    )
    services.confirm_agreement(user=ana, mentorship_id=mentorship.pk, terms=changed)
    mentorship.refresh_from_db()
    assert mentorship.mentor_confirmed_at is None
    assert mentorship.mentee_confirmed_at
    assert len(notes(ben, "agreement_proposed")) == 1
    assert len(notes(ana, "agreement_proposed")) == 1


def test_hostile_text_is_escaped_in_the_html_email(ana: User, ben: User) -> None:
    services.send_request(
        mentee=ana,
        mentor_id=ben.pk,
        subject="Hello <b>there</b>",
        message='<script>alert("x")</script> 20 minutes?',
    )
    (email,) = deliver()
    html = email.alternatives[0][0]  # type: ignore[attr-defined]
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    # The text part is plain text: nothing is entity-encoded there.
    assert '<script>alert("x")</script>' in email.body
