"""The tasks are thin wrappers, and beat runs both: the pair sweep and the hourly digests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings

from mentorship.celery import app
from profiles.models import Profile
from sessions_app import tasks
from tests.sessions.reminders_world import at, clock, pair

__all__ = ["clock", "pair"]

pytestmark = pytest.mark.django_db


def test_the_pair_sweep_task_runs_the_sweep_once(clock, pair):
    at(clock, days=7)
    assert tasks.sweep_pairs()["checkin_reminders"] == 1
    assert tasks.sweep_pairs()["checkin_reminders"] == 0


def test_the_digest_task_sends_held_notifications(clock, pair):
    Profile.objects.filter(user=pair.mentee).update(email_frequency="daily", time_zone="UTC")
    at(clock, days=7)  # 09:00 UTC: the check-in due message is held
    tasks.sweep_pairs()
    assert tasks.send_digests() == {"digests": 1, "items": 1}
    assert tasks.send_digests() == {"digests": 0, "items": 0}


def test_beat_schedules_the_pair_sweep_and_the_hourly_digests():
    schedule = app.conf.beat_schedule
    sweep = schedule["sweep-pairs"]
    assert sweep["task"] == "sessions_app.tasks.sweep_pairs"
    assert sweep["schedule"] in (
        settings.PAIR_SWEEP_SECONDS,
        timedelta(seconds=settings.PAIR_SWEEP_SECONDS),
    )
    digests = schedule["send-digests"]
    assert digests["task"] == "sessions_app.tasks.send_digests"
    assert digests["schedule"] == crontab(minute="0")
