"""Goals and milestones pages: own rows only, bad input kept, celebrations recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from profiles.models import Goal, Milestone
from tests.factories import GoalFactory, MilestoneFactory, SkillFactory

HX = {"HX-Request": "true"}


@pytest.fixture
def python(db):  # type: ignore[no-untyped-def]
    return SkillFactory(name="Python")


def _goal_data(**overrides: str) -> dict[str, str]:
    return {
        "title": "Lead my first design review",
        "description": "",
        "why_it_matters": "I want to grow into a lead role.",
        "target_date": "",
        "priority": "2",
        **overrides,
    }


def test_a_person_adds_a_goal_with_a_skill_and_sees_it_listed(client, mentee_ana, python):
    client.force_login(mentee_ana)

    response = client.post(
        reverse("profiles:goal_create"), _goal_data(skills_add="python"), follow=True
    )

    goal = Goal.objects.get(owner=mentee_ana)
    assert list(goal.skills.all()) == [python]
    html = response.content.decode()
    assert "Lead my first design review" in html
    assert "Python" in html


def test_an_unknown_skill_is_shown_next_to_the_field_and_what_was_typed_is_kept(
    client, mentee_ana, python
):
    client.force_login(mentee_ana)

    response = client.post(
        reverse("profiles:goal_create"), _goal_data(skills="Python", skills_add="Basket weaving")
    )

    assert response.status_code == 200
    assert not Goal.objects.exists()
    form = response.context["form"]
    assert "Basket weaving" in form.errors["skills"][0]
    html = response.content.decode()
    assert 'value="Lead my first design review"' in html
    assert 'value="Python" checked' in html


def test_a_target_date_in_the_past_is_refused_next_to_the_field(client, mentee_ana):
    client.force_login(mentee_ana)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()

    response = client.post(reverse("profiles:goal_create"), _goal_data(target_date=yesterday))

    assert response.status_code == 200
    assert response.context["form"].errors["target_date"] == ["The target date is in the past."]
    assert f'value="{yesterday}"' in response.content.decode()
    assert not Goal.objects.exists()


def test_editing_a_goal_to_achieved_celebrates_and_records_when(client, mentee_ana, python):
    goal = GoalFactory(owner=mentee_ana, title="Speak at a meetup", skills=[python])
    client.force_login(mentee_ana)

    response = client.post(
        reverse("profiles:goal_edit", args=[goal.pk]),
        _goal_data(title="Speak at a meetup", skills="Python", status="achieved"),
        follow=True,
    )

    goal.refresh_from_db()
    assert goal.status == Goal.Status.ACHIEVED
    assert goal.achieved_at is not None
    assert "Goal achieved: Speak at a meetup" in response.content.decode()


def test_marking_a_goal_achieved_by_htmx_returns_the_card_with_a_celebration(client, mentee_ana):
    goal = GoalFactory(owner=mentee_ana, title="Speak at a meetup")
    client.force_login(mentee_ana)

    response = client.post(
        reverse("profiles:goal_status", args=[goal.pk]), {"status": "achieved"}, headers=HX
    )

    html = response.content.decode()
    assert 'class="celebrate"' in html
    assert f'id="goal-{goal.pk}"' in html
    goal.refresh_from_db()
    assert goal.achieved_at is not None


def test_ticking_a_milestone_celebrates_once_and_records_done_at(client, mentee_ana):
    milestone = MilestoneFactory(goal=GoalFactory(owner=mentee_ana), title="Draft the agenda")
    client.force_login(mentee_ana)
    url = reverse("profiles:milestone_toggle", args=[milestone.pk])

    first = client.post(url, {"done": "1"}, headers=HX)
    milestone.refresh_from_db()
    done_at = milestone.done_at
    again = client.post(url, {"done": "1"}, headers=HX)

    assert "Milestone reached: Draft the agenda" in first.content.decode()
    assert 'class="celebrate"' not in again.content.decode()
    assert done_at is not None
    milestone.refresh_from_db()
    assert milestone.done_at == done_at


def test_unticking_a_milestone_clears_done_at(client, mentee_ana):
    milestone = MilestoneFactory(goal=GoalFactory(owner=mentee_ana), done_at=timezone.now())
    client.force_login(mentee_ana)

    response = client.post(reverse("profiles:milestone_toggle", args=[milestone.pk]), {"done": "0"})

    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_at is None


def test_adding_a_milestone_by_htmx_and_refusing_a_past_due_date(client, mentee_ana):
    goal = GoalFactory(owner=mentee_ana)
    client.force_login(mentee_ana)
    url = reverse("profiles:milestone_add", args=[goal.pk])
    past = (timezone.localdate() - timedelta(days=3)).isoformat()

    added = client.post(url, {"title": "Book a room"}, headers=HX)
    refused = client.post(url, {"title": "Send invites", "due_date": past}, headers=HX)

    assert "Book a room" in added.content.decode()
    html = refused.content.decode()
    assert "The target date is in the past." in html
    assert 'value="Send invites"' in html
    assert list(goal.milestones.values_list("title", flat=True)) == ["Book a room"]


def test_deleting_a_milestone_and_a_goal(client, mentee_ana):
    goal = GoalFactory(owner=mentee_ana)
    milestone = MilestoneFactory(goal=goal)
    client.force_login(mentee_ana)

    client.post(reverse("profiles:milestone_delete", args=[milestone.pk]), headers=HX)
    response = client.post(reverse("profiles:goal_delete", args=[goal.pk]), headers=HX)

    assert response.content == b""
    assert not Milestone.objects.exists()
    assert not Goal.objects.exists()


@pytest.mark.parametrize(
    ("method", "name", "data"),
    [
        ("get", "profiles:goal_edit", None),
        ("post", "profiles:goal_edit", {"title": "Mine now", "priority": "2", "status": "active"}),
        ("post", "profiles:goal_status", {"status": "achieved"}),
        ("post", "profiles:goal_delete", {}),
        ("post", "profiles:milestone_add", {"title": "Sneaky"}),
    ],
)
def test_another_persons_goal_answers_404(client, mentee_ana, stranger_dee, method, name, data):
    goal = GoalFactory(owner=mentee_ana, title="Ana goal")
    client.force_login(stranger_dee)

    response = getattr(client, method)(reverse(name, args=[goal.pk]), data)

    assert response.status_code == 404
    goal.refresh_from_db()
    assert (goal.title, goal.status, goal.milestones.count()) == ("Ana goal", "active", 0)


@pytest.mark.parametrize(
    ("name", "data"),
    [("profiles:milestone_toggle", {"done": "1"}), ("profiles:milestone_delete", {})],
)
def test_another_persons_milestone_answers_404(client, mentee_ana, stranger_dee, name, data):
    milestone = MilestoneFactory(goal=GoalFactory(owner=mentee_ana))
    client.force_login(stranger_dee)

    response = client.post(reverse(name, args=[milestone.pk]), data, headers=HX)

    assert response.status_code == 404
    milestone.refresh_from_db()
    assert milestone.done_at is None


def test_the_goals_list_shows_only_own_goals(client, mentee_ana, stranger_dee):
    GoalFactory(owner=mentee_ana, title="Ana goal")
    GoalFactory(owner=stranger_dee, title="Dee goal")
    client.force_login(stranger_dee)

    html = client.get(reverse("profiles:goals")).content.decode()

    assert "Dee goal" in html
    assert "Ana goal" not in html


def test_the_goals_list_runs_a_fixed_number_of_queries(
    client, mentee_ana, python, django_assert_num_queries
):
    for n in range(6):
        goal = GoalFactory(owner=mentee_ana, title=f"Goal {n}", skills=[python])
        MilestoneFactory.create_batch(3, goal=goal)
    client.force_login(mentee_ana)

    # session, user, goals, their skills, their milestones, unread badge count,
    # the navigation's inbox count and mentorships link
    with django_assert_num_queries(7):
        response = client.get(reverse("profiles:goals"))
    assert len(response.context["goals"]) == 6


def test_pages_need_log_in(client, db):
    response = client.get(reverse("profiles:goals"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_adding_a_milestone_without_htmx_shows_the_error_on_that_goal(client, mentee_ana):
    goal = GoalFactory(owner=mentee_ana)
    client.force_login(mentee_ana)

    response = client.post(reverse("profiles:milestone_add", args=[goal.pk]), {"title": " "})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not goal.milestones.exists()
