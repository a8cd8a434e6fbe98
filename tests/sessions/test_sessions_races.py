"""Two people clicking at once: the session row lock gives one outcome (PostgreSQL only;
SQLite ignores `select_for_update`)."""

from __future__ import annotations

import pytest
from django.db import connection

from matching.models import Mentorship
from mentorship.notifications.models import Notification
from sessions_app.models import Session
from sessions_app.services import sessions as services
from tests.matching.inbox_world import World
from tests.matching.test_requests import run_together
from tests.sessions.sessions_world import mentorship, propose, utc, world

__all__ = ["mentorship", "world"]

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real concurrent transactions")


def test_two_different_confirmations_at_once_give_one_time(world: World, mentorship: Mentorship):
    session = propose(mentorship, world.ana, utc(2027, 3, 23, 18), utc(2027, 3, 24, 18))
    first, second = session.options.order_by("starts_at")

    results = run_together(
        lambda: services.confirm_session(user=world.ben, session_id=session.pk, option_id=first.pk),
        lambda: services.confirm_session(
            user=world.ben, session_id=session.pk, option_id=second.pk
        ),
    )

    assert sorted(type(r).__name__ for r in results) == ["Conflict", "Session"]
    assert Notification.objects.filter(kind="session_confirmed").count() == 2


def test_the_same_confirmation_twice_at_once_sends_one_invite_each(
    world: World, mentorship: Mentorship
):
    session = propose(mentorship, world.ana, utc(2027, 3, 23, 18))
    option = session.options.get()

    results = run_together(
        *[
            lambda: services.confirm_session(
                user=world.ben, session_id=session.pk, option_id=option.pk
            )
        ]
        * 2
    )

    assert [type(r).__name__ for r in results] == ["Session", "Session"]
    assert Notification.objects.filter(kind="session_confirmed").count() == 2


def test_confirm_racing_cancel_ends_cancelled_and_consistent(world: World, mentorship: Mentorship):
    session = propose(mentorship, world.ana, utc(2027, 3, 23, 18))
    option = session.options.get()

    confirmed, cancelled = run_together(
        lambda: services.confirm_session(
            user=world.ben, session_id=session.pk, option_id=option.pk
        ),
        lambda: services.cancel_session(user=world.ana, session_id=session.pk, reason="Sorry"),
    )

    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert isinstance(cancelled, Session)
    cancels = Notification.objects.filter(kind="session_cancelled")
    if isinstance(confirmed, Session):
        # The confirm won: both were invited, then both got the calendar CANCEL.
        assert Notification.objects.filter(kind="session_confirmed").count() == 2
        assert cancels.count() == 2
        assert all(n.attachments for n in cancels)
    else:
        # The cancel won: nothing was ever booked, Ben is told and no invite exists.
        assert type(confirmed).__name__ == "Conflict"
        assert not Notification.objects.filter(kind="session_confirmed").exists()
        assert [n.recipient for n in cancels] == [world.ben]
