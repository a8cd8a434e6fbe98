"""Celery tasks for requests: thin wrappers around one service each."""

import logging

from celery import shared_task

from matching import services

logger = logging.getLogger(__name__)


@shared_task
def sweep_requests() -> dict[str, int]:
    result = services.sweep_requests()
    logger.info(
        "Request sweep: %s reminded, %s expired, %s mentors paused",
        result.reminded,
        result.expired,
        result.paused,
    )
    return {"reminded": result.reminded, "expired": result.expired, "paused": result.paused}


@shared_task(acks_late=True)
def solve_match_run(run_id: int) -> bool:
    """Solve a queued bulk match into a draft (a redelivered task finds it claimed)."""
    from matching import services_bulk

    return services_bulk.solve_match_run(run_id=run_id)
