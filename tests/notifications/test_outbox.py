"""The outbox: one row per logical message, at most one email per row, never lost."""

from __future__ import annotations

import smtplib
import ssl
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from anymail.exceptions import AnymailAPIError
from django.db import transaction
from django.utils import timezone

from mentorship.notifications import services
from mentorship.notifications.models import BouncedAddress, Notification
from profiles.models import User

Status = Notification.Status
SEND = "django.core.mail.EmailMultiAlternatives.send"


def _welcome(user: User, **kwargs: object) -> Notification:
    return services.notify(
        recipient=user,
        kind="welcome",
        key=f"welcome:{user.pk}",
        context={"name": user.display_name},
        url="/dashboard/",
        **kwargs,  # type: ignore[arg-type]
    )


def test_creating_twice_gives_one_row(mentee_ana, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = _welcome(mentee_ana)
        second = _welcome(mentee_ana)

    assert first.pk == second.pk
    assert Notification.objects.filter(key=f"welcome:{mentee_ana.pk}").count() == 1
    # Only the first creation publishes a delivery.
    assert len(callbacks) == 1


def test_subject_and_body_are_rendered_from_the_kinds_templates(mentee_ana):
    notification = _welcome(mentee_ana)

    assert notification.subject == "Welcome to Mentorship, Ana Silva"
    assert "Good mentoring starts with a destination" in notification.body
    # The in-app text has no raw address: the item links itself.
    assert "http" not in notification.body
    assert notification.status == Status.PENDING


def test_plain_text_is_not_html_escaped_but_the_html_body_is(db, mailoutbox):
    from tests.factories import UserFactory

    person = UserFactory(name='Tom & "Jerry" <script>alert(1)</script>')
    notification = _welcome(person)
    services.deliver_notification(notification_id=notification.pk)

    assert notification.subject == 'Welcome to Mentorship, Tom & "Jerry" <script>alert(1)</script>'
    html, mimetype = mailoutbox[0].alternatives[0]
    assert mimetype == "text/html"
    assert "<script>" not in html
    assert "Tom &amp; &quot;Jerry&quot; &lt;script&gt;" in html


def test_delivering_sends_one_email_with_text_html_and_a_stable_message_id(mentee_ana, mailoutbox):
    notification = _welcome(mentee_ana)

    outcome = services.deliver_notification(notification_id=notification.pk)

    assert outcome.status == Status.SENT
    [email] = mailoutbox
    assert email.to == ["ana@example.org"]
    assert email.subject == "Welcome to Mentorship, Ana Silva"
    assert "Good mentoring starts" in email.body
    # The link to the item, then (a non-essential kind) the unsubscribe footer.
    assert "\n\nhttp://127.0.0.1:8000/dashboard/\n\n--\nYou get these because" in email.body
    assert "Go to your dashboard" in email.alternatives[0][0]
    assert email.extra_headers["Message-ID"].endswith("@127.0.0.1>")
    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert notification.sent_at is not None
    assert notification.attempts == 1


def test_attachments_recorded_with_the_message_are_sent_with_the_email(mentee_ana, mailoutbox):
    invite = {"filename": "session.ics", "mimetype": "text/calendar", "content": "BEGIN:VCALENDAR"}
    notification = _welcome(mentee_ana, attachments=[invite])

    services.deliver_notification(notification_id=notification.pk)

    [email] = mailoutbox
    assert email.attachments == [("session.ics", "BEGIN:VCALENDAR", "text/calendar")]


def test_delivering_twice_sends_one_email(mentee_ana, mailoutbox):
    notification = _welcome(mentee_ana)

    services.deliver_notification(notification_id=notification.pk)
    second = services.deliver_notification(notification_id=notification.pk)

    assert second.status == "skipped"
    assert len(mailoutbox) == 1


def test_a_row_claimed_by_another_worker_is_not_sent_again(mentee_ana, mailoutbox):
    notification = _welcome(mentee_ana)
    Notification.objects.filter(pk=notification.pk).update(
        status=Status.SENDING, claimed_at=timezone.now()
    )

    assert services.deliver_notification(notification_id=notification.pk).status == "skipped"
    assert services.sweep_notifications().attempted == 0
    assert mailoutbox == []


def test_a_transient_smtp_error_retries_with_backoff_then_fails_keeping_the_error(
    mentee_ana, mailoutbox, settings
):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    settings.NOTIFICATION_RETRY_BACKOFF = [60, 300]
    start = timezone.now()
    error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    with time_machine.travel(start, tick=False) as clock, mock.patch(SEND, side_effect=error):
        notification = _welcome(mentee_ana)
        first = services.deliver_notification(notification_id=notification.pk)
        assert first == services.DeliveryOutcome(status=Status.PENDING, retry_in=60)
        notification.refresh_from_db()
        assert notification.scheduled_at == start + timedelta(seconds=60)
        assert "SMTPServerDisconnected" in notification.last_error

        # Not due yet: a sweep leaves it alone.
        assert services.sweep_notifications().attempted == 0

        clock.move_to(start + timedelta(seconds=61))
        second = services.deliver_notification(notification_id=notification.pk)
        assert second.retry_in == 300

        clock.move_to(start + timedelta(seconds=61 + 301))
        third = services.deliver_notification(notification_id=notification.pk)

    assert third.status == Status.FAILED
    notification.refresh_from_db()
    assert notification.status == Status.FAILED
    assert notification.attempts == 3
    assert notification.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert mailoutbox == []


def test_a_retry_that_succeeds_clears_the_error(mentee_ana, mailoutbox):
    notification = _welcome(mentee_ana)
    with mock.patch(SEND, side_effect=smtplib.SMTPResponseException(421, b"try later")):
        services.deliver_notification(notification_id=notification.pk)

    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        services.sweep_notifications()

    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert notification.last_error == ""
    assert notification.attempts == 2
    assert len(mailoutbox) == 1
    # "Try again later" says nothing against the address.
    assert not BouncedAddress.objects.exists()


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (smtplib.SMTPServerDisconnected("closed"), True),
        (ConnectionRefusedError(111, "refused"), True),
        (TimeoutError("timed out"), True),
        (smtplib.SMTPResponseException(451, b"greylisted"), True),
        (smtplib.SMTPResponseException(554, b"rejected"), False),
        (smtplib.SMTPRecipientsRefused({"a@b.c": (450, b"mailbox busy")}), True),
        (smtplib.SMTPRecipientsRefused({"a@b.c": (550, b"no such user")}), False),
        (AnymailAPIError("provider down", status_code=503), True),
        (AnymailAPIError("slow down", status_code=429), True),
        (AnymailAPIError("no connection"), True),
        (AnymailAPIError("bad request", status_code=400), False),
        (OSError(113, "No route to host"), True),
        (ssl.SSLError("bad record mac"), True),
        (ValueError("a bug"), False),
    ],
)
def test_transient_and_permanent_errors(error, transient):
    assert services._is_transient(error) is transient


