"""People for the pause and close tests: Ana is mentored by Ben on one linked goal.

Dee is a stranger to both. Import the fixtures into a test module to use them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from matching import services
from matching.models import Mentorship
from mentorship.notifications.models import Notification
from profiles.models import User
from sessions_app.models import Session
from sessions_app.services.closing import GoalOutcomeInput, ReflectionInput
from tests.matching.inbox_world import World, build

NOW = "2026-03-10 09:00:00+00:00"


@pytest.fixture
def frozen() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(
    frozen: time_machine.Coordinates, mentee_ana: User, mentor_ben: User, stranger_dee: User
) -> World:
    return build(mentee_ana, mentor_ben, stranger_dee)


@pytest.fixture
def mentorship(world: World) -> Mentorship:
    return services.accept_request(mentor=world.ben, request_id=world.request.pk)


def session(mentorship: Mentorship, status: str, starts_in: timedelta | None) -> Session:
    starts_at: datetime | None = timezone.now() + starts_in if starts_in is not None else None
    return Session.objects.create(
        mentorship=mentorship,
        proposed_by=mentorship.mentee,
        status=status,
        starts_at=starts_at,
        duration_minutes=45,
    )


def reflection(world: World, *, outcome: str = "progressed", **changes: object) -> ReflectionInput:
    values: dict[str, object] = {
        "reflection": "I learned to ask for help early.",
        "goal_outcomes": (GoalOutcomeInput(world.goal.pk, outcome, "Two interviews booked"),),
        "thank_you": "Thank you for every Tuesday evening.",
        "rating": 5,
        "private_feedback": "PRIVATE: the matching could ask about time zones.",
        "stay_in_touch": True,
        "become_mentor": False,
    }
    values.update(changes)
    return ReflectionInput(**values)  # type: ignore[arg-type]


def form_data(world: World, *, outcome: str | None = None, **changes: object) -> dict[str, object]:
    """What the reflection form posts: `outcome` only when proposing."""
    data: dict[str, object] = {
        "reflection": "Ben helped me plan the move into data, one step a fortnight.",
        f"goal_{world.goal.pk}": "achieved",
        f"goal_{world.goal.pk}_note": "Started as a junior data engineer",
        "thank_you": "Thank you, Ben: you made it feel possible.",
        "rating": "5",
        "private_feedback": "PRIVATE-ANA: more evening slots would help other mentees.",
        "stay_in_touch": "on",
    }
    if outcome:
        data["outcome"] = outcome
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def sent(kind: str, to: User | None = None) -> list[Notification]:
    rows = Notification.objects.filter(kind=kind)
    if to is not None:
        rows = rows.filter(recipient=to)
    return list(rows)
