"""Failure drills on real services: Redis stopped under a page, a worker killed with SIGKILL
in the middle of an SMTP conversation, an email provider answering 503, 429 and 400.

Each drill breaks the real thing (a private redis-server, a `celery worker` process, a
local SMTP server, a local HTTP API speaking Brevo's protocol through django-anymail)
and checks what the outbox promises: nothing lost, nothing sent twice, transient errors
retried with backoff, permanent ones not retried and the address flagged.
"""

from __future__ import annotations

import email
import email.message
import json
import os
import signal
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.db import connection
from django.urls import reverse

from matching.models import MentorshipRequest
from mentorship.celery import app as celery_app
from mentorship.notifications import services, tasks
from mentorship.notifications.models import BouncedAddress, Notification
from tests.conftest import celery_broker
from tests.factories import GoalFactory, UserFactory
from tests.matching.people import language, person, skill

pytestmark = [pytest.mark.redis, pytest.mark.drill, pytest.mark.django_db(transaction=True)]

Status = Notification.Status
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _wait_for(condition: Callable[[], object], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _embedded_worker():  # type: ignore[no-untyped-def]
    return start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10)


# --- a. Redis stops while a mentee sends a request -----------------------------------------


def test_a_request_sent_while_redis_is_down_reaches_the_mentor_once_when_it_returns(
    client, redis_server, mailoutbox
):
    english = language("en", "English")
    ana = person("ana@example.org", name="Ana Silva", mentee=True, languages=[(english, 4)])
    ben = person(
        "ben@example.org",
        name="Ben Okafor",
        mentor=True,
        languages=[(english, 4)],
        expertise=[(skill("Python"), 5)],
    )
    goal = GoalFactory(owner=ana, title="Move from support into backend engineering")
    client.force_login(ana)
    draft = {
        "subject": "Your payments talk, and one 20-minute question",
        "opening": "Hi Ben,\n\nYour talk on payments at PyCon changed how I test money code.",
        "introduction": "I'm Ana, in support for three years and moving into backend work. "
        "Could we talk for 20 minutes about how you grew into engineering?",
        "ask": MentorshipRequest.Ask.INTRO_CALL,
        "closing": "Any week that suits you works for me. Thank you for reading!",
        "goal": str(goal.pk),
        "action": "send",
    }

    with celery_broker(redis_server.url):
        redis_server.stop()
        started = time.monotonic()
        response = client.post(reverse("matching:compose", args=[ben.pk]), draft)
        elapsed = time.monotonic() - started

        # The mentee's request went through; the failed publish neither broke nor stalled it.
        request = MentorshipRequest.objects.get(mentee=ana, mentor=ben)
        assert response.status_code == 302
        assert response["Location"] == reverse("matching:request", args=[request.pk])
        assert elapsed < 10
        assert request.status == MentorshipRequest.Status.PENDING
        note = Notification.objects.get(kind="request_received")
        assert (note.recipient, note.status, note.attempts) == (ben, Status.PENDING, 0)
        assert note.key == f"request:{request.pk}:request_received"
        assert mailoutbox == []

        redis_server.start()
        with _embedded_worker():
            tasks.sweep_notifications.delay()
            assert _wait_for(lambda: len(mailoutbox) >= 1), "the sweep did not deliver"
            # The sweep again, and a late duplicate of the lost delivery task: nothing more.
            tasks.sweep_notifications.delay()
            tasks.deliver_notification.delay(note.pk)
            time.sleep(1.5)
        assert services.sweep_notifications().attempted == 0

    [sent] = mailoutbox
    assert sent.to == ["ben@example.org"]
    assert sent.subject == "Ana Silva would like to talk: " + draft["subject"]
    assert "Could we talk for 20 minutes" in sent.body
    note.refresh_from_db()
    assert (note.status, note.attempts) == (Status.SENT, 1)


