"""The admin changelists of issue 6 cost the same number of queries for 1 row or 5.

Cy (staff, superuser) opens each list; each world has `rows` pairs, each pair
with a confirmed session, a check-in and a reflection, its mentorship started
20 days ago without a first session so the health filter finds it at risk.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import Mentorship
from sessions_app.models import CheckIn, Reflection, Session
from tests.factories import UserFactory

ROWS = [1, 5]


def _world(rows: int) -> list[Mentorship]:
    now = timezone.now()
    pairs = []
    for _ in range(rows):
        mentorship = Mentorship.objects.create(mentee=UserFactory(), mentor=UserFactory())
        Mentorship.objects.filter(pk=mentorship.pk).update(started_at=now - timedelta(days=20))
        CheckIn.objects.create(mentorship=mentorship, author=mentorship.mentee, progress=3)
        Reflection.objects.create(
            mentorship=mentorship, author=mentorship.mentee, reflection="I learned a lot."
        )
        pairs.append(mentorship)
    return pairs


def _open(client, name: str, **params: str):  # type: ignore[no-untyped-def]
    return client.get(reverse(f"admin:{name}_changelist"), params)


@pytest.mark.parametrize("rows", ROWS)
def test_the_session_list(client, admin_cy, django_assert_num_queries, rows):
    for mentorship in _world(rows):
        Session.objects.create(
            mentorship=mentorship,
            proposed_by=mentorship.mentee,
            status=Session.Status.CONFIRMED,
            starts_at=timezone.now() + timedelta(days=2),
            duration_minutes=45,
        )
    client.force_login(admin_cy)
    # Django session, Cy, the count, the total count, the page of sessions with their
    # mentorships and both people, the unread-notifications badge, the date
    # hierarchy's first and last dates and its days.
    with django_assert_num_queries(8):
        response = _open(client, "sessions_app_session")
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == rows


@pytest.mark.parametrize("rows", ROWS)
def test_the_checkin_list(client, admin_cy, django_assert_num_queries, rows):
    _world(rows)
    client.force_login(admin_cy)
    # Django session, Cy, the count, the total count, the page of check-ins with their
    # mentorships and both people, the unread-notifications badge, the date
    # hierarchy's first and last dates and its days, the progress filter's values.
    with django_assert_num_queries(9):
        response = _open(client, "sessions_app_checkin")
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == rows


@pytest.mark.parametrize("rows", ROWS)
def test_the_reflection_list(client, admin_cy, django_assert_num_queries, rows):
    _world(rows)
    client.force_login(admin_cy)
    # Django session, Cy, the count, the total count, the page of reflections with
    # their authors and mentorships, the unread-notifications badge, the date
    # hierarchy's first and last dates and its days, the rating filter's values.
    with django_assert_num_queries(9):
        response = _open(client, "sessions_app_reflection")
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == rows


@pytest.mark.parametrize("rows", ROWS)
def test_the_mentorship_list_filtered_at_risk(client, admin_cy, django_assert_num_queries, rows):
    _world(rows)
    client.force_login(admin_cy)
    # Django session, Cy, the programs for the program filter; the health filter's
    # at-risk list (active pairs with both people, their sessions' dates, their latest
    # check-ins); the filtered count, the total count, the page of mentorships with
    # both people and the program, the unread-notifications badge, the date
    # hierarchy's first and last dates and its days.
    with django_assert_num_queries(12):
        response = _open(client, "matching_mentorship", health="at_risk")
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == rows
