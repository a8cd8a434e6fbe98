"""Accounts: email is the login, allauth pages, admin log-in through allauth."""

from __future__ import annotations

import re
import smtplib
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from mentorship.notifications.models import Notification
from mentorship.notifications.services import sweep_notifications
from profiles.models import User
from tests.conftest import PASSWORD

SIGNUP = {
    "name": "Ana Silva",
    "email": "Ana@Example.org",
    "password1": "a long passphrase here",
    "password2": "a long passphrase here",
}


def test_signup_creates_the_person_signs_them_in_and_welcomes_them_once(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 302
    assert response["Location"] == reverse("profiles:onboarding_roles")  # onboarding first
    user = User.objects.get()
    assert (user.email, user.name) == ("ana@example.org", "Ana Silva")
    kinds = sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))
    assert kinds == ["account", "welcome"]  # the welcome, and "confirm your address"
    assert len(callbacks) == 2  # each delivery published once, after commit
    assert client.get(reverse("dashboard")).status_code == 200


def test_signup_with_a_taken_email_re_shows_the_form_with_what_was_typed(client, mentee_ana):
    response = client.post(reverse("account_signup"), {**SIGNUP, "email": "ANA@example.org"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Ana Silva"' in html
    assert User.objects.count() == 1


def test_signup_refuses_short_and_common_passwords(client, db):
    response = client.post(
        reverse("account_signup"), {**SIGNUP, "password1": "password", "password2": "password"}
    )

    assert response.status_code == 200
    assert not User.objects.exists()
    assert "too common" in response.content.decode() or "too short" in response.content.decode()


def test_login_by_email_in_any_case(client, mentee_ana):
    response = client.post(
        reverse("account_login"), {"login": "ANA@EXAMPLE.ORG", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_a_wrong_password_is_refused_without_revealing_whether_the_account_exists(
    client, mentee_ana
):
    wrong = client.post(reverse("account_login"), {"login": "ana@example.org", "password": "x"})
    unknown = client.post(
        reverse("account_login"), {"login": "nobody@example.org", "password": "x"}
    )

    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].errors == unknown.context["form"].errors


def test_repeated_failed_logins_are_rate_limited(client, mentee_ana):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "ana@example.org", "password": "x"})

    response = client.post(
        reverse("account_login"), {"login": "ana@example.org", "password": PASSWORD}
    )

    assert response.status_code == 200  # even the right password waits out the window
    assert "Too many failed login attempts" in response.content.decode()


def test_password_reset_does_not_reveal_accounts(client, mentee_ana, mailoutbox):
    known = client.post(reverse("account_reset_password"), {"email": "ana@example.org"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    sweep_notifications()
    # Both addresses get an email; the unknown one is told no account exists.
    by_address = {email.to[0]: email for email in mailoutbox}
    assert set(by_address) == {"ana@example.org", "nobody@example.org"}
    assert "/accounts/password/reset/key/" in by_address["ana@example.org"].body
    assert "/accounts/password/reset/key/" not in by_address["nobody@example.org"].body


def test_account_emails_go_through_the_outbox_but_not_the_in_app_list(
    client, mentee_ana, mailoutbox
):
    client.post(reverse("account_reset_password"), {"email": "ana@example.org"})

    row = Notification.objects.get(kind="account")
    assert (row.recipient, row.email, row.in_app) == (mentee_ana, "ana@example.org", False)
    assert mailoutbox == []  # nothing is sent inside the request
    sweep_notifications()
    assert len(mailoutbox) == 1
    client.force_login(mentee_ana)
    assert "Password Reset" not in client.get(reverse("notifications:list")).content.decode()
    assert client.get(reverse("notifications:read", args=[row.pk])).status_code == 405
    assert client.post(reverse("notifications:read", args=[row.pk])).status_code == 404


def test_sign_up_succeeds_while_the_mail_server_is_down(client, db, settings, mailoutbox):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    down = smtplib.SMTPConnectError(421, b"mail server unavailable")

    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=down):
        response = client.post(reverse("account_signup"), SIGNUP)
        sweep_notifications()

    assert response.status_code == 302
    confirmation = Notification.objects.get(kind="account")
    assert confirmation.status == Notification.Status.PENDING
    assert "SMTPConnectError" in confirmation.last_error
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        sweep_notifications()
    assert [email.to for email in mailoutbox if "Confirm" in email.subject] == [["ana@example.org"]]


def test_the_dashboard_needs_log_in(client, db):
    response = client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/dashboard/"


def test_the_landing_page_sends_signed_in_people_to_the_dashboard(client, mentee_ana):
    assert client.get("/").status_code == 200
    client.force_login(mentee_ana)
    assert client.get("/")["Location"] == reverse("dashboard")


def test_admin_login_goes_through_allauth(client, db):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_admin_refuses_people_who_are_not_staff(client, mentee_ana):
    client.force_login(mentee_ana)

    assert client.get("/admin/login/").status_code == 403
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_the_admin_works_for_staff(client, admin_cy, mentee_ana):
    client.force_login(admin_cy)

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/profiles/user/?q=ana").status_code == 200
    assert client.get("/admin/notifications/notification/").status_code == 200


def test_email_verification_can_be_made_mandatory(client, db, settings, mailoutbox):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"

    response = client.post(reverse("account_signup"), SIGNUP)

    assert response["Location"] == reverse("account_email_verification_sent")
    assert not EmailAddress.objects.get().verified
    assert client.get(reverse("dashboard")).status_code == 302
    sweep_notifications()
    [confirmation] = [email for email in mailoutbox if "Confirm" in email.subject]
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", confirmation.body)
    assert link is not None
    assert client.post(link.group(1)).status_code == 302
    assert EmailAddress.objects.get().verified


@pytest.mark.parametrize("email", ["", "   "])
def test_the_manager_requires_an_email(db, email):
    with pytest.raises(ValueError, match="email address is required"):
        User.objects.create_user(email=email.strip())


def test_display_name_falls_back_to_the_email(db):
    user = User.objects.create_user(email="Kim@Example.org", password=PASSWORD)

    assert user.email == "kim@example.org"
    assert user.display_name == str(user) == "kim"
    superuser = User.objects.create_superuser(email="root@example.org", password=PASSWORD)
    assert superuser.is_staff
    assert superuser.is_superuser


def test_with_mandatory_verification_sign_up_does_not_reveal_accounts(
    client, mentee_ana, settings, mailoutbox
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"

    taken = client.post(reverse("account_signup"), {**SIGNUP, "email": "ana@example.org"})
    client.logout()
    new = client.post(reverse("account_signup"), {**SIGNUP, "email": "new@example.org"})

    assert taken.status_code == new.status_code == 302
    assert taken["Location"] == new["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email="ana@example.org").get() == mentee_ana
    sweep_notifications()
    to_ana = [email for email in mailoutbox if email.to == ["ana@example.org"]]
    assert len(to_ana) == 1  # the owner is told someone tried to sign up as them
    assert "already" in to_ana[0].body.lower()
