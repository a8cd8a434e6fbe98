"""The Celery app: JSON only, late acks, and the whole beat schedule in one place."""

import os
from typing import Any

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

app = Celery("mentorship")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    accept_content=["json"],
    result_serializer="json",
    task_ignore_result=True,
    # A task is acknowledged only after it ran, so a killed worker's task runs
    # again elsewhere; every task is idempotent for that reason.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    # Publishing happens after commit in the web request; fail fast when the
    # broker is down (the outbox sweep re-publishes), instead of hanging.
    broker_connection_timeout=2,
    task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2},
    broker_connection_retry_on_startup=True,
    timezone="UTC",
)
app.autodiscover_tasks()


@app.on_after_configure.connect
def schedule_periodic_tasks(sender: Celery, **kwargs: Any) -> None:
    """The beat schedule: every periodic task of the platform, with why it runs."""
    from django.conf import settings

    # Deliver due notifications and recover rows stuck in "sending": the safety
    # net that makes a broker outage delay mail, never lose it.
    sender.add_periodic_task(
        settings.NOTIFICATION_SWEEP_SECONDS,
        sender.signature("mentorship.notifications.tasks.sweep_notifications"),
        name="sweep-notifications",
        # A sweep nobody ran in time is dropped: the next one covers it.
        expires=settings.NOTIFICATION_SWEEP_SECONDS,
    )
    # Remind mentors of requests left unanswered (after 3 and 7 days) and expire
    # them (after 14), pointing the mentee to other mentors. Each reminder is
    # claimed by a conditional update, so repeated or overlapping sweeps send it once.
    sender.add_periodic_task(
        settings.REQUEST_SWEEP_SECONDS,
        sender.signature("matching.tasks.sweep_requests"),
        name="sweep-requests",
        expires=settings.REQUEST_SWEEP_SECONDS,
    )
    # End pauses that reached their date (both told) and close proposals to end
    # that waited 14 days unanswered. Hourly: a pause ends within the first hour
    # of its day; each change is re-checked under the row's lock, so repeated or
    # overlapping runs change and tell once.
    sender.add_periodic_task(
        3600,
        sender.signature("sessions_app.tasks.resume_due_mentorships"),
        name="resume-due-mentorships",
        expires=3600,
    )
    # Keep pairs alive: session reminders with the invite, check-ins due and
    # reminded, pairs flagged to staff, no first session, gone quiet and
    # anniversaries. Each message has a unique outbox key, so repeated or
    # overlapping sweeps (or one after a broker outage) send it once.
    sender.add_periodic_task(
        settings.PAIR_SWEEP_SECONDS,
        sender.signature("sessions_app.tasks.sweep_pairs"),
        name="sweep-pairs",
        expires=settings.PAIR_SWEEP_SECONDS,
    )
    # Daily digests: hourly, on the hour, so each person's digest goes out in
    # the hour their local clock reaches DIGEST_HOUR (time zones differ by whole
    # or half hours; a half-hour zone gets it at the next run, within the hour).
    sender.add_periodic_task(
        crontab(minute="0"),
        sender.signature("sessions_app.tasks.send_digests"),
        name="send-digests",
        expires=3600,
    )
