"""Production settings pass Django's deployment checklist, and refuse to run without a key.

Each case runs manage.py in a fresh process, because settings are read once at
import time and the test process already has the test defaults from pytest_env.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# What pytest_env (pyproject.toml) or a developer's shell may set that would
# replace a production default; unset, each falls back to the settings' default.
NOT_INHERITED = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SITE_URL",
    "STATIC_MANIFEST",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "EMAIL_URL",
    "ACCOUNT_EMAIL_VERIFICATION",
    "CELERY_TASK_ALWAYS_EAGER",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "MFA_REQUIRED_FOR_STAFF",
)


def _dot_env_overrides() -> set[str]:
    # settings.py also reads ./.env (without overwriting real variables), so a
    # local .env could put back what this test unsets.
    dot_env = ROOT / ".env"
    if not dot_env.exists():
        return set()
    names = set(re.findall(r"^\s*(?:export\s+)?([A-Z][A-Z0-9_]*)\s*=", dot_env.read_text(), re.M))
    return names & set(NOT_INHERITED)


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _production_env(**values: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in NOT_INHERITED}
    env.update(values)
    return env


def test_production_settings_pass_the_deployment_checklist() -> None:
    overridden = _dot_env_overrides()
    if overridden:
        pytest.skip(f"./.env sets {sorted(overridden)}, which would replace production defaults")
    env = _production_env(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="mentoring.example.org",
        SITE_URL="https://mentoring.example.org",
        CSRF_TRUSTED_ORIGINS="https://mentoring.example.org",
    )

    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "ERRORS" not in output
    assert "System check identified no issues" in output


def test_without_a_secret_key_production_refuses_to_start() -> None:
    # Empty rather than unset, so a local .env cannot fill it in; empty is "not set".
    env = _production_env(DEBUG="false", SECRET_KEY="", ALLOWED_HOSTS="mentoring.example.org")

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_mode_runs_without_a_secret_key() -> None:
    env = _production_env(DEBUG="true", SECRET_KEY="")

    result = _manage("check", env=env)

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_defaults_are_the_safe_ones() -> None:
    if _dot_env_overrides():
        pytest.skip("./.env replaces production defaults")
    env = _production_env(DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50))
    names = (
        "ACCOUNT_EMAIL_VERIFICATION SECURE_SSL_REDIRECT SESSION_COOKIE_SECURE "
        "CSRF_COOKIE_SECURE SECURE_HSTS_SECONDS STATIC_MANIFEST MFA_REQUIRED_FOR_STAFF"
    )
    script = (
        "from django.conf import settings\n"
        f"print(repr([getattr(settings, name) for name in {names.split()!r}]))"
    )

    result = _manage("shell", "-c", script, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == repr(
        ["mandatory", True, True, True, 31536000, True, True]
    )
