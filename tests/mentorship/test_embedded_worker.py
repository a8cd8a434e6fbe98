"""`make run`'s promise: with no Redis, a real worker and beat run on the filesystem broker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.fixture
def embedded_env(tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL"}
    }
    env.update(
        DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CELERY_BROKER_DIR=str(tmp_path / "broker"),
        CELERY_TASK_DEFAULT_QUEUE="celery",
        # django-environ drops one "/" after the scheme.
        EMAIL_URL=f"filemail:///{tmp_path / 'mail'}",
        NOTIFICATION_SWEEP_SECONDS="1",
    )
    subprocess.run(
        [BIN / "python", "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=120
    )
    return env


def test_worker_and_beat_fire_the_sweep_and_deliver_without_redis(embedded_env, tmp_path):
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [
                BIN / "celery",
                "-A",
                "mentorship",
                "worker",
                "--beat",
                "--loglevel=info",
                "--concurrency=1",
                "--schedule",
                str(tmp_path / "beat-schedule"),
            ],
            cwd=ROOT,
            env=embedded_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        # Another process records a notification; it reaches the worker through files.
        subprocess.run(
            [
                BIN / "python",
                "manage.py",
                "shell",
                "-c",
                "from profiles.models import User; from profiles.services import "
                "welcome_new_member; from django.db import transaction\n"
                "with transaction.atomic(): welcome_new_member(user=User.objects.create_user("
                "email='ana@example.org', name='Ana'))",
            ],
            cwd=ROOT,
            env=embedded_env,
            check=True,
            timeout=60,
        )
        deadline = time.monotonic() + 60
        mail_dir = tmp_path / "mail"
        while time.monotonic() < deadline:
            log_text = log_path.read_text(errors="replace")
            mails = list(mail_dir.glob("*")) if mail_dir.exists() else []
            if mails and "Notification sweep:" in log_text:
                break
            time.sleep(0.3)
        else:
            pytest.fail(f"no sweep or no delivery within 60 s; worker log:\n{log_text[-3000:]}")
    finally:
        worker.terminate()
        worker.wait(timeout=20)

    assert "filesystem://" in log_text
    assert "Sending due task sweep-notifications" in log_text
    [mail] = mails
    assert "Welcome to Mentorship, Ana" in mail.read_text()
