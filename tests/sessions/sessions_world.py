"""Ana (mentee, Lisbon) and Ben (mentor, Berlin) in a live mentorship; Dee is outside it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from matching import services as matching_services
from matching.models import Mentorship
from profiles.models import Profile, User
from sessions_app.models import Session
from sessions_app.services import sessions as services
from tests.matching.inbox_world import World, build


@pytest.fixture
def world(mentee_ana: User, mentor_ben: User, stranger_dee: User) -> World:
    return build(mentee_ana, mentor_ben, stranger_dee)


@pytest.fixture
def mentorship(world: World) -> Mentorship:
    return matching_services.accept_request(mentor=world.ben, request_id=world.request.pk)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def zone(user: User, name: str) -> None:
    Profile.objects.filter(user=user).update(time_zone=name)


def propose(
    mentorship: Mentorship, by: User, *starts: datetime, minutes: int = 45, **fields: str
) -> Session:
    return services.propose_session(
        user=by,
        mentorship_id=mentorship.pk,
        starts=list(starts),
        duration_minutes=minutes,
        agenda=fields.get("agenda", "Your first steps into data engineering"),
        location=fields.get("location", "https://meet.example.org/ana-ben"),
    )


def confirm_first(session: Session, by: User) -> Session:
    option = session.options.order_by("starts_at").first()
    assert option is not None
    return services.confirm_session(user=by, session_id=session.pk, option_id=option.pk)
