"""The dashboard's rhythm: next sessions in the viewer's time, check-ins due, goal progress."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from matching import services
from matching.models import Mentorship
from profiles.models import Goal, Milestone, User
from sessions_app.models import CheckIn, Session, SessionOption
from tests.matching.people import person

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen() -> object:
    with time_machine.travel(NOW, tick=False):
        yield


def pair(mentee_zone: str = "Asia/Tokyo", mentor_zone: str = "America/Los_Angeles") -> Mentorship:
    ana = person("ana@example.org", name="Ana Silva", mentee=True, zone=mentee_zone)
    ben = person("ben@example.org", name="Ben Okafor", mentor=True, capacity=3, zone=mentor_zone)
    request = services.send_request(
        mentee=ana, mentor_id=ben.pk, subject="Twenty minutes?", message="Could we talk soon?"
    )
    return services.accept_request(mentor=ben, request_id=request.pk)


def book(mentorship: Mentorship, starts_at: datetime, **fields: object) -> Session:
    return Session.objects.create(
        mentorship=mentorship,
        proposed_by=mentorship.mentee,
        status=Session.Status.CONFIRMED,
        starts_at=starts_at,
        confirmed_at=NOW,
        **fields,
    )


def dashboard(client: Client, user: User) -> str:
    client.force_login(user)
    return client.get(reverse("dashboard")).content.decode()


def section(html: str, title_id: str) -> str:
    return html.split(f'id="{title_id}"')[1].split("</section>")[0]


def test_both_see_the_next_session_at_the_same_instant_in_their_own_time(client: Client) -> None:
    mentorship = pair()
    # 2027-03-02 01:00 UTC is 10:00 on Tuesday in Tokyo and 17:00 on Monday in Los Angeles.
    session = book(mentorship, datetime(2027, 3, 2, 1, 0, tzinfo=UTC), duration_minutes=45)

    tokyo = section(dashboard(client, mentorship.mentee), "coming-up-title")
    los_angeles = section(dashboard(client, mentorship.mentor), "coming-up-title")

    assert "Session with Ben Okafor" in tokyo
    assert "Tuesday, 10:00–10:45 · 17:00 for Ben (Los Angeles)" in tokyo
    assert "Your time (Asia/Tokyo)" in tokyo
    assert "Session with Ana Silva" in los_angeles
    assert "Monday, 17:00–17:45 · 10:00 for Ana (Tokyo)" in los_angeles
    for html in (tokyo, los_angeles):
        assert reverse("sessions_app:session", args=[session.pk]) in html
        assert 'datetime="2027-03-02T01:00:00+00:00"' in html


def test_past_cancelled_and_ended_sessions_are_not_coming_up(client: Client) -> None:
    mentorship = pair()
    book(mentorship, NOW - timedelta(days=2), agenda="old")
    Session.objects.create(
        mentorship=mentorship,
        status=Session.Status.CANCELLED,
        starts_at=NOW + timedelta(days=1),
        cancelled_at=NOW,
    )
    html = section(dashboard(client, mentorship.mentee), "coming-up-title")
    assert "Session with" not in html
    assert "Nothing booked yet" in html


def test_a_proposal_waits_for_the_other_persons_answer_only(client: Client) -> None:
    mentorship = pair()
    proposal = Session.objects.create(mentorship=mentorship, proposed_by=mentorship.mentee)
    SessionOption.objects.create(session=proposal, starts_at=datetime(2027, 3, 3, 1, tzinfo=UTC))
    SessionOption.objects.create(session=proposal, starts_at=datetime(2027, 3, 4, 1, tzinfo=UTC))

    mentor_view = section(dashboard(client, mentorship.mentor), "coming-up-title")
    mentee_view = section(dashboard(client, mentorship.mentee), "coming-up-title")

    assert "Ana proposed 2 times for a session" in mentor_view
    # 01:00 UTC is 17:00 the day before in Los Angeles.
    assert "Tue 2 Mar, 17:00 · Wed 3 Mar, 17:00" in mentor_view
    assert "proposed" not in mentee_view


def test_the_mentee_sees_a_check_in_due_and_the_mentor_the_ones_to_answer(
    client: Client,
) -> None:
    mentorship = pair()
    Mentorship.objects.filter(pk=mentorship.pk).update(
        frequency=Mentorship.Frequency.WEEKLY, started_at=NOW - timedelta(days=9)
    )
    html = section(dashboard(client, mentorship.mentee), "coming-up-title")
    assert "Check in with Ben" in html
    assert "2 days ago" in html
    assert reverse("sessions_app:checkin_new", args=[mentorship.pk]) in html

    checkin = CheckIn.objects.create(mentorship=mentorship, author=mentorship.mentee, progress=4)
    mentee_view = section(dashboard(client, mentorship.mentee), "coming-up-title")
    assert "Check in with Ben" not in mentee_view
    mentor_view = section(dashboard(client, mentorship.mentor), "coming-up-title")
    assert "Ana checked in" in mentor_view
    assert "1 check-in waiting for your reply" in mentor_view
    assert reverse("sessions_app:checkin", args=[checkin.pk]) in mentor_view

    CheckIn.objects.filter(pk=checkin.pk).update(acknowledged_at=NOW)
    assert "checked in" not in section(dashboard(client, mentorship.mentor), "coming-up-title")


def test_a_mentee_sees_progress_on_each_active_goal(client: Client) -> None:
    ana = person("ana@example.org", name="Ana Silva", mentee=True)
    goal = Goal.objects.create(owner=ana, title="Lead my first project")
    Goal.objects.create(owner=ana, title="Already done", status=Goal.Status.ACHIEVED)
    for n in range(4):
        Milestone.objects.create(goal=goal, title=f"Step {n}", done_at=NOW if n < 3 else None)
    html = section(dashboard(client, ana), "goal-progress-title")
    assert "Lead my first project" in html
    assert "3/4" in html
    assert "Already done" not in html


@pytest.mark.parametrize("sessions", [1, 5])
def test_the_dashboard_with_sessions_and_check_ins_costs_fixed_queries(
    client: Client, django_assert_num_queries, sessions: int
) -> None:
    mentorship = pair()
    for n in range(sessions):
        book(mentorship, NOW + timedelta(days=n + 1))
        proposal = Session.objects.create(mentorship=mentorship, proposed_by=mentorship.mentee)
        SessionOption.objects.create(session=proposal, starts_at=NOW + timedelta(days=n + 2))
        CheckIn.objects.create(mentorship=mentorship, author=mentorship.mentee, progress=3)
    client.force_login(mentorship.mentor)
    client.get(reverse("dashboard"))
    # The mentor dashboard's 19 (see test_dashboard.py), plus the proposals' options
    with django_assert_num_queries(20):
        html = client.get(reverse("dashboard")).content.decode()
    assert html.count("Session with Ana Silva") == sessions
