"""Milestones and goals reached: the mentor is told once per milestone or goal, whichever
way it was ticked (goals page, goals API, check-in), and the mentee sees a celebration."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from matching.models import Mentorship
from mentorship.notifications.models import Notification
from profiles.models import User
from tests.factories import GoalFactory, MilestoneFactory
from tests.sessions.checkins_world import Pair, api_client, build_pair


@pytest.fixture
def pair(mentee_ana: User, mentor_ben: User, stranger_dee: User) -> Pair:
    return build_pair(mentee_ana, mentor_ben, stranger_dee)


def _toggle(client: Client, milestone_id: int, done: bool):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("profiles:milestone_toggle", args=[milestone_id]),
        {"done": "1" if done else "0"},
        follow=True,
    )


def test_ticking_a_milestone_on_the_goals_page_celebrates_and_tells_ben_once(
    client: Client, pair: Pair
) -> None:
    client.force_login(pair.ana)

    first = _toggle(client, pair.milestone.pk, True)
    _toggle(client, pair.milestone.pk, False)
    again = _toggle(client, pair.milestone.pk, True)

    assert "🎉 Milestone reached: Finish the SQL course. Keep going!" in first.content.decode()
    assert "🎉 Milestone reached" in again.content.decode()
    told = Notification.objects.filter(kind="milestone_completed")
    assert [(n.recipient, n.subject) for n in told] == [
        (pair.ben, "Ana reached a milestone: Finish the SQL course")
    ]


def test_achieving_a_linked_goal_tells_ben_once(client: Client, pair: Pair) -> None:
    client.force_login(pair.ana)
    url = reverse("profiles:goal_status", args=[pair.goal.pk])

    page = client.post(url, {"status": "achieved"}, follow=True)
    client.post(url, {"status": "active"})
    client.post(url, {"status": "achieved"})

    assert "🎉 Goal achieved: Move into a data engineering role" in page.content.decode()
    told = Notification.objects.get(kind="milestone_completed")
    assert told.recipient == pair.ben
    assert told.subject == "Ana achieved a goal: Move into a data engineering role"


def test_a_goal_not_linked_to_the_mentorship_tells_nobody(client: Client, pair: Pair) -> None:
    own = MilestoneFactory(goal=GoalFactory(owner=pair.ana, title="Learn the guitar"))
    client.force_login(pair.ana)

    _toggle(client, own.pk, True)

    assert not Notification.objects.filter(kind="milestone_completed").exists()


def test_an_ended_mentorship_tells_nobody(client: Client, pair: Pair) -> None:
    Mentorship.objects.filter(pk=pair.mentorship.pk).update(status=Mentorship.Status.ENDED)
    client.force_login(pair.ana)

    _toggle(client, pair.milestone.pk, True)

    assert not Notification.objects.filter(kind="milestone_completed").exists()


def test_the_goals_api_tells_ben_too(pair: Pair) -> None:
    response = api_client(pair.ana).patch(
        f"/api/v1/milestones/{pair.milestone.pk}/", {"done": True}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert Notification.objects.get(kind="milestone_completed").recipient == pair.ben


def test_a_milestone_ticked_in_a_check_in_tells_ben_once(client: Client, pair: Pair) -> None:
    client.force_login(pair.ana)
    form = client.get(reverse("sessions_app:checkin_new", args=[pair.mentorship.pk]))
    assert "Finish the SQL course (Move into a data engineering role)" in form.content.decode()

    client.post(
        reverse("sessions_app:checkin_new", args=[pair.mentorship.pk]),
        {
            "token": str(form.context["form"].initial["token"]),
            "progress": "5",
            "milestones": [str(pair.milestone.pk)],
        },
    )
    _toggle(client, pair.milestone.pk, False)
    _toggle(client, pair.milestone.pk, True)

    assert Notification.objects.filter(kind="milestone_completed").count() == 1
    assert Notification.objects.filter(kind="checkin_submitted").count() == 1


def test_the_emails_reach_the_mailbox_with_their_words(
    client: Client, pair: Pair, mailoutbox
) -> None:  # type: ignore[no-untyped-def]
    from mentorship.notifications.services import deliver_notification
    from sessions_app.services.checkins import acknowledge_checkin, record_checkin

    saved = record_checkin(
        user=pair.ana,
        mentorship_id=pair.mentorship.pk,
        progress=3,
        wins="Ran my first model",
        blockers="Time & focus",
        milestone_ids=[pair.milestone.pk],
    )
    acknowledge_checkin(user=pair.ben, checkin_id=saved.pk, comment="Proud of you <3")
    for notification in Notification.objects.filter(
        kind__in=["checkin_submitted", "checkin_acknowledged", "milestone_completed"]
    ):
        deliver_notification(notification_id=notification.pk)

    sent = {m.subject: m for m in mailoutbox}
    submitted = sent["Ana checked in: progress 3 of 5"]
    assert "Time & focus" in submitted.body  # plain text is not HTML-escaped
    assert "Milestones reached: Finish the SQL course" in submitted.body
    assert "Time &amp; focus" in submitted.alternatives[0][0]
    acknowledged = sent["Ben read your check-in"]
    assert "Proud of you <3" in acknowledged.body
    assert "Proud of you &lt;3" in acknowledged.alternatives[0][0]
    assert "Ana reached a milestone: Finish the SQL course" in sent