# --- b. A worker killed in the middle of sending -------------------------------------------


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's backend; stalls where the drill asks it to."""

    server: _SMTPServer

    def _hang(self) -> None:
        self.server.fake.stalled.set()
        # Say nothing more; wait until the sender goes away (its process is killed).
        while self.request.recv(1024):
            pass

    def _reply(self, line: bytes) -> None:
        self.wfile.write(line + b"\r\n")

    def handle(self) -> None:
        fake = self.server.fake
        if fake.stall == "greeting":
            self._hang()
            return
        self._reply(b"220 drill ESMTP")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self._reply(b"250 drill")
            elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                self._reply(b"250 OK")
            elif verb == b"DATA":
                self._reply(b"354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data[1:] if data.startswith(b"..") else data)
                fake.received.append(email.message_from_bytes(b"".join(lines)))
                self._reply(b"250 2.0.0 Queued")
            elif verb == b"QUIT":
                if fake.stall == "quit":
                    # The message is accepted (250 above); the sender has not yet
                    # recorded it as sent when it dies here.
                    self._hang()
                    return
                self._reply(b"221 Bye")
                return
            else:
                self._reply(b"502 Not implemented")


class _SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: FakeSMTP


@dataclass
class FakeSMTP:
    """A mail server on a local port that keeps what it accepts."""

    stall: str | None = None  # "greeting", "quit" or None (answer everything)
    stalled: threading.Event = field(default_factory=threading.Event)
    received: list[email.message.Message] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._server = _SMTPServer(("127.0.0.1", 0), _SMTPHandler)
        self._server.fake = self
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def smtp_server() -> Iterator[FakeSMTP]:
    server = FakeSMTP()
    yield server
    server.close()


def _worker_env(*, broker: str, smtp_port: int) -> dict[str, str]:
    db = connection.settings_dict
    # The test database this test commits to, reached by the worker process.
    database = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(
        DATABASE_URL=f"{database}/{db['NAME']}",
        CELERY_BROKER_URL=broker,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        EMAIL_TIMEOUT="120",
    )
    if db.get("PASSWORD"):
        env["DATABASE_URL"] = env["DATABASE_URL"].replace("@", f":{db['PASSWORD']}@", 1)
    return env


@pytest.mark.postgres
@pytest.mark.parametrize(
    "stall",
    [
        # Killed before anything was handed over: connected, waiting for the greeting.
        "greeting",
        # Killed after the server accepted the message (250), before it was recorded.
        "quit",
    ],
)
def test_a_worker_killed_mid_send_is_redelivered_once_with_the_same_message_id(
    stall, redis_server, smtp_server, settings, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs the test database on PostgreSQL")
    ana = UserFactory(email="ana@example.org", name="Ana Silva")
    smtp_server.stall = stall
    log_path = tmp_path / "worker.log"
    with celery_broker(redis_server.url), log_path.open("wb") as log:
        worker = subprocess.Popen(
            [
                BIN / "celery",
                "-A",
                "mentorship",
                "worker",
                "--pool=solo",
                "--loglevel=info",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=_worker_env(broker=redis_server.url, smtp_port=smtp_server.port),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            # Published on commit, to the real broker; the worker process picks it up.
            note = services.notify(
                recipient=ana, kind="welcome", key="welcome:ana", context={"name": "Ana"}
            )
            if not smtp_server.stalled.wait(timeout=90):
                pytest.fail("the worker never reached the mail server:\n" + log_path.read_text())
            stuck = Notification.objects.get(pk=note.pk)
            assert (stuck.status, stuck.attempts) == (Status.SENDING, 1)
            assert stuck.claimed_at is not None
            worker.send_signal(signal.SIGKILL)
            assert worker.wait(timeout=10) == -signal.SIGKILL
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait(timeout=10)

    # The worker died holding its claim: nothing marks the row sent or failed.
    assert Notification.objects.get(pk=note.pk).status == Status.SENDING
    before = len(smtp_server.received)
    assert before == (1 if stall == "quit" else 0)

    # The sweep, once the claim is older than NOTIFICATION_STUCK_AFTER, sends it again
    # through the same server (which now answers normally).
    smtp_server.stall = None
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    stuck_after = timedelta(seconds=settings.NOTIFICATION_STUCK_AFTER)
    with time_machine.travel(stuck.claimed_at + stuck_after - timedelta(seconds=1), tick=False):
        # Not yet: a live worker may still be sending it.
        assert services.sweep_notifications().recovered == 0
    with time_machine.travel(stuck.claimed_at + stuck_after + timedelta(seconds=1), tick=False):
        first = services.sweep_notifications()
        second = services.sweep_notifications()
    # A late copy of the task (the broker hands out what a dead worker never acked).
    assert tasks.deliver_notification.apply(args=[note.pk]).get() == "skipped"

    assert (first.recovered, first.delivered, second.attempted) == (1, 1, 0)
    note.refresh_from_db()
    assert (note.status, note.attempts) == (Status.SENT, 2)
    assert len(smtp_server.received) == before + 1
    # Every copy carries the one Message-ID of this logical message, so when the dead
    # worker's copy did arrive, the receiving side can drop the second as a duplicate.
    ids = {message["Message-ID"] for message in smtp_server.received}
    assert ids == {services._message_id(note)}
    assert all(message["To"] == "ana@example.org" for message in smtp_server.received)


# --- c. The email provider answers 503, 429 and 400 ----------------------------------------


class _ProviderHandler(BaseHTTPRequestHandler):
    server: _ProviderServer

    def do_POST(self) -> None:
        provider = self.server.provider
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        status = provider.answers.pop(0) if provider.answers else 201
        provider.calls.append((time.monotonic(), status, body))
        answer = (
            {"messageId": "<202603020830.123@smtp-relay.brevo.example>"}
            if status == 201
            else {"code": "invalid_parameter", "message": "the provider says no"}
        )
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _ProviderServer(ThreadingHTTPServer):
    daemon_threads = True
    provider: FakeProvider


@dataclass
class FakeProvider:
    """Brevo's v3 send endpoint on a local port, answering the statuses it is given."""

    answers: list[int] = field(default_factory=list)
    calls: list[tuple[float, int, dict[str, Any]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._server = _ProviderServer(("127.0.0.1", 0), _ProviderHandler)
        self._server.provider = self
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v3/"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def provider(settings) -> Iterator[FakeProvider]:  # type: ignore[no-untyped-def]
    fake = FakeProvider()
    settings.EMAIL_BACKEND = "anymail.backends.brevo.EmailBackend"
    settings.ANYMAIL = {"BREVO_API_KEY": "drill-key", "BREVO_API_URL": fake.url}
    yield fake
    fake.close()


def _status(note: Notification) -> str:
    return Notification.objects.get(pk=note.pk).status


def test_provider_503_then_429_are_retried_by_the_worker_with_backoff(
    redis_server, provider, settings
):
    settings.NOTIFICATION_RETRY_BACKOFF = [1, 2]
    provider.answers = [503, 429]
    ana = UserFactory(email="ana@example.org", name="Ana Silva")

    with celery_broker(redis_server.url), _embedded_worker():
        note = services.notify(
            recipient=ana, kind="welcome", key="welcome:ana", context={"name": "Ana"}
        )
        assert _wait_for(lambda: _status(note) == Status.SENT, timeout=30), provider.calls

    statuses = [status for _, status, _ in provider.calls]
    assert statuses == [503, 429, 201]
    (t1, _, _), (t2, _, _), (t3, _, body) = provider.calls
    # The waits follow NOTIFICATION_RETRY_BACKOFF (1 s, then 2 s).
    assert t2 - t1 >= 0.9
    assert t3 - t2 >= 1.9
    assert [to["email"] for to in body["to"]] == ["ana@example.org"]
    assert body["headers"]["Message-ID"] == services._message_id(note)
    assert body["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    note.refresh_from_db()
    assert (note.attempts, note.last_error) == (3, "")
    assert not BouncedAddress.objects.exists()


def test_a_provider_400_is_not_retried_and_flags_the_address(redis_server, provider, settings):
    settings.NOTIFICATION_RETRY_BACKOFF = [1]
    provider.answers = [400]
    ana = UserFactory(email="ana@example.org", name="Ana Silva")

    with celery_broker(redis_server.url), _embedded_worker():
        note = services.notify(
            recipient=ana, kind="welcome", key="welcome:ana", context={"name": "Ana"}
        )
        assert _wait_for(lambda: _status(note) == Status.FAILED, timeout=30)
        # Longer than a retry's backoff: no second request comes.
        time.sleep(1.5)
        assert len(provider.calls) == 1

        # The next email to Ana is cancelled without asking the provider.
        later = services.notify(
            recipient=ana, kind="anniversary", key="anniversary:ana", context={"months": 1}
        )
        assert _wait_for(lambda: _status(later) == Status.CANCELLED, timeout=30)

    assert len(provider.calls) == 1
    note.refresh_from_db()
    assert note.attempts == 1
    assert "AnymailRequestsAPIError" in note.last_error
    assert "400" in note.last_error
    flag = BouncedAddress.objects.get()
    assert (flag.email, flag.notification_id) == ("ana@example.org", note.pk)
    later.refresh_from_db()
    assert later.last_error.startswith("Not sent: ana@example.org bounced on ")
