"""Celery tasks for keeping pairs alive and ending pauses: thin wrappers around one service each."""

import logging

from celery import shared_task

from mentorship.notifications.services import send_digests as send_digests_service
from sessions_app.services import reminders
from sessions_app.services.closing import sweep_closing

logger = logging.getLogger(__name__)


@shared_task
def sweep_pairs() -> dict[str, int]:
    result = reminders.sweep_pairs()
    logger.info(
        "Pair sweep: %s session reminders, %s check-in reminders, %s pairs flagged, "
        "%s first-session nudges, %s quiet nudges, %s anniversaries",
        result.session_reminders,
        result.checkin_reminders,
        result.at_risk,
        result.no_first_session,
        result.quiet,
        result.anniversaries,
    )
    return {
        "session_reminders": result.session_reminders,
        "checkin_reminders": result.checkin_reminders,
        "at_risk": result.at_risk,
        "no_first_session": result.no_first_session,
        "quiet": result.quiet,
        "anniversaries": result.anniversaries,
    }


@shared_task
def send_digests() -> dict[str, int]:
    result = send_digests_service()
    logger.info("Digests: %s sent, carrying %s held notifications", result.digests, result.items)
    return {"digests": result.digests, "items": result.items}


@shared_task
def resume_due_mentorships() -> dict[str, int]:
    result = sweep_closing()
    logger.info(
        "Closing sweep: %s pauses ended, %s unanswered proposals closed",
        result.resumed,
        result.closed,
    )
    return {"resumed": result.resumed, "closed": result.closed}
