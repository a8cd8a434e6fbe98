"""What the dashboard and the admin read: the next sessions across a person's mentorships,
and the Session admin."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching import services as matching_services
from matching.models import Mentorship
from profiles.models import Profile
from sessions_app.selectors.sessions import upcoming_sessions_for_user
from sessions_app.services import sessions as services
from tests.matching.inbox_world import World, send
from tests.sessions.sessions_world import confirm_first, mentorship, propose, utc, world

__all__ = ["mentorship", "world"]

NOW = utc(2027, 3, 20, 9)


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_upcoming_sessions_are_confirmed_future_and_from_live_mentorships_only(
    world: World, mentorship: Mentorship, django_assert_num_queries
):
    # Ben mentors Ana and is himself mentored by Dee.
    Profile.objects.filter(user=world.dee).update(capacity=3)
    Profile.objects.filter(user=world.ben).update(is_mentee=True)
    second = matching_services.accept_request(
        mentor=world.dee, request_id=send(world.ben, world.dee).pk
    )
    later = confirm_first(propose(mentorship, world.ana, utc(2027, 3, 26, 18)), world.ben)
    sooner = confirm_first(propose(second, world.dee, utc(2027, 3, 22, 12)), world.ben)
    propose(mentorship, world.ana, utc(2027, 3, 21, 18))  # waiting: not booked
    cancelled = confirm_first(propose(mentorship, world.ana, utc(2027, 3, 23, 18)), world.ben)
    services.cancel_session(user=world.ana, session_id=cancelled.pk, reason="")

    # One query: the sessions with both people and their profiles.
    with django_assert_num_queries(1):
        upcoming = upcoming_sessions_for_user(user=world.ben, now=NOW, limit=5)
        others = [session.other.display_name for session in upcoming]

    assert [s.pk for s in upcoming] == [sooner.pk, later.pk]
    assert others == [world.dee.display_name, world.ana.display_name]
    assert upcoming_sessions_for_user(user=world.ben, now=NOW, limit=1)[0].pk == sooner.pk
    assert upcoming_sessions_for_user(user=world.dee, now=NOW)[0].pk == sooner.pk
    Mentorship.objects.filter(pk=second.pk).update(status=Mentorship.Status.ENDED)
    assert [s.pk for s in upcoming_sessions_for_user(user=world.ben, now=NOW)] == [later.pk]


def test_a_stranger_has_no_upcoming_sessions(world: World, mentorship: Mentorship):
    confirm_first(propose(mentorship, world.ana, utc(2027, 3, 26, 18)), world.ben)

    assert upcoming_sessions_for_user(user=world.dee, now=NOW) == []


def test_the_admin_lists_and_searches_sessions_in_constant_queries(
    client, admin_cy, world: World, mentorship: Mentorship
):
    client.force_login(admin_cy)
    url = reverse("admin:sessions_app_session_changelist")
    first = propose(mentorship, world.ana, utc(2027, 3, 26, 18))
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for day in range(4):
        propose(mentorship, world.ana, utc(2027, 3, 21 + day, 18))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert len(many) == len(few)
    assert response.content.decode().count(str(mentorship)) == 5
    found = client.get(url, {"q": "ana@example.org"})
    assert found.context["cl"].result_count == 5
    assert client.get(url, {"q": "nobody@example.org"}).context["cl"].result_count == 0
    detail = client.get(reverse("admin:sessions_app_session_change", args=[first.pk]))
    assert detail.status_code == 200
