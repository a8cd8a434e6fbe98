"""Two workers racing for one row send one email (needs real row-level concurrency)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from mentorship.notifications import services
from mentorship.notifications.models import Notification
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_racing_deliveries_send_exactly_one_email(mailoutbox):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL) for real concurrent claims")
    person = UserFactory()
    notification = services.notify(
        recipient=person, kind="welcome", key="race", context={"name": "Ana"}
    )
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def deliver() -> None:
        barrier.wait()
        try:
            outcomes.append(services.deliver_notification(notification_id=notification.pk).status)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["sent"] + ["skipped"] * 7
    assert len(mailoutbox) == 1
    assert Notification.objects.get().status == Notification.Status.SENT