def test_a_permanent_smtp_error_fails_at_once_and_flags_the_address(mentee_ana, mailoutbox):
    notification = _welcome(mentee_ana)
    refused = smtplib.SMTPRecipientsRefused({"ana@example.org": (550, b"no such user")})

    with mock.patch(SEND, side_effect=refused):
        outcome = services.deliver_notification(notification_id=notification.pk)

    assert outcome.status == Status.FAILED
    notification.refresh_from_db()
    assert notification.attempts == 1
    assert "SMTPRecipientsRefused" in notification.last_error
    # Not retried later, and the address is flagged (what follows: test_bounces.py).
    with time_machine.travel(timezone.now() + timedelta(hours=5)):
        assert services.sweep_notifications().attempted == 0
    [flag] = BouncedAddress.objects.all()
    assert (flag.email, flag.notification_id) == ("ana@example.org", notification.pk)
    assert "no such user" in flag.reason


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_no_row_and_sends_nothing(mailoutbox):
    from tests.factories import UserFactory

    person = UserFactory()

    def caller_that_fails_after_notifying() -> None:
        with transaction.atomic():
            _welcome(person)
            raise RuntimeError("the caller failed after notifying")

    with (
        mock.patch.object(services, "_publish_delivery") as publish,
        pytest.raises(RuntimeError),
    ):
        caller_that_fails_after_notifying()

    assert not Notification.objects.exists()
    publish.assert_not_called()
    assert services.sweep_notifications().attempted == 0
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_delivery_is_published_only_after_commit(mailoutbox):
    from tests.factories import UserFactory

    person = UserFactory()
    with mock.patch.object(services, "_publish_delivery") as publish:
        with transaction.atomic():
            notification = _welcome(person)
            publish.assert_not_called()
        publish.assert_called_once_with(notification.pk)


