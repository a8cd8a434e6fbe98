"""Celery tasks: thin wrappers that take ids and call one service each."""

import logging

from celery import shared_task
from celery.app.task import Task

from mentorship.notifications import services

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=None)
def deliver_notification(self: Task, notification_id: int) -> str:
    outcome = services.deliver_notification(notification_id=notification_id)
    if outcome.retry_in is not None:
        # The row is already rescheduled; this retry only makes it prompt. If
        # it is lost, the sweep still sends the row when it is due.
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task
def sweep_notifications() -> dict[str, int]:
    result = services.sweep_notifications()
    logger.info(
        "Notification sweep: %s due, %s delivered, %s recovered from a stalled send",
        result.attempted,
        result.delivered,
        result.recovered,
    )
    return {
        "attempted": result.attempted,
        "delivered": result.delivered,
        "recovered": result.recovered,
    }
