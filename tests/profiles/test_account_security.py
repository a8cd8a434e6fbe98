"""Account security: brute force, sessions, deactivation and a second factor for staff."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal import auth as totp
from django.conf import settings
from django.contrib.sessions.models import Session as StoredSession
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from profiles.models import User
from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LOCKED = "Too many failed login attempts"


def log_in(client: Client, email: str, password: str = PASSWORD, ip: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip
    )


def test_the_limits_live_in_the_shared_cache_not_in_one_process() -> None:
    """Counted per account and per address in the cache every process shares (the
    database by default, Redis with CACHE_URL): a second web worker sees them too."""
    assert "/ip" in settings.ACCOUNT_RATE_LIMITS["login_failed"]
    assert "/key" in settings.ACCOUNT_RATE_LIMITS["login_failed"]
    script = "import django; django.setup(); from django.core.cache import caches; "
    script += "print(type(caches['default']).__name__)"
    for url, backend in ((None, "DatabaseCache"), ("redis://127.0.0.1:6379/0", "RedisCache")):
        env = {k: v for k, v in os.environ.items() if k != "CACHE_URL"}
        if url:
            env["CACHE_URL"] = url
        result = subprocess.run(
            [sys.executable, "-c", script],
            env={**env, "DJANGO_SETTINGS_MODULE": "mentorship.settings"},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == backend


def test_a_lockout_is_in_the_cache_and_clearing_it_lets_the_person_in(client, mentee_ana) -> None:
    for _ in range(5):
        log_in(client, "ana@example.org", "wrong-password")
    assert LOCKED in log_in(client, "ana@example.org").content.decode()
    caches["default"].clear()  # what support does for someone locked out by an attacker
    assert log_in(client, "ana@example.org").status_code == 302


def test_one_account_is_locked_after_five_failures_from_any_address(client, mentee_ana) -> None:
    for n in range(5):
        log_in(client, "ana@example.org", "wrong-password", ip=f"10.0.1.{n}")
    # The right password from yet another address still waits out the window...
    locked = log_in(client, "ana@example.org", ip="10.0.2.1")
    assert locked.status_code == 200
    assert LOCKED in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # ...while another account is untouched.
    UserFactory(email="ben@example.org")
    assert log_in(Client(), "ben@example.org", ip="10.0.2.1").status_code == 302


def test_one_address_is_locked_after_ten_failures_on_any_accounts(client, db) -> None:
    UserFactory(email="ana@example.org")
    for n in range(10):
        log_in(client, f"guess{n}@example.org", "wrong-password", ip="10.9.9.9")
    from_there = log_in(Client(), "ana@example.org", ip="10.9.9.9")
    assert LOCKED in from_there.content.decode()
    from_elsewhere = log_in(Client(), "ana@example.org", ip="10.9.9.10")
    assert from_elsewhere.status_code == 302


def test_a_locked_account_opens_again_after_the_window(client, mentee_ana) -> None:
    for _ in range(5):
        log_in(client, "ana@example.org", "wrong-password")
    assert LOCKED in log_in(client, "ana@example.org").content.decode()
    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        response = log_in(client, "ana@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_signing_up_with_a_long_passphrase_works_and_a_short_one_does_not(client, db) -> None:
    short = client.post(
        reverse("account_signup"),
        {"name": "Ana", "email": "ana@example.org", "password1": "ab12", "password2": "ab12"},
    )
    assert short.status_code == 200
    assert not User.objects.exists()
    phrase = "the mentor I want writes code reviews that teach"
    long = client.post(
        reverse("account_signup"),
        {"name": "Ana", "email": "ana@example.org", "password1": phrase, "password2": phrase},
    )
    assert long.status_code == 302
    assert User.objects.get().check_password(phrase)


def test_the_session_key_changes_at_log_in_and_dies_at_log_out(client, mentee_ana) -> None:
    session = client.session
    session["seen_landing"] = True
    session.save()
    before = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = before
    assert log_in(client, "ana@example.org").status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not StoredSession.objects.filter(session_key=before).exists()
    client.post(reverse("account_logout"))
    assert not StoredSession.objects.filter(session_key=after).exists()
    # The old cookie opens nothing.
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = after
    assert replay.get(reverse("dashboard")).status_code == 302


def test_changing_the_password_ends_the_other_sessions_but_not_this_one(mentee_ana) -> None:
    here, elsewhere = Client(), Client()
    log_in(here, "ana@example.org")
    log_in(elsewhere, "ana@example.org", ip="10.0.0.2")
    assert elsewhere.get(reverse("dashboard")).status_code == 200
    phrase = "a different and much longer passphrase"
    changed = here.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": phrase, "password2": phrase},
    )
    assert changed.status_code == 302
    assert here.get(reverse("dashboard")).status_code == 200
    thrown_out = elsewhere.get(reverse("dashboard"))
    assert thrown_out.status_code == 302
    assert reverse("account_login") in thrown_out["Location"]


def test_a_deactivated_person_is_logged_out_on_their_next_request(client, mentee_ana) -> None:
    log_in(client, "ana@example.org")
    token = Token.objects.create(user=mentee_ana)
    assert client.get(reverse("dashboard")).status_code == 200
    User.objects.filter(pk=mentee_ana.pk).update(is_active=False)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/me/").status_code == 401
    # Nor can they log in again.
    again = log_in(Client(), "ana@example.org")
    assert again.status_code in (200, 302)
    assert reverse("dashboard") not in again.get("Location", "")


def current_code(secret: str) -> str:
    counter = next(iter(totp.yield_hotp_counters_from_time()))
    return totp.format_hotp_value(totp.hotp_value(secret, counter))


def enrol_totp(client: Client) -> str:
    """Through the pages: confirm the password, scan the code, type a code back."""
    asked = client.get(reverse("mfa_activate_totp"))
    assert asked.status_code == 302
    assert reverse("account_reauthenticate") in asked["Location"]
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert "data:image/svg+xml" in page.content.decode()  # the QR code to scan
    secret = page.context["form"].secret
    done = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert done.status_code == 302, done.content
    return secret


def test_a_person_enrols_an_authenticator_and_then_logs_in_with_a_code(mentee_ana) -> None:
    # A second factor needs a verified address (allauth refuses it otherwise).
    EmailAddress.objects.create(
        user=mentee_ana, email=mentee_ana.email, primary=True, verified=True
    )
    client = Client()
    log_in(client, "ana@example.org")
    assert "Two-factor authentication" in client.get(reverse("account_email")).content.decode()
    secret = enrol_totp(client)
    assert Authenticator.objects.filter(user=mentee_ana, type="totp").exists()
    client.post(reverse("account_logout"))
    # The password alone is no longer enough...
    first = log_in(client, "ana@example.org")
    assert first["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("dashboard")).status_code == 302
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    # ...the code from the app is.
    with time_machine.travel(timezone.now() + timedelta(seconds=31), tick=False):
        done = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert done.status_code == 302
    assert done["Location"] == reverse("dashboard")


@pytest.fixture
def staff_required(settings) -> None:  # type: ignore[no-untyped-def]
    settings.MFA_REQUIRED_FOR_STAFF = True


def test_when_required_staff_without_a_second_factor_are_sent_to_enrol(
    client, admin_cy, staff_required
) -> None:
    log_in(client, "cy@example.org")
    for path in ("/admin/", "/admin/matching/program/", "/staff/reports/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == reverse("mfa_activate_totp"), path
    # The rest of the site stays open, and so does the enrolment; then the admin opens.
    assert client.get(reverse("dashboard")).status_code == 200
    enrol_totp(client)
    assert client.get("/admin/").status_code == 200


def test_when_required_staff_with_a_second_factor_reach_the_admin(
    client, admin_cy, staff_required
) -> None:
    Authenticator.objects.create(user=admin_cy, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(admin_cy)
    assert client.get("/admin/").status_code == 200


def test_the_requirement_leaves_people_who_are_not_staff_alone(
    client, mentee_ana, staff_required
) -> None:
    client.force_login(mentee_ana)
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.get("/admin/").status_code == 302  # to log in as staff, as before