def test_a_notification_scheduled_for_later_waits_until_due(
    mentee_ana, mailoutbox, django_capture_on_commit_callbacks
):
    later = timezone.now() + timedelta(hours=3)
    with django_capture_on_commit_callbacks() as callbacks:
        _welcome(mentee_ana, scheduled_at=later)

    assert callbacks == []  # nothing to publish now; the sweep sends it when due
    assert services.sweep_notifications().attempted == 0
    with time_machine.travel(later + timedelta(seconds=1)):
        assert services.sweep_notifications().delivered == 1
    assert len(mailoutbox) == 1


def test_the_sweep_recovers_a_row_a_dead_worker_left_in_sending(mentee_ana, mailoutbox):
    notification = _welcome(mentee_ana)
    Notification.objects.filter(pk=notification.pk).update(
        status=Status.SENDING, claimed_at=timezone.now(), attempts=1
    )

    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        result = services.sweep_notifications()

    assert (result.recovered, result.delivered) == (1, 1)
    assert len(mailoutbox) == 1


def test_in_app_only_notifications_are_never_emailed(
    mentee_ana, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = _welcome(mentee_ana, send_email=False)

    assert notification.status == Status.SENT
    assert services.sweep_notifications().attempted == 0
    assert mailoutbox == []


def test_an_inactive_recipient_is_not_emailed(mentee_ana, mailoutbox):
    notification = _welcome(mentee_ana)
    User.objects.filter(pk=mentee_ana.pk).update(is_active=False)

    assert services.deliver_notification(notification_id=notification.pk).status == "cancelled"
    assert mailoutbox == []


def test_an_unknown_kind_is_refused(mentee_ana):
    with pytest.raises(ValueError, match="Unknown notification kind 'nope'"):
        services.notify(recipient=mentee_ana, kind="nope", key="k")


def test_admin_actions_retry_failed_and_cancel_pending(mentee_ana, mentor_ben, mailoutbox):
    failed = _welcome(mentee_ana)
    Notification.objects.filter(pk=failed.pk).update(status=Status.FAILED, attempts=5)
    pending = _welcome(mentor_ben)

    assert services.retry_notifications(notification_ids=[failed.pk, pending.pk]) == 1
    assert services.cancel_notifications(notification_ids=[pending.pk]) == 1
    services.sweep_notifications()

    assert [email.to for email in mailoutbox] == [["ana@example.org"]]


def test_account_email_text_is_cleared_once_sent(db, mailoutbox):
    row = services.send_account_email(
        to="ana@example.org",
        subject="Password reset",
        body="Reset: https://x/accounts/password/reset/key/secret/",
        html="<a>secret</a>",
    )

    services.deliver_notification(notification_id=row.pk)

    assert "secret" in mailoutbox[0].body
    row.refresh_from_db()
    assert (row.status, row.body, row.html_body) == (Status.SENT, "", "")
    assert services.retry_notifications(notification_ids=[row.pk]) == 0


def test_the_admin_never_edits_notifications_nor_shows_account_email_text(client, admin_cy):
    row = services.send_account_email(
        to="ana@example.org", subject="Password reset", body="reset key SECRET-KEY-123"
    )
    client.force_login(admin_cy)

    page = client.get(f"/admin/notifications/notification/{row.pk}/change/")
    client.post(
        f"/admin/notifications/notification/{row.pk}/change/",
        {"email": "attacker@evil.example", "status": "pending"},
    )

    assert page.status_code == 200
    assert "SECRET-KEY-123" not in page.content.decode()
    row.refresh_from_db()
    assert row.email == "ana@example.org"


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_notification_links_must_be_paths_on_this_site(mentee_ana, url):
    with pytest.raises(ValueError, match="paths on this site"):
        services.notify(
            recipient=mentee_ana, kind="welcome", key="k", url=url, context={"name": "Ana"}
        )


def test_a_message_that_stopped_its_worker_every_time_is_failed_not_retried_forever(
    mentee_ana, mailoutbox, settings
):
    notification = _welcome(mentee_ana)
    Notification.objects.filter(pk=notification.pk).update(
        status=Status.SENDING,
        claimed_at=timezone.now(),
        attempts=settings.NOTIFICATION_MAX_ATTEMPTS,
    )

    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        result = services.sweep_notifications()

    notification.refresh_from_db()
    assert (result.recovered, notification.status) == (0, Status.FAILED)
    assert "stopped while sending" in notification.last_error
    assert mailoutbox == []
