"""A double submit that really arrives twice at once, on PostgreSQL's row locks."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection

from mentorship.notifications.models import Notification
from profiles.models import User
from sessions_app.models import CheckIn
from sessions_app.services.checkins import acknowledge_checkin, record_checkin
from tests.matching.test_requests import run_together
from tests.sessions.checkins_world import build_pair


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_form_sent_twice_at_once_saves_one_check_in(
    mentee_ana: User, mentor_ben: User, stranger_dee: User
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real concurrent transactions")
    pair = build_pair(mentee_ana, mentor_ben, stranger_dee)
    token = uuid.uuid4()

    def submit() -> CheckIn:
        return record_checkin(
            user=pair.ana, mentorship_id=pair.mentorship.pk, progress=4, wins="x", form_token=token
        )

    results = run_together(submit, submit)

    assert sorted(type(r).__name__ for r in results) == ["CheckIn", "Conflict"]
    assert CheckIn.objects.count() == 1
    saved = CheckIn.objects.get()
    acks = run_together(
        lambda: acknowledge_checkin(user=pair.ben, checkin_id=saved.pk),
        lambda: acknowledge_checkin(user=pair.ben, checkin_id=saved.pk),
    )
    assert [type(r).__name__ for r in acks] == ["CheckIn", "CheckIn"]
    assert Notification.objects.filter(kind="checkin_acknowledged").count() == 1
