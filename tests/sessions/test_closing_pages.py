"""Pausing and ending on the pages: the mentorship page's banner and card, the forms,
the summary, and who may see what.

Ana is mentored by Ben; Dee is a stranger. The clock stands at 10 March 2026.
"""

# ruff: noqa: F811  (the world's fixtures are imported, then named as arguments)

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.admin.sites import AdminSite
from django.test import Client
from django.urls import reverse

from matching.models import Mentorship
from profiles.models import Goal, Milestone, Profile
from sessions_app.admin_closing import ReflectionAdmin
from sessions_app.models import CheckIn, Reflection, Session
from sessions_app.services import closing
from tests.matching.inbox_world import World
from tests.sessions.closing_world import (  # noqa: F401  (fixtures)
    form_data,
    frozen,
    mentorship,
    reflection,
    sent,
    session,
    world,
)

Status = Mentorship.Status


def _html(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def _url(name: str, m: Mentorship) -> str:
    return reverse(f"sessions_app:{name}", args=[m.pk])


def _page(client: Client, m: Mentorship) -> str:
    return _html(client.get(reverse("matching:mentorship", args=[m.pk])))


def _closed(world: World, m: Mentorship) -> Mentorship:
    """Ana proposes (completed), Ben agrees: both reflections written."""
    closing.propose_close(
        user=world.ana,
        mentorship_id=m.pk,
        outcome="completed",
        reflection=reflection(
            world,
            outcome="achieved",
            thank_you="ANA-THANKS: you made it feel possible.",
            private_feedback="ANA-PRIVATE: the program could offer more evening slots.",
            rating=4,
            become_mentor=True,
        ),
    )
    closing.agree_close(
        user=world.ben,
        mentorship_id=m.pk,
        reflection=reflection(
            world,
            thank_you="BEN-THANKS: it was a joy to see you grow.",
            private_feedback="BEN-PRIVATE: Ana was late twice.",
            rating=2,
        ),
    )
    return Mentorship.objects.get(pk=m.pk)


# --- Pausing and resuming ------------------------------------------------------------------------


def test_the_card_offers_pause_and_end_on_an_active_mentorship(client, world, mentorship):
    client.force_login(world.ana)

    html = _page(client, mentorship)

    assert "Pause or end" in html
    assert _url("mentorship_pause", mentorship) in html
    assert _url("mentorship_close", mentorship) in html


def test_pausing_on_the_page_shows_the_banner_to_both(client, world, mentorship):
    booked = session(mentorship, "confirmed", timedelta(days=2))
    client.force_login(world.ben)
    assert "Pause your mentorship" in _html(client.get(_url("mentorship_pause", mentorship)))

    response = client.post(
        _url("mentorship_pause", mentorship),
        {"reason": "A product launch takes my evenings.", "until": "2026-04-03"},
    )

    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.status == Session.Status.CANCELLED
    client.force_login(world.ana)
    html = _page(client, mentorship)
    assert "Paused by Ben" in html
    assert "until <time" in html
    assert "3 April</time>" in html
    assert "A product launch takes my evenings." in html
    assert _url("mentorship_resume", mentorship) in html
    client.force_login(world.ben)
    assert "Paused by you" in _page(client, mentorship)


def test_a_pause_form_with_a_mistake_keeps_what_was_typed(client, world, mentorship):
    client.force_login(world.ana)

    response = client.post(
        _url("mentorship_pause", mentorship), {"reason": "Exams in June", "until": "2026-12-01"}
    )

    assert response.status_code == 400
    html = _html(response)
    assert "at most three months" in html
    assert "Exams in June" in html
    assert Mentorship.objects.get(pk=mentorship.pk).status == Status.ACTIVE


def test_pausing_a_paused_mentorship_answers_409_with_the_reason(client, world, mentorship):
    closing.pause_mentorship(user=world.ben, mentorship_id=mentorship.pk, reason="Travel")
    client.force_login(world.ana)

    response = client.post(_url("mentorship_pause", mentorship), {"reason": "Me too"})

    assert response.status_code == 409
    assert "already paused" in _html(response)
    # The form page itself sends a paused pair back to the mentorship.
    assert client.get(_url("mentorship_pause", mentorship)).status_code == 302


def test_resuming_on_the_page(client, world, mentorship):
    closing.pause_mentorship(user=world.ben, mentorship_id=mentorship.pk, reason="Travel")
    client.force_login(world.ana)

    response = client.post(_url("mentorship_resume", mentorship), follow=True)

    assert "Resumed: Ben is told" in _html(response)
    assert Mentorship.objects.get(pk=mentorship.pk).status == Status.ACTIVE
    # Resuming again is refused with a message, not an error page.
    again = client.post(_url("mentorship_resume", mentorship), follow=True)
    assert "This mentorship is not paused." in _html(again)


# --- Ending ------------------------------------------------------------------------------------


def test_propose_on_the_page_then_the_other_agrees(client, world, mentorship):
    client.force_login(world.ana)
    form = _html(client.get(_url("mentorship_close", mentorship)))
    assert "End your mentorship" in form
    assert world.goal.title in form
    assert "I&#x27;d like to become a mentor" in form

    response = client.post(
        _url("mentorship_close", mentorship), form_data(world, outcome="completed")
    )

    assert response.status_code == 302
    m = Mentorship.objects.get(pk=mentorship.pk)
    assert (m.status, m.close_proposed_by_id) == (Status.ACTIVE, world.ana.pk)
    html = _page(client, m)
    assert "You proposed to end" in html
    assert _url("mentorship_close_withdraw", m) in html

    client.force_login(world.ben)
    html = _page(client, m)
    assert "Ana proposed to end:" in html
    assert "Add your reflection and agree" in html
    agree = _html(client.get(_url("mentorship_close", m)))
    assert "Ana proposes to end" in agree
    assert "We reached what we set out to do" in agree
    assert "Thank you, Ben: you made it feel possible." in agree
    assert "PRIVATE-ANA" not in agree
    # A mentor is not asked whether they would like to become a mentor.
    assert "become a mentor" not in agree

    response = client.post(_url("mentorship_close", m), form_data(world, thank_you="Thanks!"))
    assert response.status_code == 302
    assert response["Location"] == _url("mentorship_summary", m)
    # The double submit: it closed with the first; no second closing.
    again = client.post(_url("mentorship_close", m), form_data(world))
    assert again.status_code == 302
    assert Mentorship.objects.get(pk=m.pk).status == Status.COMPLETED
    assert len(sent("mentorship_closed")) == 2


def test_a_reflection_form_with_a_mistake_keeps_what_was_typed(client, world, mentorship):
    client.force_login(world.ana)

    response = client.post(
        _url("mentorship_close", mentorship),
        form_data(world, outcome="completed", reflection="", thank_you="KEEP-ME"),
    )

    assert response.status_code == 400
    html = _html(response)
    assert "Write a few words of reflection" in html
    assert "KEEP-ME" in html
    assert not Reflection.objects.exists()


def test_proposing_twice_sends_back_to_the_mentorship(client, world, mentorship):
    client.force_login(world.ana)
    client.post(_url("mentorship_close", mentorship), form_data(world, outcome="ended"))

    response = client.post(
        _url("mentorship_close", mentorship), form_data(world, outcome="ended"), follow=True
    )

    assert "You have proposed to end" in _html(response)
    assert len(sent("close_proposed")) == 1


def test_withdrawing_on_the_page(client, world, mentorship):
    closing.propose_close(
        user=world.ana,
        mentorship_id=mentorship.pk,
        outcome="completed",
        reflection=reflection(world),
    )
    client.force_login(world.ben)
    refused = client.post(_url("mentorship_close_withdraw", mentorship), follow=True)
    assert "Only Ana, who proposed it, can withdraw it." in _html(refused)

    client.force_login(world.ana)
    response = client.post(_url("mentorship_close_withdraw", mentorship), follow=True)

    assert "You withdrew your proposal" in _html(response)
    assert Mentorship.objects.get(pk=mentorship.pk).close_proposed_by_id is None


def test_after_an_automatic_close_the_other_writes_a_reflection_once(
    client, world, mentorship, frozen
):
    closing.propose_close(
        user=world.ana,
        mentorship_id=mentorship.pk,
        outcome="completed",
        reflection=reflection(world),
    )
    frozen.move_to("2026-03-25 09:00:00+00:00")
    closing.sweep_closing()
    client.force_login(world.ben)
    assert "Your reflection is missing" in _page(client, mentorship)
    assert client.get(_url("mentorship_close", mentorship))["Location"] == _url(
        "mentorship_reflection", mentorship
    )

    response = client.post(
        _url("mentorship_reflection", mentorship), form_data(world, thank_you="LATE-THANKS")
    )

    assert response["Location"] == _url("mentorship_summary", mentorship)
    assert "LATE-THANKS" in _html(client.get(_url("mentorship_summary", mentorship)))
    again = client.get(_url("mentorship_reflection", mentorship))
    assert again["Location"] == _url("mentorship_summary", mentorship)
    assert Reflection.objects.filter(author=world.ben).count() == 1


# --- The summary ---------------------------------------------------------------------------------


def test_the_summary_shows_what_they_achieved_and_never_the_others_private_words(
    client, world, mentorship
):
    held = session(mentorship, "completed", timedelta(days=-7))
    Session.objects.filter(pk=held.pk).update(completed_at=held.starts_at)
    session(mentorship, "cancelled", None)
    CheckIn.objects.create(mentorship=mentorship, author=world.ana, progress=4)
    Milestone.objects.filter(goal=world.goal).update(done_at=held.starts_at)
    Profile.objects.filter(user=world.ben).update(contact_links=["https://cal.example.org/ben"])
    m = _closed(world, mentorship)
    client.force_login(world.ana)

    response = client.get(_url("mentorship_summary", m))

    summary = response.context["summary"]
    assert (summary.sessions_held, summary.checkins, summary.milestones_reached) == (1, 1, 1)
    html = _html(response)
    assert "What you achieved together" in html
    assert "Finish the SQL course" in html
    assert "ANA-THANKS" in html
    assert "BEN-THANKS" in html
    assert "Achieved" in html
    assert "Good progress" in html
    # Both said yes: contact links are shown.
    assert "https://cal.example.org/ben" in html
    # Ana ticked "become a mentor" and is not one yet: the next step is shown.
    assert reverse("profiles:onboarding_roles") in html
    for private in ("BEN-PRIVATE", "ANA-PRIVATE"):
        assert private not in html
    assert not hasattr(summary.theirs, "private_feedback")
    assert not hasattr(summary.theirs, "rating")
    # The goal Ana marked achieved is achieved on her profile.
    assert Goal.objects.get(pk=world.goal.pk).status == Goal.Status.ACHIEVED

    client.force_login(world.ben)
    html = _html(client.get(_url("mentorship_summary", m)))
    assert "ANA-THANKS" in html
    assert "ANA-PRIVATE" not in html
    assert "BEN-PRIVATE" not in html
    assert reverse("profiles:onboarding_roles") not in html


def test_contact_links_only_when_both_stay_in_touch(client, world, mentorship):
    Profile.objects.filter(user=world.ben).update(contact_links=["https://cal.example.org/ben"])
    closing.propose_close(
        user=world.ana, mentorship_id=mentorship.pk, outcome="ended", reflection=reflection(world)
    )
    closing.agree_close(
        user=world.ben,
        mentorship_id=mentorship.pk,
        reflection=reflection(world, stay_in_touch=False),
    )
    client.force_login(world.ana)

    html = _html(client.get(_url("mentorship_summary", mentorship)))

    assert "https://cal.example.org/ben" not in html
    assert "Contact links are shared only when you both do" in html


def test_the_summary_waits_for_the_end_and_the_list_links_to_it(client, world, mentorship):
    client.force_login(world.ana)
    assert client.get(_url("mentorship_summary", mentorship)).status_code == 302
    assert _url("mentorship_summary", mentorship) not in _html(
        client.get(reverse("matching:mentorships"))
    )

    _closed(world, mentorship)

    assert _url("mentorship_summary", mentorship) in _html(
        client.get(reverse("matching:mentorships"))
    )
    assert "See your summary" in _page(client, mentorship)


@pytest.mark.parametrize("goals", [1, 4])
def test_the_summary_costs_the_same_queries_for_any_number_of_goals(
    client, world, mentorship, django_assert_num_queries, goals
):
    for n in range(goals - 1):
        goal = Goal.objects.create(owner=world.ana, title=f"Goal {n}")
        Milestone.objects.create(goal=goal, title=f"Step {n}")
        mentorship.goals.add(goal)
    _closed(world, mentorship)
    client.force_login(world.ana)

    # session, user, the mentorship (both people's profiles, the programme, the session
    # and check-in counts), its goals, their milestones, the reflections, their goal
    # outcomes, the notification badge and the navigation's counts.
    with django_assert_num_queries(9):
        response = client.get(_url("mentorship_summary", mentorship))
    assert len(response.context["summary"].goals) == goals


# --- Strangers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("mentorship_pause", "get"),
        ("mentorship_pause", "post"),
        ("mentorship_resume", "post"),
        ("mentorship_close", "get"),
        ("mentorship_close", "post"),
        ("mentorship_close_withdraw", "post"),
        ("mentorship_reflection", "get"),
        ("mentorship_reflection", "post"),
        ("mentorship_summary", "get"),
    ],
)
def test_strangers_get_404_on_every_page(client, world, mentorship, name, method):
    _closed(world, mentorship) if name in {"mentorship_summary", "mentorship_reflection"} else None
    client.force_login(world.dee)

    response = getattr(client, method)(_url(name, mentorship), form_data(world, outcome="ended"))

    assert response.status_code == 404


def test_the_pages_ask_to_log_in(client, world, mentorship):
    response = client.get(_url("mentorship_close", mentorship))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- The admin -----------------------------------------------------------------------------------


def test_staff_read_the_private_feedback_and_filter_by_rating(rf, world, mentorship, admin_cy):
    _closed(world, mentorship)
    model_admin = ReflectionAdmin(Reflection, AdminSite())
    request = rf.get("/admin/sessions_app/reflection/", {"rating": "2"})
    request.user = admin_cy

    changelist = model_admin.get_changelist_instance(request)

    assert [r.author_id for r in changelist.get_queryset(request)] == [world.ben.pk]
    assert "private_feedback" in model_admin.get_fields(request)
    assert "private_feedback" in model_admin.get_readonly_fields(request)
    assert {"rating", "become_mentor"} <= set(model_admin.list_filter)
    assert model_admin.has_add_permission(request) is False
