"""A broker outage delays mail and never loses or repeats it (real Redis, real worker)."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command

from mentorship.celery import app as celery_app
from mentorship.notifications import tasks
from mentorship.notifications.models import Notification
from tests.conftest import celery_broker

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _sign_up(client, name: str, email: str):  # type: ignore[no-untyped-def]
    password = "a long passphrase here"
    return client.post(
        "/accounts/signup/",
        {"name": name, "email": email, "password1": password, "password2": password},
    )


def _wait_for(condition, timeout: float = 20.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def database_cache(settings):  # type: ignore[no-untyped-def]
    """The production default: the shared cache in a database table, not in Redis."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }
    call_command("createcachetable", verbosity=0)


def test_signup_succeeds_with_the_broker_down_and_the_next_sweep_delivers_once(
    client, redis_server, mailoutbox, database_cache
):
    with celery_broker(redis_server.url):
        redis_server.stop()

        started = time.monotonic()
        response = _sign_up(client, "Ana Silva", "ana@example.org")
        elapsed = time.monotonic() - started

        # The person is signed up; the failed publish neither broke nor stalled the request.
        assert response.status_code == 302
        assert response["Location"] == "/profile/welcome/roles/"  # onboarding first
        assert elapsed < 10
        # Two messages wait: the welcome and the address confirmation.
        pending = Notification.objects.filter(recipient__email="ana@example.org")
        assert {row.status for row in pending} == {Notification.Status.PENDING}
        assert pending.count() == 2
        notification = pending.get(kind="welcome")
        assert mailoutbox == []

        redis_server.start()
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            tasks.sweep_notifications.delay()
            assert _wait_for(lambda: len(mailoutbox) == 2), "the sweep did not deliver"
            # A second sweep, and a late duplicate delivery task, send nothing more.
            tasks.sweep_notifications.delay()
            tasks.deliver_notification.delay(notification.pk)
            time.sleep(1.5)

    subjects = [email.subject for email in mailoutbox]
    assert len(subjects) == 2
    assert "Welcome to Mentorship, Ana Silva" in subjects
    assert "[Mentorship] Please Confirm Your Email Address" in subjects
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 1


def test_a_hung_broker_delays_the_request_briefly_and_loses_nothing(
    client, redis_server, mailoutbox, database_cache
):
    with celery_broker(redis_server.url):
        redis_server.freeze()
        try:
            started = time.monotonic()
            response = _sign_up(client, "Cy Chen", "cy@example.org")
            elapsed = time.monotonic() - started
        finally:
            redis_server.thaw()

        assert response.status_code == 302
        # Two publishes, each bounded by the Redis socket timeouts (no hang).
        assert elapsed < 30
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            tasks.sweep_notifications.delay()
            assert _wait_for(lambda: len(mailoutbox) == 2), "the sweep did not deliver"

    assert sorted(email.to[0] for email in mailoutbox) == ["cy@example.org"] * 2


def test_with_the_broker_up_the_delivery_task_sends_at_once(client, redis_server, mailoutbox):
    with (
        celery_broker(redis_server.url),
        start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
    ):
        response = _sign_up(client, "Ben Okafor", "ben@example.org")
        assert response.status_code == 302
        assert _wait_for(lambda: len(mailoutbox) == 2), "the delivery tasks did not run"

    assert [email.to for email in mailoutbox] == [["ben@example.org"]] * 2
