"""Settings come from the environment and refuse values they do not understand."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _settings_value(name: str, **env: str) -> subprocess.CompletedProcess[str]:
    script = (
        "import django; django.setup(); from django.conf import settings; "
        f"print(repr(settings.{name}))"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "mentorship.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        ("true", "True"),
        ("YES", "True"),
        ("on", "True"),
        ("1", "True"),
        ("false", "False"),
        ("No", "False"),
        ("0", "False"),
        ("", "True"),
    ],
)
def test_yes_no_variables_accept_the_usual_words(raw, parsed):
    result = _settings_value("SECURE_SSL_REDIRECT", SECURE_SSL_REDIRECT=raw)

    assert result.returncode == 0, result.stderr
    # Empty means unset: the production default (DEBUG is off here), not False.
    assert result.stdout.strip() == parsed


@pytest.mark.parametrize("raw", ["ture", "enabled", "yes-please"])
def test_a_misspelt_yes_no_value_stops_the_start(raw):
    result = _settings_value("SECURE_SSL_REDIRECT", SECURE_SSL_REDIRECT=raw)

    assert result.returncode != 0
    assert f"SECURE_SSL_REDIRECT={raw!r} is not a yes/no value" in result.stderr


def test_an_unknown_verification_mode_stops_the_start():
    result = _settings_value("ACCOUNT_EMAIL_VERIFICATION", ACCOUNT_EMAIL_VERIFICATION="always")

    assert result.returncode != 0
    assert "ACCOUNT_EMAIL_VERIFICATION must be one of none, optional, mandatory" in result.stderr


def test_an_invalid_number_stops_the_start():
    result = _settings_value("NOTIFICATION_MAX_ATTEMPTS", NOTIFICATION_MAX_ATTEMPTS="five")

    assert result.returncode != 0
    assert "ValueError" in result.stderr


def test_an_email_api_provider_takes_its_own_setting_names():
    script = (
        "import django; django.setup(); from django.core.mail import get_connection; "
        "from django.conf import settings; "
        "print(type(get_connection()).__module__, settings.ANYMAIL)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "mentorship.settings",
            "ANYMAIL_ESP": "postmark",
            "ANYMAIL_POSTMARK_SERVER_TOKEN": "pm-token",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "anymail.backends.postmark {'POSTMARK_SERVER_TOKEN': 'pm-token'}"
    )
