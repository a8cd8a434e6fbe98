"""The dashboard for mentors and pairs: requests waiting for an answer, live mentorships."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from matching import services
from matching.models import MentorshipRequest
from profiles.models import User
from tests.matching.people import person

pytestmark = pytest.mark.django_db


def ask(
    mentee: User, mentor: User, subject: str = "Twenty minutes on pipelines?"
) -> MentorshipRequest:
    return services.send_request(
        mentee=mentee, mentor_id=mentor.pk, subject=subject, message="Could we talk for 20 minutes?"
    )


@pytest.fixture
def ben() -> User:
    return person("ben@example.org", name="Ben Okafor", mentor=True, capacity=3)


def test_a_mentor_sees_requests_waiting_and_a_link_to_each(client: Client, ben: User) -> None:
    ana = person("ana@example.org", name="Ana Silva", mentee=True)
    request = ask(ana, ben)
    client.force_login(ben)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Waiting for your answer" in html
    assert "Twenty minutes on pipelines?" in html
    assert "From Ana Silva" in html
    assert reverse("matching:inbox_request", args=[request.pk]) in html
    assert "More are waiting" not in html


def test_a_mentor_with_nothing_waiting_is_told_so(client: Client, ben: User) -> None:
    client.force_login(ben)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Nothing waiting" in html


def test_both_people_see_their_live_mentorship_and_its_agreement_state(
    client: Client, ben: User
) -> None:
    ana = person("ana@example.org", name="Ana Silva", mentee=True)
    mentorship = services.accept_request(mentor=ben, request_id=ask(ana, ben).pk)
    for viewer, line in ((ben, "You mentor Ana"), (ana, "Ben mentors you")):
        client.force_login(viewer)
        html = client.get(reverse("dashboard")).content.decode()
        assert "Your mentorships" in html
        assert line in html
        assert "Agreement not written yet" in html
        assert reverse("matching:mentorship", args=[mentorship.pk]) in html


@pytest.mark.parametrize("waiting", [1, 7])
def test_the_mentor_dashboard_costs_the_same_queries_however_many_wait(
    client: Client, ben: User, django_assert_num_queries, waiting: int
) -> None:
    for n in range(waiting):
        ask(person(f"mentee{n}@example.org", mentee=True), ben, subject=f"Question number {n}")
    other = person("cleo@example.org", name="Cleo Park", mentor=True)
    # Ben is mentored elsewhere too: a mentor can be a mentee.
    services.accept_request(mentor=other, request_id=ask(ben, other).pk)
    client.force_login(ben)
    client.get(reverse("dashboard"))
    # session, user, notifications, own profile (lookup, then with user and industry),
    # its languages, expertise, mentor industries and availability, goals-and-persona
    # flags, unread badge, the waiting requests with their mentees, the live
    # mentorships with both people and their health facts (2), the next sessions, the
    # session proposals to answer, the check-in duties, and the navigation's counts
    with django_assert_num_queries(19):
        html = client.get(reverse("dashboard")).content.decode()
    section = html.split('id="waiting-title"')[1].split("</section>")[0]
    assert section.count("Question number ") == min(waiting, 5)
    assert ("More are waiting" in section) == (waiting > 5)
    assert "Cleo mentors you" in html
