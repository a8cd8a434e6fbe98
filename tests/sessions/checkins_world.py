"""Ana (mentee) and Ben (mentor) in a weekly mentorship on Ana's data-engineering goal;
Dee is a stranger to it. Helpers to write check-ins and sessions on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from rest_framework.test import APIClient

from matching import services as matching_services
from matching.models import Mentorship
from profiles.models import Goal, Milestone, User
from sessions_app.models import CheckIn, Session
from tests.matching.inbox_world import build


@dataclass
class Pair:
    ana: User
    ben: User
    dee: User
    goal: Goal
    milestone: Milestone
    mentorship: Mentorship


def build_pair(mentee_ana: User, mentor_ben: User, stranger_dee: User) -> Pair:
    world = build(mentee_ana, mentor_ben, stranger_dee)
    mentorship = matching_services.accept_request(mentor=world.ben, request_id=world.request.pk)
    Mentorship.objects.filter(pk=mentorship.pk).update(frequency=Mentorship.Frequency.WEEKLY)
    mentorship.refresh_from_db()
    return Pair(
        world.ana, world.ben, world.dee, world.goal, world.goal.milestones.get(), mentorship
    )


def api_client(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def started(mentorship: Mentorship, days_ago: int, *, now: datetime) -> None:
    """Move the mentorship's start `days_ago` days before `now`."""
    Mentorship.objects.filter(pk=mentorship.pk).update(started_at=now - timedelta(days=days_ago))
    mentorship.refresh_from_db()


def checkin(
    mentorship: Mentorship, *, at: datetime, progress: int = 4, **fields: object
) -> CheckIn:
    return CheckIn.objects.create(
        mentorship=mentorship,
        author_id=mentorship.mentee_id,
        progress=progress,
        wins=str(fields.pop("wins", "Shipped the first dashboard")),
        created_at=at,
        **fields,  # type: ignore[arg-type]
    )


def session(
    mentorship: Mentorship, *, at: datetime, status: str = Session.Status.COMPLETED
) -> Session:
    return Session.objects.create(
        mentorship=mentorship,
        proposed_by_id=mentorship.mentee_id,
        status=status,
        starts_at=at,
        confirmed_at=at - timedelta(days=2),
    )
