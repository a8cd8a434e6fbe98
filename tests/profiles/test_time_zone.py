"""Times are shown in the viewer's own zone, read once per session."""

from __future__ import annotations

from datetime import UTC, datetime

from django.urls import reverse

from mentorship.notifications import services as notifications
from mentorship.notifications.models import Notification
from profiles.middleware import SESSION_KEY
from profiles.models import Profile
from tests.conftest import PASSWORD


def _notification_at(user, moment: datetime) -> None:  # type: ignore[no-untyped-def]
    row = notifications.notify(recipient=user, kind="welcome", key="tz", context={"name": "A"})
    Notification.objects.filter(pk=row.pk).update(created_at=moment)


def test_pages_show_times_in_the_viewers_zone(client, mentee_ana):
    Profile.objects.create(user=mentee_ana, time_zone="Asia/Tokyo")
    _notification_at(mentee_ana, datetime(2026, 11, 20, 0, 0, tzinfo=UTC))

    client.post(reverse("account_login"), {"login": "ana@example.org", "password": PASSWORD})
    html = client.get(reverse("notifications:list")).content.decode()

    assert client.session[SESSION_KEY] == "Asia/Tokyo"
    assert "20 November 2026, 09:00" in html  # midnight UTC is 09:00 in Tokyo


def test_without_a_profile_times_are_utc(client, mentor_ben):
    _notification_at(mentor_ben, datetime(2026, 11, 20, 0, 0, tzinfo=UTC))
    client.force_login(mentor_ben)

    html = client.get(reverse("notifications:list")).content.decode()

    assert "20 November 2026, 00:00" in html


def test_an_old_session_without_the_zone_reads_it_once(
    client, mentee_ana, django_assert_num_queries
):
    Profile.objects.create(user=mentee_ana, time_zone="America/Los_Angeles")
    client.force_login(mentee_ana)
    session = client.session
    del session[SESSION_KEY]
    session.save()

    client.get(reverse("notifications:list"))

    assert client.session[SESSION_KEY] == "America/Los_Angeles"
