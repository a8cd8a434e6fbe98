"""Shared fixtures: named people, the Celery app on a chosen broker, a real Redis."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.cache import cache

from mentorship.celery import app as celery_app
from profiles.models import User
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True, scope="session")
def _purge_test_queue() -> Iterator[None]:
    # Tests that commit publish real delivery tasks to the test queue, which no
    # worker consumes; drop them so they do not pile up in the broker.
    yield
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            conn.default_channel.queue_purge(celery_app.conf.task_default_queue)
    except Exception:  # noqa: S110  (broker gone or queue never declared: nothing to purge)
        pass


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    # allauth rate limits and DRF throttles count in the cache; start each test clean.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_mentor_index() -> Iterator[None]:
    # The mentor index lives in the process; each test's database starts afresh.
    from matching.index import forget

    forget()
    yield
    forget()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    # Real hashing is deliberately slow; tests check behaviour, not PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def mentee_ana(db: None) -> User:
    return UserFactory(email="ana@example.org", name="Ana Silva")


@pytest.fixture
def mentor_ben(db: None) -> User:
    return UserFactory(email="ben@example.org", name="Ben Okafor")


@pytest.fixture
def admin_cy(db: None) -> User:
    return UserFactory(email="cy@example.org", name="Cy Admin", is_staff=True, is_superuser=True)


@pytest.fixture
def stranger_dee(db: None) -> User:
    return UserFactory(email="dee@example.org", name="Dee Stranger")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """A private redis-server the test can stop and start (the shared one is left alone)."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def freeze(self) -> None:
        """Stop answering while keeping connections open (a hung server)."""
        assert self._process is not None
        self._process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self._process is not None
        self._process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self._process is not None:
            self.thaw()
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Point the project's Celery app at another broker for the duration."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.broker_transport_options)

    def reset_pools() -> None:
        # The same reset Celery does after a fork: forget pooled connections.
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    # The same Redis options production uses (socket timeouts included).
    options = dict(settings.REDIS_TIMEOUTS) if url.startswith("redis") else {}
    conf.broker_url, conf.broker_transport_options = url, options
    reset_pools()
    try:
        yield
    finally:
        conf.broker_url, conf.broker_transport_options = saved
        reset_pools()
