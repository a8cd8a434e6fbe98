"""Email frequency: at once, a daily digest at 08:00 local, or only essentials; nothing lost."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from mentorship.notifications import services
from mentorship.notifications.models import Notification
from profiles.models import Profile, User
from tests.factories import UserFactory

Status = Notification.Status

# Monday 2 March 2026, 00:30 UTC: 09:30 in Tokyo, 16:30 on Sunday in Los Angeles (UTC-8).
START = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _prefer(user: User, frequency: str, zone: str = "UTC") -> None:
    Profile.objects.update_or_create(
        user=user, defaults={"email_frequency": frequency, "time_zone": zone}
    )


def _tell(user: User, n: int = 1) -> Notification:
    """A non-essential notification (an anniversary), one per n."""
    return services.notify(
        recipient=user,
        kind="anniversary",
        key=f"test:anniversary:{user.pk}:{n}",
        context={
            "other_name": "Ben Okafor",
            "other_short": "Ben",
            "months": n + 1,
            "started_on": "02 March 2026",
        },
        url="/notifications/",
    )


def _welcome(user: User, n: int = 1) -> Notification:
    return services.notify(
        recipient=user,
        kind="welcome",
        key=f"welcome:{user.pk}:{n}",
        context={"name": user.display_name},
        url="/dashboard/",
    )


def _essential(user: User, n: int = 1) -> Notification:
    return services.notify(
        recipient=user,
        kind="request_accepted",
        key=f"accepted:{user.pk}:{n}",
        context={"mentor_name": "Ben Okafor", "mentor_short": "Ben", "subject": "Hello"},
        url="/notifications/",
    )


def _digests(user: User) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind="digest").order_by("key"))


# --- notify() -------------------------------------------------------------------------------


def test_immediately_sends_everything_at_once(mentee_ana, django_capture_on_commit_callbacks):
    _prefer(mentee_ana, "immediately")
    with django_capture_on_commit_callbacks() as callbacks:
        row = _welcome(mentee_ana)
    assert row.status == Status.PENDING
    assert len(callbacks) == 1


def test_a_daily_digest_person_has_non_essential_mail_held(
    mentee_ana, django_capture_on_commit_callbacks
):
    _prefer(mentee_ana, "daily")
    with django_capture_on_commit_callbacks() as callbacks:
        held = _welcome(mentee_ana)
        essential = _essential(mentee_ana)

    assert held.status == Status.HELD
    assert held.send_email is True
    assert held.sent_at is None
    # Only the essential one is published; the held one waits for the digest.
    assert essential.status == Status.PENDING
    assert len(callbacks) == 1
    # A held row is not picked up by the outbox sweep.
    assert list(Notification.objects.due(timezone.now() + timedelta(days=9))) == [essential]


def test_only_essentials_keeps_the_rest_in_the_app(
    mentee_ana, mailoutbox, django_capture_on_commit_callbacks
):
    _prefer(mentee_ana, "essentials")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        in_app = _welcome(mentee_ana)
        essential = _essential(mentee_ana)

    assert (in_app.status, in_app.send_email) == (Status.SENT, False)
    assert in_app.sent_at is not None
    assert essential.status == Status.PENDING
    assert len(callbacks) == 1
    services.sweep_notifications()
    assert [email.subject for email in mailoutbox] == [essential.subject]


def test_a_profile_loaded_with_the_user_costs_no_query(mentee_ana, django_assert_num_queries):
    _prefer(mentee_ana, "daily")
    ana = User.objects.select_related("profile").get(pk=mentee_ana.pk)
    # The notification's get (SELECT) and create (savepoint, INSERT, release).
    with django_assert_num_queries(4):
        assert _welcome(ana).status == Status.HELD


def test_a_person_without_a_profile_is_emailed_immediately(db):
    person = UserFactory()
    assert not Profile.objects.filter(user=person).exists()
    assert _welcome(person).status == Status.PENDING


# --- The digest -------------------------------------------------------------------------------


def test_tokyo_and_los_angeles_get_their_digest_at_eight_local(clock, mentee_ana, mentor_ben):
    _prefer(mentee_ana, "daily", "Asia/Tokyo")
    _prefer(mentor_ben, "daily", "America/Los_Angeles")
    # Monday 15:10 UTC: 00:10 on Tuesday in Tokyo, 07:10 on Monday in Los Angeles.
    clock.move_to(datetime(2026, 3, 2, 15, 10, tzinfo=UTC))
    for n in range(3):
        _tell(mentee_ana, n=n)
        _tell(mentor_ben, n=n)

    sent_at: dict[int, list[datetime]] = {mentee_ana.pk: [], mentor_ben.pk: []}
    # Hourly, on the hour, for two days from Monday 16:00 UTC.
    for hour in range(48):
        moment = datetime(2026, 3, 2, 16, 0, tzinfo=UTC) + timedelta(hours=hour)
        clock.move_to(moment)
        services.send_digests()
        for person in (mentee_ana, mentor_ben):
            if len(_digests(person)) > len(sent_at[person.pk]):
                sent_at[person.pk].append(moment)

    # 08:00 on Tuesday in Tokyo is 23:00 UTC on Monday; 08:00 Monday in LA is 16:00 UTC.
    assert sent_at[mentee_ana.pk] == [datetime(2026, 3, 2, 23, 0, tzinfo=UTC)]
    assert sent_at[mentor_ben.pk] == [datetime(2026, 3, 2, 16, 0, tzinfo=UTC)]
    (ana_digest,) = _digests(mentee_ana)
    assert ana_digest.key == f"digest:{mentee_ana.pk}:2026-03-03"
    assert ana_digest.subject == "Your mentoring day: 3 updates"
    assert ana_digest.status == Status.PENDING
    assert [item["subject"] for item in ana_digest.context["items"]] == [
        _tell(mentee_ana, n=n).subject for n in range(3)
    ]
    assert ana_digest.context["items"][0]["url"] == f"{settings.SITE_URL}/notifications/"
    assert not Notification.objects.filter(status=Status.HELD).exists()
    assert Notification.objects.filter(kind="anniversary", status=Status.SENT).count() == 6


def test_the_digest_email_lists_each_item_with_its_link(clock, mentee_ana, mailoutbox):
    _prefer(mentee_ana, "daily", "UTC")
    first = _tell(mentee_ana, n=1)
    _welcome(mentee_ana)
    clock.move_to(START.replace(hour=8, minute=0))
    assert services.send_digests().digests == 1

    (digest,) = _digests(mentee_ana)
    services.deliver_notification(notification_id=digest.pk)
    (email,) = mailoutbox
    assert email.subject == "Your mentoring day: 2 updates"
    assert first.subject in email.body
    html = email.alternatives[0][0]
    assert first.subject in html
    assert "/profile/email/" in html


def test_a_digest_is_never_sent_twice_and_late_items_wait_for_tomorrow(clock, mentee_ana):
    _prefer(mentee_ana, "daily", "UTC")
    _tell(mentee_ana, n=1)
    clock.move_to(START.replace(hour=8, minute=0))
    services.send_digests()
    services.send_digests()

    clock.move_to(START.replace(hour=9, minute=0))
    late = _tell(mentee_ana, n=2)
    result = services.send_digests()
    assert result.digests == 0
    assert Notification.objects.get(pk=late.pk).status == Status.HELD
    assert len(_digests(mentee_ana)) == 1

    clock.move_to(START.replace(hour=7, minute=0) + timedelta(days=1))
    services.send_digests()
    assert len(_digests(mentee_ana)) == 1
    clock.move_to(START.replace(hour=8, minute=0) + timedelta(days=1))
    services.send_digests()
    digests = _digests(mentee_ana)
    assert [d.key for d in digests] == [
        f"digest:{mentee_ana.pk}:2026-03-02",
        f"digest:{mentee_ana.pk}:2026-03-03",
    ]
    assert digests[1].context["ids"] == [late.pk]
    assert digests[1].subject == "Your mentoring day: 1 update"


def test_nothing_held_means_no_digest(clock, mentee_ana):
    _prefer(mentee_ana, "daily", "UTC")
    clock.move_to(START.replace(hour=8, minute=0))
    assert services.send_digests().digests == 0
    assert _digests(mentee_ana) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_overlapping_digest_runs_neither_repeat_nor_drop_an_item():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL) for real row locks")
    people = [UserFactory() for _ in range(3)]
    with time_machine.travel(START, tick=False):
        for person in people:
            _prefer(person, "daily", "UTC")
            for n in range(5):
                _tell(person, n=n)
    now = START.replace(hour=8, minute=0)
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def run() -> None:
        barrier.wait()
        try:
            services.send_digests(now=now)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    for person in people:
        (digest,) = _digests(person)
        held = Notification.objects.filter(recipient=person).exclude(kind="digest")
        # Every item is in exactly the one digest, and marked sent.
        assert sorted(digest.context["ids"]) == sorted(held.values_list("id", flat=True))
        assert set(held.values_list("status", flat=True)) == {Status.SENT}


# --- Changing the preference ----------------------------------------------------------------


def test_switching_back_to_immediately_releases_what_was_held(
    mentee_ana, django_capture_on_commit_callbacks
):
    from profiles.services import set_email_frequency

    _prefer(mentee_ana, "daily")
    held = [_tell(mentee_ana, n=n) for n in range(3)]
    with django_capture_on_commit_callbacks() as callbacks:
        set_email_frequency(user=mentee_ana, frequency="immediately")

    assert len(callbacks) == 3
    for row in held:
        row.refresh_from_db()
        assert row.status == Status.PENDING
    assert Profile.objects.get(user=mentee_ana).email_frequency == "immediately"


def test_switching_to_essentials_keeps_held_items_in_the_app_only(mentee_ana, mailoutbox):
    from profiles.services import set_email_frequency

    _prefer(mentee_ana, "daily")
    held = _tell(mentee_ana)
    set_email_frequency(user=mentee_ana, frequency="essentials")

    held.refresh_from_db()
    assert (held.status, held.send_email) == (Status.SENT, False)
    services.sweep_notifications()
    assert mailoutbox == []


def test_an_unknown_frequency_is_refused(mentee_ana):
    from mentorship.exceptions import RuleViolation
    from profiles.services import set_email_frequency

    with pytest.raises(RuleViolation):
        set_email_frequency(user=mentee_ana, frequency="hourly")


# --- The settings page and the API ---------------------------------------------------------


def test_the_email_settings_page_explains_and_saves_the_choice(client, mentee_ana):
    _prefer(mentee_ana, "daily")
    held = _tell(mentee_ana)
    client.force_login(mentee_ana)

    page = client.get("/profile/email/")
    html = page.content.decode()
    assert page.status_code == 200
    for text in ("Immediately", "A daily digest", "08:00 your time", "Only essentials"):
        assert text in html
    assert re.search(r'value="daily"[^>]*checked', html)
    assert not re.search(r'value="immediately"[^>]*checked', html)
    assert 'href="/profile/email/" aria-current="page"' in html

    response = client.post("/profile/email/", {"email_frequency": "immediately"}, follow=True)
    assert response.redirect_chain == [("/profile/email/", 302)]
    assert "Your email settings are saved." in response.content.decode()
    assert Profile.objects.get(user=mentee_ana).email_frequency == "immediately"
    held.refresh_from_db()
    assert held.status == Status.PENDING


def test_the_email_settings_page_reshows_a_bad_choice(client, mentee_ana):
    _prefer(mentee_ana, "essentials")
    client.force_login(mentee_ana)
    response = client.post("/profile/email/", {"email_frequency": "hourly"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Profile.objects.get(user=mentee_ana).email_frequency == "essentials"


def test_the_email_settings_page_needs_a_login(client, db):
    response = client.get("/profile/email/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_notifications_page_links_to_email_settings(client, mentee_ana):
    client.force_login(mentee_ana)
    assert 'href="/profile/email/"' in client.get("/notifications/").content.decode()


def test_the_api_reads_and_writes_email_frequency(mentee_ana):
    _prefer(mentee_ana, "daily")
    held = _tell(mentee_ana)
    api = APIClient()
    api.force_authenticate(mentee_ana)

    assert api.get("/api/v1/me/").json()["profile"]["email_frequency"] == "daily"
    response = api.patch(
        "/api/v1/me/", {"profile": {"email_frequency": "essentials"}}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["profile"]["email_frequency"] == "essentials"
    held.refresh_from_db()
    assert (held.status, held.send_email) == (Status.SENT, False)

    bad = api.patch("/api/v1/me/", {"profile": {"email_frequency": "hourly"}}, format="json")
    assert bad.status_code == 400
    assert "email_frequency" in bad.json()["profile"]
