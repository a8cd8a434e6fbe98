"""Unanswered requests: reminders after 3 and 7 days, expiry after 14, each message once,
and a mentor who lets several expire in a row is paused with a one-click way back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from matching import services, tasks
from matching.models import Enrolment, Mentorship, MentorshipRequest, Program
from mentorship.celery import app
from mentorship.notifications.models import Notification
from mentorship.notifications.services import sweep_notifications
from profiles.models import Profile, User
from profiles.services import resume_link
from tests.matching.people import person
from tests.matching.test_requests import run_together

pytestmark = pytest.mark.django_db

START = datetime.fromisoformat("2026-03-02T09:00:00+00:00")
Status = MentorshipRequest.Status


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def at(clock: time_machine.Coordinates, days: float) -> datetime:
    clock.move_to(START + timedelta(days=days))
    return START + timedelta(days=days)


def mentee(n: int = 0) -> User:
    return person(f"mentee{n}@example.org", name=f"Ana {n}", mentee=True)


def mentor(email: str = "ben@example.org", **fields: object) -> User:
    return person(email, name="Ben Okafor", mentor=True, capacity=5, **fields)


def send(who: User, to: User, program: Program | None = None) -> MentorshipRequest:
    return services.send_request(
        mentee=who,
        mentor_id=to.pk,
        subject="Twenty minutes on code review?",
        message="Could we talk for 20 minutes?",
        program=program,
    )


def kinds(user: User) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True)
    )


def sweep_twice() -> services.RequestSweep:
    first = services.sweep_requests()
    second = services.sweep_requests()
    assert second == services.RequestSweep(reminded=0, expired=0, paused=0)
    return first


def test_reminders_on_days_3_and_7_and_expiry_on_day_14_each_once(
    clock: time_machine.Coordinates,
) -> None:
    ana, ben = mentee(), mentor()
    for n in range(1, 4):
        person(f"other{n}@example.org", name=f"Other Mentor {n}", mentor=True)
    request = send(ana, ben)

    at(clock, 2.9)
    assert sweep_twice().reminded == 0
    at(clock, 3)
    assert sweep_twice().reminded == 1
    at(clock, 6)
    assert sweep_twice().reminded == 0
    at(clock, 7.5)
    assert sweep_twice().reminded == 1
    assert kinds(ben) == ["request_received", "request_reminder", "request_reminder"]
    last = Notification.objects.filter(recipient=ben, kind="request_reminder").order_by("pk").last()
    assert last is not None
    assert "has waited 7 days. It expires in 6 days (on Monday 16 March)" in last.body

    at(clock, 13.9)
    assert sweep_twice() == services.RequestSweep(reminded=0, expired=0, paused=0)
    at(clock, 14)
    assert sweep_twice().expired == 1
    request.refresh_from_db()
    assert request.status == Status.EXPIRED
    (expired,) = Notification.objects.filter(recipient=ana, kind="request_expired")
    assert "had no answer in 14 days" in expired.body
    assert len(expired.context["suggestions"]) == 3
    assert "Ben Okafor" not in [s["name"] for s in expired.context["suggestions"]]

    # Every message was sent once, however often the outbox and request sweeps ran.
    mail.outbox.clear()
    sweep_notifications()
    sweep_notifications()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ben@example.org",
        "ben@example.org",
        "ben@example.org",
        "mentee0@example.org",
    ]


def test_a_sweep_that_was_down_sends_one_reminder_not_a_burst(
    clock: time_machine.Coordinates,
) -> None:
    ben = mentor()
    send(mentee(), ben)
    at(clock, 10)
    assert sweep_twice().reminded == 1
    assert kinds(ben) == ["request_received", "request_reminder"]
    assert MentorshipRequest.objects.get().reminders_sent == 2


def test_an_answered_request_is_neither_reminded_nor_expired(
    clock: time_machine.Coordinates,
) -> None:
    ben = mentor()
    request = send(mentee(), ben)
    services.accept_request(mentor=ben, request_id=request.pk)
    at(clock, 30)
    assert sweep_twice() == services.RequestSweep(reminded=0, expired=0, paused=0)
    assert kinds(ben) == ["request_received"]


def test_a_programme_sets_its_own_reminder_and_expiry_days(
    clock: time_machine.Coordinates,
) -> None:
    program = Program.objects.create(
        name="Spring cohort", slug="spring", request_reminder_days=[1], request_expiry_days=5
    )
    ben, ana = mentor(), mentee()
    Enrolment.objects.create(program=program, user=ana, role="mentee")
    Enrolment.objects.create(program=program, user=ben, role="mentor")
    send(ana, ben, program=program)
    at(clock, 1)
    assert sweep_twice().reminded == 1
    at(clock, 4.9)
    assert sweep_twice() == services.RequestSweep(reminded=0, expired=0, paused=0)
    at(clock, 5)
    assert sweep_twice().expired == 1


def test_three_expiries_in_a_row_pause_the_mentor_with_a_way_back(
    clock: time_machine.Coordinates, client: Client
) -> None:
    ben = mentor()
    for n in range(3):
        send(mentee(n), ben)
    at(clock, 14)
    result = sweep_twice()
    assert result.expired == 3
    assert result.paused == 1
    profile = Profile.objects.get(user=ben)
    assert not profile.accepting_mentees
    (paused,) = Notification.objects.filter(recipient=ben, kind="mentoring_paused")
    assert "Your last 3 requests expired without an answer" in paused.body
    assert paused.url.startswith("/profile/resume/")

    # Opening the link (as a mail scanner would) changes nothing; the button does.
    page = client.get(paused.url)
    assert page.status_code == 200
    assert b"Resume taking requests" in page.content
    assert not Profile.objects.get(user=ben).accepting_mentees
    client.post(paused.url)
    profile = Profile.objects.get(user=ben)
    assert profile.accepting_mentees
    assert profile.expiry_streak_since is not None

    # A fresh start: the next expiry alone does not pause again.
    send(mentee(9), ben)
    at(clock, 28.5)
    assert sweep_twice() == services.RequestSweep(reminded=0, expired=1, paused=0)
    assert Profile.objects.get(user=ben).accepting_mentees


def test_an_answer_between_expiries_breaks_the_run(clock: time_machine.Coordinates) -> None:
    ben = mentor()
    send(mentee(0), ben)
    send(mentee(1), ben)
    at(clock, 14)
    assert sweep_twice() == services.RequestSweep(reminded=0, expired=2, paused=0)
    answered = send(mentee(2), ben)
    services.decline_request(
        mentor=ben, request_id=answered.pk, reason=MentorshipRequest.DeclineReason.NO_TIME
    )
    send(mentee(3), ben)
    at(clock, 28)
    # Three expiries in all, but not in a row: the decline came between them.
    assert sweep_twice() == services.RequestSweep(reminded=0, expired=1, paused=0)
    assert Profile.objects.get(user=ben).accepting_mentees


def test_a_resume_link_expires_and_cannot_be_forged(
    clock: time_machine.Coordinates, client: Client
) -> None:
    ben = mentor(accepting_mentees=False)
    link = resume_link(user=ben)
    forged = link.replace(link.split("/")[-2][-6:], "AAAAAA")
    assert client.get(forged).status_code == 400
    assert client.post(forged).status_code == 400
    at(clock, 31)
    response = client.post(link)
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    assert not Profile.objects.get(user=ben).accepting_mentees


def test_the_resume_page_needs_its_csrf_token(clock: time_machine.Coordinates) -> None:
    ben = mentor(accepting_mentees=False)
    assert Client(enforce_csrf_checks=True).post(resume_link(user=ben)).status_code == 403
    assert not Profile.objects.get(user=ben).accepting_mentees


def test_switching_accepting_back_on_in_the_profile_also_starts_a_fresh_count(
    clock: time_machine.Coordinates,
) -> None:
    ben = mentor(accepting_mentees=False)
    person("ben@example.org", user=ben, mentor=True, accepting_mentees=True)
    assert Profile.objects.get(user=ben).expiry_streak_since == START


def test_the_task_runs_the_sweep_and_beat_schedules_it(clock: time_machine.Coordinates) -> None:
    send(mentee(), mentor())
    at(clock, 3)
    assert tasks.sweep_requests() == {"reminded": 1, "expired": 0, "paused": 0}
    schedule = app.conf.beat_schedule
    assert schedule["sweep-requests"]["task"] == "matching.tasks.sweep_requests"


def test_the_mentor_page_for_resuming_says_so_when_nothing_is_paused(client: Client) -> None:
    ben = mentor()
    response = client.get(resume_link(user=ben))
    assert b"You are taking requests" in response.content
    assert reverse("dashboard").encode() in response.content


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_accept_and_an_expiry_at_once_end_in_one_outcome_without_deadlock() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real concurrent transactions")
    ana, ben = mentee(), mentor()
    request = send(ana, ben)
    MentorshipRequest.objects.filter(pk=request.pk).update(
        created_at=request.created_at - timedelta(days=14)
    )
    for _ in range(5):
        results = run_together(
            lambda: services.accept_request(mentor=ben, request_id=request.pk),
            lambda: services.expire_request(request_id=request.pk, now=request.created_at),
        )
        request.refresh_from_db()
        if request.status == Status.ACCEPTED:
            assert type(results[0]).__name__ == "Mentorship"
            assert results[1] == services.ExpiryOutcome(expired=False)
            assert not Notification.objects.filter(kind="request_expired").exists()
        else:
            assert request.status == Status.EXPIRED
            assert type(results[0]).__name__ == "Conflict"
            assert not Notification.objects.filter(kind="request_accepted").exists()
        # Reset for the next round.
        Notification.objects.exclude(kind="request_received").delete()
        Mentorship.objects.all().delete()
        MentorshipRequest.objects.filter(pk=request.pk).update(status=Status.PENDING)


@pytest.mark.parametrize("days", [["3"], [0], [3.5], [True], {"days": 3}, [400]])
def test_a_programme_refuses_reminder_days_that_are_not_whole_days(days: object) -> None:
    from django.core.exceptions import ValidationError

    program = Program(name="Spring", slug="spring", request_reminder_days=days)
    with pytest.raises(ValidationError, match="whole days"):
        program.full_clean()


def test_a_programme_accepts_sensible_reminder_days() -> None:
    Program(name="Spring", slug="spring", request_reminder_days=[2, 5]).full_clean()
    Program(name="Spring", slug="spring", request_reminder_days=[]).full_clean()
