"""Gunicorn on the benchmark's database, and HTTP load: open-loop fixed rate and saturated.

Open loop: request i is due at start + i / rate, whatever happened before, and
its latency counts from that due time, so a stall delays (and is charged to)
every request scheduled behind it instead of silently lowering the rate.
"""

from __future__ import annotations

import http.client
import itertools
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

BASE_DIR = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
WORKERS = 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Gunicorn:
    """gunicorn with the project's gunicorn.conf.py, 2 sync workers, bench.settings.

    Worker recycling (max_requests) is switched off: a recycled worker boots
    Django and rebuilds its index, which would land in whichever phase it hits.
    """

    def __init__(self, *, database_url: str, secret_key: str) -> None:
        self.port = free_port()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": database_url,
            "SECRET_KEY": secret_key,
            "DEBUG": "false",
            "EMAIL_URL": "memorymail://",
            "WEB_CONCURRENCY": str(WORKERS),
            "GUNICORN_LOG_LEVEL": "warning",
        }
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115  (closed in stop)
            prefix="bench-gunicorn-", suffix=".log", delete=False
        )
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Gunicorn:
        command = [
            str(GUNICORN),
            "mentorship.wsgi:application",
            "--config", str(BASE_DIR / "gunicorn.conf.py"),
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(WORKERS),
            "--worker-class", "sync",
            "--max-requests", "0",
            "--access-logfile", self.log.name,
            "--error-logfile", self.log.name,
        ]  # fmt: skip
        self.process = subprocess.Popen(  # noqa: S603
            command,
            cwd=BASE_DIR,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                conn.close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(Path(self.log.name).read_text().splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            # TERM lets requests in flight finish; the group takes the workers too.
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        if not self.log.closed:
            self.log.close()

    def remove_log(self) -> None:
        Path(self.log.name).unlink(missing_ok=True)


@dataclass
class Run:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    seconds: float = 0.0
    unsent: int = 0  # open loop: requests the cut-off left unsent (not errors)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    @property
    def errors(self) -> int:
        return self.total - self.statuses[200]

    def ok_per_second(self) -> float:
        """Successful responses per second of the run (the achieved rate)."""
        return self.statuses[200] / self.seconds

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.latencies_ms, q))

    def add(self, other: Run) -> None:
        """Fold another run of the same kind in (rounds of one measurement)."""
        self.latencies_ms += other.latencies_ms
        self.statuses.update(other.statuses)
        self.seconds += other.seconds
        self.unsent += other.unsent

    def record(self, status: int, latency_ms: float) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.latencies_ms.append(latency_ms)


class Client:
    """One connection (re-opened when gunicorn's sync worker closes it)."""

    def __init__(self, port: int, cookie: str) -> None:
        self.port = port
        self.headers = {"Cookie": cookie, "Connection": "keep-alive"}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(self, path: str) -> int:
        try:
            self.conn.request("GET", path, headers=self.headers)
            response = self.conn.getresponse()
            response.read()
            if response.will_close:
                self.conn.close()
            return response.status
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            return 0  # a connection error counts as a failed request

    def close(self) -> None:
        self.conn.close()


def _run_threads(count: int, target) -> None:
    threads = [threading.Thread(target=target, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def warm_up(port: int, cookie: str, paths: list[str], requests: int = 20, clients: int = 4) -> Run:
    """Enough concurrent requests that every worker builds its index and caches."""
    run = Run()
    start = time.perf_counter()
    for path in paths:
        left = itertools.count()

        def loop(path: str = path, left: itertools.count = left) -> None:
            client = Client(port, cookie)
            while next(left) < requests:
                started = time.perf_counter()
                status = client.get(path)
                run.record(status, (time.perf_counter() - started) * 1000)
            client.close()

        _run_threads(clients, loop)
    run.seconds = time.perf_counter() - start
    return run


def serial(port: int, cookie: str, path: str, *, requests: int = 100) -> Run:
    """One client, one request at a time: the service time, without queueing."""
    run = Run()
    client = Client(port, cookie)
    start = time.perf_counter()
    for _ in range(requests):
        sent = time.perf_counter()
        status = client.get(path)
        run.record(status, (time.perf_counter() - sent) * 1000)
    run.seconds = time.perf_counter() - start
    client.close()
    return run


def open_loop(
    port: int,
    cookie: str,
    path: str,
    *,
    rate: float,
    seconds: float,
    clients: int = 16,
    cutoff_factor: float = 3.0,
) -> Run:
    """Requests due at a fixed rate; sending stops at cutoff_factor x seconds.

    A request not sent by the cut-off (the server could not keep up) is
    recorded with its wait so far, a lower bound of its latency, under status -1
    (`Run.unsent`), so percentiles of an overloaded run are lower bounds.
    """
    run = Run()
    total = int(rate * seconds)
    order = itertools.count()
    start = time.perf_counter() + 0.05
    cutoff = start + cutoff_factor * seconds
    unsent: list[int] = []

    def loop() -> None:
        client = Client(port, cookie)
        while (i := next(order)) < total:
            due = start + i / rate
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            elif time.perf_counter() > cutoff:
                with run.lock:
                    unsent.append(i)
                continue
            status = client.get(path)
            run.record(status, (time.perf_counter() - due) * 1000)
        client.close()

    _run_threads(clients, loop)
    end = time.perf_counter()
    run.seconds = end - start
    for i in unsent:
        run.unsent += 1
        run.latencies_ms.append((end - (start + i / rate)) * 1000)
    return run


def saturated(port: int, cookie: str, path: str, *, seconds: float, clients: int = 4) -> Run:
    run = Run()
    start = time.perf_counter()
    deadline = start + seconds

    def loop() -> None:
        client = Client(port, cookie)
        while (sent := time.perf_counter()) < deadline:
            status = client.get(path)
            run.record(status, (time.perf_counter() - sent) * 1000)
        client.close()

    _run_threads(clients, loop)
    run.seconds = time.perf_counter() - start
    return run
