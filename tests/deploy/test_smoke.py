"""Smoke test of the production commands: compose's web, worker and beat, run natively.

No Docker engine is needed: the `command` of each app service in
docker-compose.yml runs as a local process with the venv's binaries, against the
real PostgreSQL and Redis of CI, on a database and a Redis DB of its own. A person
signs up through gunicorn, the worker delivers the welcome email from the outbox,
and beat's periodic sweep reaches the worker.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
# Named after the suite's own database, so two suites on one server (a CI clone and
# a worktree, say) never drop each other's smoke database mid-run.
SMOKE_DATABASE = (
    f"{urlsplit(os.environ.get('DATABASE_URL', '')).path.lstrip('/') or 'mentorship'}_smoke"
)
# Apart from the DB other tests use on the same Redis server.
SMOKE_REDIS_DB = 5
SWEEP_TASK = "mentorship.notifications.tasks.sweep_notifications"

pytestmark = [
    pytest.mark.smoke,
    pytest.mark.skipif(
        not (
            os.environ.get("DATABASE_URL", "").startswith("postgres")
            and os.environ.get("REDIS_URL")
        ),
        reason="smoke test needs PostgreSQL and Redis: set DATABASE_URL=postgres://... and "
        "REDIS_URL=redis://...",
    ),
]


def _settings_env_vars() -> set[str]:
    text = (ROOT / "mentorship" / "settings.py").read_text()
    return set(re.findall(r"\benv\.\w+\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']", text))


def _with_defaults(value: Any) -> str:
    """Compose's ${VAR:-default} and ${VAR-default}, resolved to the default."""
    return re.sub(r"\$\{[A-Z0-9_]+:?-([^}]*)\}", r"\1", str(value))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return "(no log)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class Service:
    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


class Stack:
    """The three app processes, started from compose's commands, stopped as a group."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.logs = logs
        self.services: dict[str, Service] = {}

    def start(self, name: str, argv: list[str]) -> None:
        log = self.logs / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                # Own process group: gunicorn's and Celery's children stop with it.
                start_new_session=True,
            )
        self.services[name] = Service(name, process, log)

    def diagnostics(self) -> str:
        parts = []
        for service in self.services.values():
            status = service.process.poll()
            state = "running" if status is None else f"exited with {status}"
            parts.append(f"--- {service.name} ({state}), last lines ---\n{_tail(service.log)}")
        return "\n".join(parts)

    def check_alive(self) -> None:
        for service in self.services.values():
            if service.process.poll() is not None:
                pytest.fail(f"{service.name} exited early.\n{self.diagnostics()}")

    def stop(self) -> None:
        for service in self.services.values():
            _signal_group(service.process, signal.SIGTERM)
        deadline = time.monotonic() + 8
        for service in self.services.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                service.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            # Leftover children (a prefork pool, a gunicorn worker) go too.
            _signal_group(service.process, signal.SIGKILL)
            if service.process.poll() is None:
                service.process.wait(timeout=5)


def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def _wait_for(
    what: str, probe: Callable[[], Any], stack: Stack, timeout: float, interval: float = 0.5
) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = probe()
        if result:
            return result
        stack.check_alive()
        time.sleep(interval)
    pytest.fail(f"Timed out after {timeout:.0f}s waiting for {what}.\n{stack.diagnostics()}")


def _native(argv: list[str]) -> list[str]:
    """Compose's command with its program taken from this venv (celery, gunicorn, sh...)."""
    program = shutil.which(argv[0], path=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    assert program, f"{argv[0]} not found"
    return [program, *argv[1:]]


def _command(service: dict[str, Any]) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else [str(a) for a in command]


def _database_admin(database_url: str) -> Any:
    import psycopg2

    parts = urlsplit(database_url)
    connection = psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
    )
    connection.autocommit = True
    return connection


def _recreate_database(database_url: str, *, create: bool) -> None:
    connection = _database_admin(database_url)
    try:
        with connection.cursor() as cursor:
            # FORCE ends connections a killed process may have left behind.
            cursor.execute(f'DROP DATABASE IF EXISTS "{SMOKE_DATABASE}" WITH (FORCE)')
            if create:
                cursor.execute(f'CREATE DATABASE "{SMOKE_DATABASE}"')
    finally:
        connection.close()


def _flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=5)
    try:
        client.flushdb()
    finally:
        client.close()


@pytest.fixture
def smoke_urls() -> Iterator[tuple[str, str]]:
    ci_database = urlsplit(os.environ["DATABASE_URL"])
    database_url = urlunsplit(ci_database._replace(path=f"/{SMOKE_DATABASE}"))
    redis_url = urlunsplit(urlsplit(os.environ["REDIS_URL"])._replace(path=f"/{SMOKE_REDIS_DB}"))
    _recreate_database(database_url, create=True)
    _flush_redis(redis_url)
    yield database_url, redis_url
    _flush_redis(redis_url)
    _recreate_database(database_url, create=False)


