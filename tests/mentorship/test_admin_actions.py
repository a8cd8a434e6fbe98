"""Admin actions call the same services as the pages, and say what they did.

Cy (superuser) and Cora (a program admin) select rows of `admin_world.build`
and run an action from the list, as in the browser.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from matching.models import Mentorship, MentorshipRequest
from mentorship.notifications.models import Notification
from mentorship.roles import ensure_program_admin_group
from profiles.models import Goal, Profile
from sessions_app.models import Session
from tests.mentorship.admin_world import build, staff


def _act(client, model: str, action: str, rows, **extra):  # type: ignore[no-untyped-def]
    return client.post(
        reverse(f"admin:{model}_changelist"),
        {"action": action, "_selected_action": [row.pk for row in rows], **extra},
        follow=True,
    )


def _said(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def coordinator_cora(db: None):  # type: ignore[no-untyped-def]
    cora = staff("cora@example.org")
    cora.groups.add(ensure_program_admin_group())
    return cora


# --- Mentorships: pause and resume ---------------------------------------------------------


def test_pausing_asks_for_a_reason_first(client, coordinator_cora):
    world = build(2)
    client.force_login(coordinator_cora)
    response = _act(client, "matching_mentorship", "pause_selected", world.mentorships)
    assert response.status_code == 200
    assert "admin/matching/mentorship/pause_selected.html" in [t.name for t in response.templates]
    assert "Pause 2 mentorships" in response.content.decode()
    assert not Mentorship.objects.filter(status=Mentorship.Status.PAUSED).exists()


def test_an_empty_reason_shows_the_form_again_and_pauses_nothing(client, coordinator_cora):
    world = build(1)
    client.force_login(coordinator_cora)
    response = _act(
        client, "matching_mentorship", "pause_selected", world.mentorships, apply="yes", reason=""
    )
    assert response.context["form"].errors["reason"]
    assert Mentorship.objects.get().status == Mentorship.Status.ACTIVE


def test_a_program_admin_pauses_pairs_and_both_people_are_told_once(client, coordinator_cora):
    world = build(2)
    until = timezone.localdate() + timedelta(days=30)
    client.force_login(coordinator_cora)
    response = _act(
        client,
        "matching_mentorship",
        "pause_selected",
        world.mentorships,
        apply="yes",
        reason="The programme breaks for the summer.",
        until=until.isoformat(),
    )
    assert "2 mentorship(s) paused." in _said(response)
    for mentorship in Mentorship.objects.all():
        assert mentorship.status == Mentorship.Status.PAUSED
        assert (mentorship.paused_by, mentorship.pause_until) == (coordinator_cora, until)
        told = Notification.objects.filter(
            kind="mentorship_paused", key__startswith=f"mentorship:{mentorship.pk}:paused:"
        )
        assert sorted(told.values_list("recipient", flat=True)) == sorted(
            [mentorship.mentee_id, mentorship.mentor_id]
        )
        assert all(n.subject.startswith("The program team paused") for n in told)
    # The service cancels their booked sessions, as a pause from the page does.
    assert set(Session.objects.values_list("status", flat=True)) == {Session.Status.CANCELLED}
    # Clicked again: already paused, said so, nobody told twice.
    count = Notification.objects.filter(kind="mentorship_paused").count()
    again = _act(
        client,
        "matching_mentorship",
        "pause_selected",
        world.mentorships[:1],
        apply="yes",
        reason="Again",
    )
    assert any("already paused" in message for message in _said(again))
    assert Notification.objects.filter(kind="mentorship_paused").count() == count


def test_the_mentorship_page_says_the_program_team_paused_it(client, coordinator_cora):
    world = build(1)
    client.force_login(coordinator_cora)
    _act(
        client, "matching_mentorship", "pause_selected", world.mentorships,
        apply="yes", reason="Summer break.",
    )  # fmt: skip
    mentorship = world.mentorships[0]
    client.force_login(mentorship.mentee)
    page = client.get(reverse("matching:mentorship", args=[mentorship.pk]))
    assert "Paused by the program team" in page.content.decode()


def test_a_program_admin_resumes_a_paused_pair_and_both_are_told(client, coordinator_cora):
    world = build(2)
    paused, active = world.mentorships
    Mentorship.objects.filter(pk=paused.pk).update(
        status=Mentorship.Status.PAUSED, paused_by=paused.mentee, pause_reason="Exams"
    )
    client.force_login(coordinator_cora)
    response = _act(client, "matching_mentorship", "resume_selected", [paused, active])
    said = _said(response)
    assert "1 mentorship(s) resumed." in said
    assert any("is not paused" in message for message in said)
    paused.refresh_from_db()
    assert (paused.status, paused.pause_reason) == (Mentorship.Status.ACTIVE, "")
    told = Notification.objects.filter(kind="mentorship_resumed")
    assert sorted(told.values_list("recipient", flat=True)) == sorted(
        [paused.mentee_id, paused.mentor_id]
    )


# --- Requests: remind and expire -----------------------------------------------------------


def test_reminding_sends_the_next_reminder_once(client, coordinator_cora):
    world = build(1)
    request = world.requests[0]
    client.force_login(coordinator_cora)
    response = _act(client, "matching_mentorshiprequest", "remind_mentors", [request])
    assert "1 mentor(s) reminded." in _said(response)
    request.refresh_from_db()
    assert request.reminders_sent == 1
    reminder = Notification.objects.get(key=f"request:{request.pk}:reminder:1")
    assert reminder.recipient == request.mentor


def test_expiring_ends_waiting_requests_only_and_tells_the_mentee(client, admin_cy):
    world = build(2)
    waiting, answered = world.requests
    MentorshipRequest.objects.filter(pk=answered.pk).update(
        status=MentorshipRequest.Status.DECLINED
    )
    client.force_login(admin_cy)
    response = _act(client, "matching_mentorshiprequest", "expire_now", [waiting, answered])
    said = _said(response)
    assert "1 request(s) expired." in said
    assert "1 left as they were (nothing to do)." in said
    waiting.refresh_from_db()
    answered.refresh_from_db()
    assert waiting.status == MentorshipRequest.Status.EXPIRED
    assert answered.status == MentorshipRequest.Status.DECLINED
    assert Notification.objects.filter(kind="request_expired", recipient=waiting.mentee).exists()


# --- People: mentoring on and off, goals and milestones --------------------------------------


def test_pausing_and_resuming_mentoring_goes_through_the_profile_services(client, admin_cy):
    build(2)
    mentors = list(Profile.objects.filter(is_mentor=True))
    mentee = Profile.objects.filter(is_mentee=True).first()
    client.force_login(admin_cy)
    paused = _act(client, "profiles_profile", "pause_mentoring", [*mentors, mentee])
    assert "2 mentor(s) paused: no new requests." in _said(paused)
    assert "1 left as they were (nothing to do)." in _said(paused)
    assert not Profile.objects.filter(is_mentor=True, accepting_mentees=True).exists()
    Profile.objects.filter(pk=mentors[0].pk).update(
        paused_until=timezone.localdate() + timedelta(days=9)
    )
    resumed = _act(client, "profiles_profile", "resume_mentoring", mentors)
    assert "2 mentor(s) take requests again." in _said(resumed)
    for profile in Profile.objects.filter(is_mentor=True):
        assert profile.accepting_mentees
        assert profile.paused_until is None
        # resume_mentoring starts a fresh count of expired requests, as the resume link does.
        assert profile.expiry_streak_since is not None


def test_marking_a_goal_achieved_tells_the_mentor_of_the_pair(client, admin_cy):
    world = build(1)
    goal = world.goals[0]
    world.mentorships[0].goals.add(goal)
    client.force_login(admin_cy)
    response = _act(client, "profiles_goal", "mark_achieved", [goal])
    assert "1 goal(s) marked achieved." in _said(response)
    goal.refresh_from_db()
    assert goal.status == Goal.Status.ACHIEVED
    assert goal.achieved_at is not None
    mentor = world.mentorships[0].mentor
    assert Notification.objects.filter(
        recipient=mentor, key__startswith=f"goal:{goal.pk}:achieved"
    ).exists()
    again = _act(client, "profiles_goal", "mark_achieved", [goal])
    assert "1 left as they were (nothing to do)." in _said(again)


def test_marking_a_milestone_done(client, admin_cy):
    world = build(1)
    milestone = world.milestones[0]
    client.force_login(admin_cy)
    response = _act(client, "profiles_milestone", "mark_done", [milestone])
    assert "1 milestone(s) marked done." in _said(response)
    milestone.refresh_from_db()
    assert milestone.done_at is not None


# --- Notifications ---------------------------------------------------------------------------


def test_retrying_failed_notifications_queues_them_again(client, admin_cy):
    world = build(2)
    failed, sent = world.notifications
    Notification.objects.filter(pk=sent.pk).update(
        status=Notification.Status.SENT, sent_at=timezone.now()
    )
    client.force_login(admin_cy)
    response = _act(client, "notifications_notification", "retry_selected", [failed, sent])
    assert "1 notification(s) queued to send again." in _said(response)
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.status, failed.attempts) == (Notification.Status.PENDING, 0)
    assert sent.status == Notification.Status.SENT


# --- Who may run them ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "action"),
    [
        ("profiles_goal", "mark_achieved"),
        ("profiles_profile", "pause_mentoring"),
        ("notifications_notification", "retry_selected"),
    ],
)
def test_a_program_admin_who_may_only_read_a_list_is_not_offered_its_actions(
    client, coordinator_cora, model, action
):
    world = build(1)
    rows = {
        "profiles_goal": world.goals,
        "profiles_profile": list(Profile.objects.filter(is_mentor=True)),
        "notifications_notification": world.notifications,
    }[model]
    client.force_login(coordinator_cora)
    listing = client.get(reverse(f"admin:{model}_changelist"))
    form = listing.context["action_form"]
    offered = dict(form.fields["action"].choices) if form is not None else {}
    assert action not in offered
    _act(client, model, action, rows)
    assert Goal.objects.get().status == Goal.Status.ACTIVE
    assert Profile.objects.filter(is_mentor=True, accepting_mentees=True).count() == 1
    assert Notification.objects.get().status == Notification.Status.FAILED
