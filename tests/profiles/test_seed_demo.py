from __future__ import annotations

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.core.management.base import CommandError

from profiles.models import User


@pytest.fixture(autouse=True)
def _debug(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True  # demo data is for local runs (`make run` sets DEBUG)


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_creates_the_named_and_generated_accounts(db):
    output = _seed("--mentors", "3", "--mentees", "4", "--seed", "7")

    emails = set(User.objects.values_list("email", flat=True))
    assert {
        "admin@example.com",
        "mentee@example.com",
        "mentor@example.com",
        "mentor1@example.com",
        "mentor3@example.com",
        "mentee1@example.com",
        "mentee4@example.com",
    } <= emails
    assert len(emails) == 10
    admin = User.objects.get(email="admin@example.com")
    assert admin.is_staff
    assert admin.is_superuser
    assert not User.objects.get(email="mentee@example.com").is_staff
    assert User.objects.get(email="mentor2@example.com").check_password("mentorship-demo")
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == 10
    assert "password: mentorship-demo" in output
    assert "mentor1@example.com … mentor3@example.com" in output


def test_the_same_seed_gives_the_same_people(db):
    _seed("--mentors", "5", "--mentees", "5", "--seed", "42")
    first = list(User.objects.order_by("email").values_list("email", "name"))
    User.objects.all().delete()

    _seed("--mentors", "5", "--mentees", "5", "--seed", "42")

    assert list(User.objects.order_by("email").values_list("email", "name")) == first


def test_seed_demo_is_idempotent_and_if_empty_skips(db):
    _seed("--mentors", "2", "--mentees", "2")
    assert "Created 0 demo accounts" in _seed("--mentors", "2", "--mentees", "2")

    output = _seed("--if-empty", "--mentors", "9")

    assert "demo data not loaded again" in output
    assert User.objects.count() == 7
    assert "admin@example.com" in output  # the accounts are still printed


def test_seed_demo_logs_in(client, db):
    _seed("--mentors", "0", "--mentees", "0")

    response = client.post(
        "/accounts/login/", {"login": "mentee@example.com", "password": "mentorship-demo"}
    )

    assert response.status_code == 302


def test_seed_demo_refuses_negative_counts(db):
    with pytest.raises(CommandError, match="0 or more"):
        _seed("--mentors", "-1")


def test_seed_demo_refuses_production_unless_asked(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG is off"):
        _seed()
    assert not User.objects.exists()

    _seed("--allow-production", "--mentors", "0", "--mentees", "0")
    assert User.objects.count() == 3
