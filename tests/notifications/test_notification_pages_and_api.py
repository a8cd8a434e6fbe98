"""The in-app notification list: pages and API, own rows only, fixed query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from mentorship.notifications import services
from mentorship.notifications.models import Notification
from profiles.services import ensure_profile
from tests.conftest import PASSWORD


def _notify(user, n: int) -> Notification:  # type: ignore[no-untyped-def]
    return services.notify(
        recipient=user,
        kind="welcome",
        key=f"test:{user.pk}:{n}",
        context={"name": f"number {n}"},
        url="/dashboard/",
    )


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_the_list_page_shows_own_notifications_newest_first(client, mentee_ana, mentor_ben):
    for n in range(3):
        _notify(mentee_ana, n)
    _notify(mentor_ben, 99)
    client.force_login(mentee_ana)

    response = client.get(reverse("notifications:list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("number 2") < html.index("number 1") < html.index("number 0")
    assert "number 99" not in html


def test_the_list_page_needs_log_in(client, db):
    response = client.get(reverse("notifications:list"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_list_page_runs_a_fixed_number_of_queries(
    client, mentee_ana, django_assert_num_queries
):
    for n in range(25):
        _notify(mentee_ana, n)
    client.force_login(mentee_ana)

    # session, user, unread badge count, page count, page rows, the navigation's
    # inbox count and mentorships link
    with django_assert_num_queries(6):
        response = client.get(reverse("notifications:list"))
    assert len(response.context["page"].object_list) == 20


def test_mark_read_by_htmx_returns_the_item(client, mentee_ana):
    notification = _notify(mentee_ana, 1)
    client.force_login(mentee_ana)

    response = client.post(
        reverse("notifications:read", args=[notification.pk]), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert "number 1" in response.content.decode()
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_read_without_htmx_redirects_back(client, mentee_ana):
    notification = _notify(mentee_ana, 1)
    client.force_login(mentee_ana)

    response = client.post(reverse("notifications:read", args=[notification.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:list")


def test_open_marks_read_and_follows_the_link(client, mentee_ana):
    notification = _notify(mentee_ana, 1)
    client.force_login(mentee_ana)

    response = client.post(reverse("notifications:read", args=[notification.pk]), {"open": "1"})

    assert response["Location"] == "/dashboard/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_open_never_redirects_off_site(client, mentee_ana):
    notification = _notify(mentee_ana, 1)
    Notification.objects.filter(pk=notification.pk).update(url="https://evil.example/")
    client.force_login(mentee_ana)

    response = client.post(reverse("notifications:read", args=[notification.pk]), {"open": "1"})

    assert response["Location"] == reverse("notifications:list")


def test_marking_someone_elses_notification_answers_404(client, mentee_ana, stranger_dee):
    notification = _notify(mentee_ana, 1)
    client.force_login(stranger_dee)

    response = client.post(reverse("notifications:read", args=[notification.pk]))

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read(client, mentee_ana, mentor_ben):
    for n in range(3):
        _notify(mentee_ana, n)
    other = _notify(mentor_ben, 9)
    client.force_login(mentee_ana)

    client.post(reverse("notifications:read_all"))

    assert not Notification.objects.filter(recipient=mentee_ana, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_the_api_lists_own_notifications_paginated(
    api, mentee_ana, mentor_ben, django_assert_num_queries
):
    for n in range(25):
        _notify(mentee_ana, n)
    _notify(mentor_ben, 99)
    api.force_authenticate(mentee_ana)

    # count, page rows (force_authenticate skips the session and user queries)
    with django_assert_num_queries(2):
        body = api.get("/api/v1/notifications/").json()

    assert body["count"] == 25
    assert body["next"].endswith("/api/v1/notifications/?page=2")
    assert body["previous"] is None
    assert len(body["results"]) == 20
    first = body["results"][0]
    assert set(first) == {"id", "kind", "subject", "body", "url", "read", "read_at", "created_at"}
    assert first["subject"] == "Welcome to Mentorship, number 24"
    assert first["read"] is False


def test_the_api_marks_read_and_hides_others_rows(api, mentee_ana, stranger_dee):
    notification = _notify(mentee_ana, 1)

    api.force_authenticate(stranger_dee)
    assert api.get(f"/api/v1/notifications/{notification.pk}/").status_code == 404
    assert api.post(f"/api/v1/notifications/{notification.pk}/read/").status_code == 404

    api.force_authenticate(mentee_ana)
    response = api.post(f"/api/v1/notifications/{notification.pk}/read/")
    assert response.status_code == 200
    assert response.json()["read"] is True
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 0}


def test_a_non_numeric_id_answers_404(api, mentee_ana):
    api.force_authenticate(mentee_ana)

    assert api.post("/api/v1/notifications/abc/read/").status_code == 404
    assert api.get("/api/v1/notifications/abc/").status_code == 404


def test_the_api_list_with_a_token_runs_a_fixed_number_of_queries(
    api, mentee_ana, django_assert_num_queries
):
    for n in range(25):
        _notify(mentee_ana, n)
    token = api.post(
        "/api/v1/auth/token/", {"email": "ana@example.org", "password": PASSWORD}
    ).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    # token and user, count, page rows
    with django_assert_num_queries(3):
        response = api.get("/api/v1/notifications/")
    assert len(response.json()["results"]) == 20


def test_the_dashboard_runs_a_fixed_number_of_queries(
    client, mentee_ana, django_assert_num_queries
):
    for n in range(8):
        _notify(mentee_ana, n)
    ensure_profile(user=mentee_ana)  # made at sign-up
    client.force_login(mentee_ana)

    # session, user, recent notifications, own profile (get_or_create's lookup, then the
    # profile with user and industry), its languages, expertise, mentor industries and
    # availability, has-goals-and-persona flags, unread badge count, the live
    # mentorships, the navigation's inbox count and requests and mentorships links
    with django_assert_num_queries(13):
        response = client.get(reverse("dashboard"))
    assert len(response.context["recent_notifications"]) == 5
