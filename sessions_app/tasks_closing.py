"""The closing sweep's task: a thin wrapper around one service."""

import logging

from celery import shared_task

from sessions_app.services.closing import sweep_closing

logger = logging.getLogger(__name__)


@shared_task
def resume_due_mentorships() -> dict[str, int]:
    result = sweep_closing()
    logger.info(
        "Closing sweep: %s pauses ended, %s unanswered proposals closed",
        result.resumed,
        result.closed,
    )
    return {"resumed": result.resumed, "closed": result.closed}
