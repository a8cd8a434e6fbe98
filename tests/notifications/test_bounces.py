"""A permanent bounce flags the address: later emails to it are cancelled unsent (account
emails still go) until staff clear it in the admin."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from django.urls import reverse
from django.utils import timezone

from mentorship.notifications import services
from mentorship.notifications.models import BouncedAddress, Notification
from profiles.models import User

Status = Notification.Status
SEND = "django.core.mail.EmailMultiAlternatives.send"
NO_SUCH_USER = smtplib.SMTPRecipientsRefused(
    {"ana@example.org": (550, b"5.1.1 <ana@example.org>: Recipient address rejected")}
)


def _welcome(user: User, n: int = 1) -> Notification:
    return services.notify(
        recipient=user,
        kind="welcome",
        key=f"welcome:{user.pk}:{n}",
        context={"name": user.display_name},
        url="/dashboard/",
    )


def _bounce_ana(mentee_ana: User) -> Notification:
    first = _welcome(mentee_ana)
    with mock.patch(SEND, side_effect=NO_SUCH_USER):
        assert services.deliver_notification(notification_id=first.pk).status == Status.FAILED
    return first


def test_after_a_550_the_next_email_to_the_address_is_cancelled_unsent(mentee_ana, mailoutbox):
    first = _bounce_ana(mentee_ana)
    assert BouncedAddress.objects.get().notification == first

    second = _welcome(mentee_ana, n=2)
    with mock.patch(SEND) as send:
        outcome = services.deliver_notification(notification_id=second.pk)

    send.assert_not_called()
    assert outcome.status == Status.CANCELLED
    second.refresh_from_db()
    assert second.status == Status.CANCELLED
    assert second.last_error.startswith("Not sent: ana@example.org bounced on ")
    assert "Recipient address rejected" in second.last_error
    # Cancelled, not failed nor pending: a sweep hours later sends nothing.
    with time_machine.travel(timezone.now() + timedelta(hours=5)):
        assert services.sweep_notifications().attempted == 0
    assert mailoutbox == []


def test_other_people_are_still_emailed(mentee_ana, mentor_ben, mailoutbox):
    _bounce_ana(mentee_ana)
    row = _welcome(mentor_ben)
    assert services.deliver_notification(notification_id=row.pk).status == Status.SENT
    assert [email.to for email in mailoutbox] == [["ben@example.org"]]


def test_the_flag_ignores_the_case_of_the_address(mentee_ana, mailoutbox):
    _bounce_ana(mentee_ana)
    User.objects.filter(pk=mentee_ana.pk).update(email="Ana@Example.ORG")
    ana = User.objects.get(pk=mentee_ana.pk)

    row = _welcome(ana, n=2)
    assert services.deliver_notification(notification_id=row.pk).status == Status.CANCELLED
    assert mailoutbox == []


def test_account_emails_still_go_to_a_flagged_address(mentee_ana, mailoutbox):
    _bounce_ana(mentee_ana)

    reset = services.send_account_email(
        to="ana@example.org", subject="Password reset", body="Reset: https://x/key/"
    )

    assert services.deliver_notification(notification_id=reset.pk).status == Status.SENT
    assert [email.subject for email in mailoutbox] == ["Password reset"]


def test_retries_used_up_on_a_transient_error_fail_the_row_but_flag_nothing(mentee_ana, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 1
    row = _welcome(mentee_ana)
    with mock.patch(SEND, side_effect=smtplib.SMTPResponseException(450, b"mailbox busy")):
        assert services.deliver_notification(notification_id=row.pk).status == Status.FAILED
    assert not BouncedAddress.objects.exists()


def test_a_bug_in_our_own_code_fails_the_row_without_blaming_the_address(mentee_ana):
    row = _welcome(mentee_ana)
    with mock.patch(SEND, side_effect=ValueError("a bug")):
        assert services.deliver_notification(notification_id=row.pk).status == Status.FAILED
    assert not BouncedAddress.objects.exists()


@pytest.mark.parametrize(
    ("error", "bounce"),
    [
        (NO_SUCH_USER, True),
        (smtplib.SMTPRecipientsRefused({"a@b.c": (550, b"no such user")}), True),
        (smtplib.SMTPRecipientsRefused({"a@b.c": (553, b"mailbox name not allowed")}), True),
        (smtplib.SMTPRecipientsRefused({"a@b.c": (552, b"5.2.2 mailbox full")}), True),
        (smtplib.SMTPRecipientsRefused({"a@b.c": (450, b"4.2.1 try later")}), False),
        # Our relay refusing to relay, or a spam verdict: every address would fail alike.
        (smtplib.SMTPRecipientsRefused({"a@b.c": (550, b"5.7.1 Relaying denied")}), False),
        (smtplib.SMTPDataError(554, b"5.7.1 Message rejected as spam"), False),
        (smtplib.SMTPDataError(554, b"Transaction failed"), False),
        (smtplib.SMTPDataError(550, b"5.1.1 user unknown"), True),
        (smtplib.SMTPSenderRefused(550, b"5.1.0 sender rejected", "noreply@x"), False),
        (smtplib.SMTPAuthenticationError(535, b"5.7.8 bad credentials"), False),
        (AnymailAPIError("invalid recipient", status_code=400), True),
        (AnymailAPIError("unprocessable", status_code=422), True),
        (AnymailAPIError("bad API key", status_code=401), False),
        (AnymailAPIError("domain not found", status_code=404), False),
        (AnymailAPIError("provider down", status_code=503), False),
        (AnymailAPIError("slow down", status_code=429), False),
        (AnymailRecipientsRefused("all recipients rejected"), True),
        (ValueError("a bug"), False),
    ],
)
def test_which_errors_flag_the_address(error, bounce):
    assert services._is_bounce(error) is bounce


# --- The admin ---------------------------------------------------------------------------


def test_staff_see_flagged_addresses_read_only_and_clear_one(
    client, admin_cy, mentee_ana, mailoutbox
):
    _bounce_ana(mentee_ana)
    flag = BouncedAddress.objects.get()
    client.force_login(admin_cy)
    changelist = reverse("admin:notifications_bouncedaddress_changelist")

    listing = client.get(changelist)
    detail = client.get(reverse("admin:notifications_bouncedaddress_change", args=[flag.pk]))
    client.post(
        reverse("admin:notifications_bouncedaddress_change", args=[flag.pk]),
        {"email": "someone@else.example", "reason": "edited"},
    )
    add = client.get(reverse("admin:notifications_bouncedaddress_add"))

    html = listing.content.decode()
    assert listing.status_code == 200
    assert "ana@example.org" in html
    assert 'value="clear_selected"' in html
    assert 'value="delete_selected"' not in html
    assert detail.status_code == 200
    assert 'name="email"' not in detail.content.decode()  # shown, not editable
    assert add.status_code == 403
    flag.refresh_from_db()
    assert flag.email == "ana@example.org"

    response = client.post(
        changelist, {"action": "clear_selected", "_selected_action": [str(flag.pk)]}
    )

    assert response.status_code == 302
    assert not BouncedAddress.objects.exists()
    row = _welcome(mentee_ana, n=3)
    assert services.deliver_notification(notification_id=row.pk).status == Status.SENT
    assert len(mailoutbox) == 1