def test_production_commands_serve_sign_up_and_deliver_mail(
    smoke_urls: tuple[str, str], tmp_path: Path
) -> None:
    import requests

    database_url, redis_url = smoke_urls
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    mail_dir = tmp_path / "mail"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"

    # The production environment as compose sets it, minus anything of this
    # process's own (pytest_env's test defaults, CI's URLs) that settings read.
    env = {k: v for k, v in os.environ.items() if k not in _settings_env_vars()}
    env.update({name: _with_defaults(value) for name, value in compose["x-environment"].items()})
    env.update(
        {
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            # django-environ drops the first "/" after "filemail://".
            "EMAIL_URL": f"filemail:///{mail_dir}",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": base,
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            # collectstatic has not run here, so there is no manifest.
            "STATIC_MANIFEST": "false",
            "WEB_CONCURRENCY": "2",
            # Beat's first sweep comes after one interval: do not wait 30 s for it.
            "NOTIFICATION_SWEEP_SECONDS": "2",
        }
    )

    beat_argv = _command(services["beat"])
    beat_argv[beat_argv.index("--schedule") + 1] = str(tmp_path / "celerybeat-schedule")

    stack = Stack(env, tmp_path)
    try:
        stack.start("web", _native(_command(services["web"])))
        stack.start("worker", _native(_command(services["worker"])))
        stack.start("beat", _native(beat_argv))

        def healthy() -> dict[str, Any] | None:
            try:
                response = requests.get(f"{base}/healthz", timeout=3)
            except requests.ConnectionError:
                return None
            return response.json() if response.status_code == 200 else None

        health = _wait_for("/healthz to answer 200", healthy, stack, timeout=60)
        assert health == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}

        # The image's HEALTHCHECK, run as written in the Dockerfile.
        probe = _dockerfile_healthcheck()
        result = subprocess.run(
            ["sh", "-c", probe], env=env, capture_output=True, text=True, timeout=10, check=False
        )
        assert result.returncode == 0, f"Dockerfile HEALTHCHECK failed: {result.stderr}"

        browser = requests.Session()
        signup_url = f"{base}/accounts/signup/"
        page = browser.get(signup_url, timeout=10)
        assert page.status_code == 200, f"{page.status_code}\n{page.text[:2000]}"
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, "no CSRF token in the sign-up form"
        assert "csrftoken" in browser.cookies
        response = browser.post(
            signup_url,
            data={
                "csrfmiddlewaretoken": token.group(1),
                "name": "Sam Smoke",
                "email": "sam.smoke@example.org",
                "password1": "lantern-harbour-quietly-47",
                "password2": "lantern-harbour-quietly-47",
            },
            headers={"Referer": signup_url},
            allow_redirects=False,
            timeout=20,
        )
        assert response.status_code == 302, (
            f"sign-up answered {response.status_code}\n{response.text[:3000]}"
        )
        # Production verifies addresses before letting people in.
        assert response.headers["Location"] == "/accounts/confirm-email/"

        def email_to_sam(subject: str) -> str | None:
            for message in sorted(mail_dir.glob("*")) if mail_dir.exists() else []:
                text = message.read_text(errors="replace")
                if re.search(rf"^Subject: .*{subject}", text, re.M) and re.search(
                    r"^To: sam\.smoke@example\.org$", text, re.M
                ):
                    return text
            return None

        _wait_for(
            "the worker to deliver the welcome email",
            lambda: email_to_sam("Welcome to "),
            stack,
            timeout=60,
        )
        confirmation = _wait_for(
            "the worker to deliver the address confirmation",
            lambda: email_to_sam("Confirm"),
            stack,
            timeout=60,
        )
        link = re.search(r"(http://\S+/accounts/confirm-email/\S+/)", confirmation)
        assert link, f"no confirmation link in:\n{confirmation}"
        confirm_page = browser.get(link.group(1), timeout=10)
        confirm_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', confirm_page.text)
        assert confirm_token, confirm_page.text[:2000]
        confirmed = browser.post(
            link.group(1),
            data={"csrfmiddlewaretoken": confirm_token.group(1)},
            headers={"Referer": link.group(1)},
            allow_redirects=False,
            timeout=10,
        )
        assert confirmed.status_code == 302, confirmed.text[:2000]

        # Beat sends the sweep every 30 s; the worker runs it.
        _wait_for(
            f"beat to send {SWEEP_TASK}",
            lambda: re.search(
                rf"Sending due task .*{re.escape(SWEEP_TASK)}", stack.services["beat"].output()
            ),
            stack,
            timeout=45,
        )
        _wait_for(
            f"the worker to run {SWEEP_TASK}",
            lambda: re.search(
                rf"Task {re.escape(SWEEP_TASK)}\[[^\]]+\] succeeded",
                stack.services["worker"].output(),
            ),
            stack,
            timeout=15,
        )

        dashboard = browser.get(f"{base}/dashboard/", timeout=10)
        assert dashboard.status_code == 200, f"/dashboard/ answered {dashboard.status_code}"
        assert "Sam Smoke" in dashboard.text or "Welcome to" in dashboard.text
    except AssertionError as error:
        # What gunicorn, the worker and beat said is what explains a failure in CI.
        raise AssertionError(f"{error}\n{stack.diagnostics()}") from error
    finally:
        stack.stop()


def _dockerfile_healthcheck() -> str:
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    match = re.search(r"^HEALTHCHECK\b.*?\bCMD\s+(.+)$", text, flags=re.MULTILINE)
    assert match, "the Dockerfile has no HEALTHCHECK"
    return match.group(1)
