"""`make bench`: benchmarks printed as `name: value unit` lines.

Runs on a throwaway test database (SQLite by default, or DATABASE_URL's server)
with the in-memory mail backend, so it measures our code, not a mail server.
Quote ratios and medians: this machine varies by about 30% between runs.
"""

from __future__ import annotations

import io
import os
import statistics
import time
from collections.abc import Callable
from itertools import count

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ["EMAIL_URL"] = "memorymail://"

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

REPEATS = 5
BATCH = 1000


def median_ms(run: Callable[[], None], prepare: Callable[[], None] = lambda: None) -> float:
    timings = []
    for _ in range(REPEATS):
        prepare()
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def outbox_benchmarks() -> list[tuple[str, float, str]]:
    from mentorship.notifications import services
    from mentorship.notifications.models import Notification
    from profiles.models import User

    # Measure recording and delivering, not publishing: real delivery tasks
    # would pile up in the local broker for a `make run` worker to find.
    services._publish_delivery = lambda notification_id: None  # type: ignore[assignment]
    people = User.objects.bulk_create(
        User(email=f"bench{n}@example.org", name=f"Bench {n}") for n in range(BATCH)
    )
    rounds = count()
    last_round = 0

    def notify_batch(round_: int) -> None:
        with transaction.atomic():
            for person in people:
                services.notify(
                    recipient=person,
                    kind="welcome",
                    key=f"bench:{round_}:{person.pk}",
                    context={"name": person.name},
                )

    def notify_new_batch() -> None:
        nonlocal last_round
        last_round = next(rounds)
        notify_batch(last_round)

    def sweep_batch() -> None:
        result = services.sweep_notifications(batch_size=BATCH)
        assert result.delivered == BATCH, result

    def empty_outbox() -> None:
        from django.core import mail

        mail.outbox = []
        Notification.objects.filter(status=Notification.Status.PENDING).update(
            status=Notification.Status.CANCELLED
        )

    notify_ms = median_ms(notify_new_batch, prepare=empty_outbox)
    # The same keys again: idempotent creation finds the existing rows.
    renotify_ms = median_ms(lambda: notify_batch(last_round))
    sweep_ms = median_ms(sweep_batch, prepare=lambda: (empty_outbox(), notify_new_batch()))
    return [
        ("outbox_notify_per_message", notify_ms / BATCH, "ms"),
        ("outbox_notify_existing_key_per_message", renotify_ms / BATCH, "ms"),
        ("outbox_sweep_deliver_per_message", sweep_ms / BATCH, "ms"),
        ("outbox_sweep_messages_per_second", BATCH / (sweep_ms / 1000), "msg/s"),
    ]


def seed_benchmarks() -> list[tuple[str, float, str]]:
    from django.core.management import call_command

    from profiles.models import Profile

    # Once, not a median: 10k mentors with their languages, expertise and
    # availability are ~150k rows, and a second run would find them all.
    started = time.perf_counter()
    call_command(
        "seed_demo",
        "--mentors=10000",
        "--mentees=0",
        "--seed=1",
        "--allow-production",
        stdout=io.StringIO(),
    )
    seconds = time.perf_counter() - started
    assert Profile.objects.filter(is_mentor=True).count() >= 10000
    return [("seed_10k_mentors_seconds", seconds, "s")]


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        print(f"# database: {connection.vendor}; medians of {REPEATS} runs of {BATCH}")
        for name, value, unit in outbox_benchmarks():
            print(f"{name}: {value:.3f} {unit}")
        for name, value, unit in seed_benchmarks():
            print(f"{name}: {value:.2f} {unit}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
