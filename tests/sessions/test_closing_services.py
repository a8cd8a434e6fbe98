"""Pausing, resuming and ending a mentorship through the services, with frozen time.

Ana is mentored by Ben on her goal "Move into a data engineering role"; Dee is a
stranger. The clock stands at 10 March 2026, 09:00 UTC unless a test moves it.
"""

# ruff: noqa: F811  (the world's fixtures are imported, then named as arguments)

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from icalendar import Calendar

from matching import services
from matching.models import Mentorship
from matching.selectors import MentorFilters, rank_mentors
from mentorship.exceptions import Conflict, RuleViolation
from mentorship.notifications.models import Notification
from profiles.models import Goal
from sessions_app import ics
from sessions_app.models import GoalOutcome, Reflection, Session
from sessions_app.services import closing
from sessions_app.tasks import resume_due_mentorships as sweep_task
from tests.matching.inbox_world import send
from tests.matching.people import language, person
from tests.matching.test_requests import run_together
from tests.sessions.closing_world import (  # noqa: F401  (fixtures)
    frozen,
    mentorship,
    reflection,
    sent,
    session,
    world,
)

Status = Mentorship.Status


def _reload(m: Mentorship) -> Mentorship:
    return Mentorship.objects.get(pk=m.pk)


# --- Pause and resume ------------------------------------------------------------------------


def test_pausing_cancels_future_sessions_and_tells_the_other(world, mentorship):
    booked = session(mentorship, "confirmed", timedelta(days=2))
    proposed = session(mentorship, "proposed", None)
    held = session(mentorship, "completed", timedelta(days=-7))

    closing.pause_mentorship(
        user=world.ben,
        mentorship_id=mentorship.pk,
        reason="A product launch takes my evenings.",
        until=date(2026, 4, 1),
    )

    m = _reload(mentorship)
    assert m.status == Status.PAUSED
    assert (m.paused_by_id, m.pause_reason, m.pause_until) == (
        world.ben.pk,
        "A product launch takes my evenings.",
        date(2026, 4, 1),
    )
    assert m.paused_at == timezone.now()
    for cancelled in (booked, proposed):
        cancelled.refresh_from_db()
        assert cancelled.status == Session.Status.CANCELLED
        assert cancelled.cancelled_by_id == world.ben.pk
        assert cancelled.cancel_reason == "Mentorship paused"
        assert cancelled.sequence == 1
    held.refresh_from_db()
    assert held.status == Session.Status.COMPLETED
    (note,) = sent("mentorship_paused")
    assert note.recipient_id == world.ana.pk
    assert "until 01 April 2026" in note.subject
    # Ana lives in Lisbon: the cancelled session is shown in her zone.
    assert "Thu 12 March, 09:00 (WET)" in note.body
    assert "A session still being scheduled" in note.body
    assert "A product launch takes my evenings." in note.body


def _deliver_cancellations() -> list:
    from django.core import mail

    from mentorship.notifications.services import deliver_notification

    for note in sent("session_cancelled"):
        deliver_notification(notification_id=note.pk)
    return list(mail.outbox)


def test_pausing_sends_each_person_the_calendar_cancel_of_a_confirmed_session(world, mentorship):
    booked = session(mentorship, "confirmed", timedelta(days=2))
    session(mentorship, "proposed", None)
    invited = Calendar.from_ical(
        ics.session_calendar(booked, time_zone="UTC", now=timezone.now())
    ).walk("VEVENT")[0]

    closing.pause_mentorship(user=world.ben, mentorship_id=mentorship.pk, reason="Launch week")
    emails = _deliver_cancellations()

    # One each: the proposed session had no calendar entry (the pause email lists it).
    assert sorted(e.to[0] for e in emails) == sorted([world.ana.email, world.ben.email])
    for email in emails:
        ((filename, content, mimetype),) = email.attachments
        assert (filename, mimetype) == (f"mentoring-session-{booked.pk}.ics", "text/calendar")
        calendar = Calendar.from_ical(content)
        event = calendar.walk("VEVENT")[0]
        assert calendar["method"] == "CANCEL"
        assert str(event["uid"]) == str(invited["uid"])
        assert event["sequence"] > invited["sequence"]
    to_ana = next(e for e in emails if e.to == [world.ana.email])
    assert to_ana.subject == "Ben cancelled your session on Thu 12 Mar 2026, 09:00 (Lisbon time)"
    assert "Mentorship paused" in to_ana.body
    # Paused: nothing new can be booked, so the email does not suggest it.
    assert "propose a new session" not in to_ana.body


def test_an_end_nobody_answered_cancels_confirmed_sessions_in_both_calendars(
    world, mentorship, frozen
):
    session(mentorship, "confirmed", timedelta(days=20))
    closing.propose_close(
        user=world.ana, mentorship_id=mentorship.pk, outcome="ended", reflection=reflection(world)
    )
    frozen.move_to("2026-03-25 09:00:00+00:00")

    closing.sweep_closing()
    closing.sweep_closing()
    emails = _deliver_cancellations()

    assert len(emails) == 2
    for email in emails:
        assert Calendar.from_ical(email.attachments[0][1])["method"] == "CANCEL"
        assert email.subject.startswith("Your session is cancelled on ")
        assert email.body.startswith("Your mentorship has ended, which cancels your session on ")


@pytest.mark.parametrize(
    ("reason", "until", "code"),
    [
        ("  ", None, "reason_missing"),
        ("Busy", date(2026, 3, 10), "until_past"),
        ("Busy", date(2026, 3, 10) + timedelta(days=93), "until_far"),
    ],
)
def test_a_pause_needs_a_reason_and_a_date_within_three_months(
    world, mentorship, reason, until, code
):
    with pytest.raises(RuleViolation) as error:
        closing.pause_mentorship(
            user=world.ana, mentorship_id=mentorship.pk, reason=reason, until=until
        )
    assert error.value.code == code
    assert _reload(mentorship).status == Status.ACTIVE


def test_pausing_twice_or_by_a_stranger_is_refused(world, mentorship):
    closing.pause_mentorship(user=world.ana, mentorship_id=mentorship.pk, reason="Exams")

    with pytest.raises(Conflict):
        closing.pause_mentorship(user=world.ben, mentorship_id=mentorship.pk, reason="Me too")
    with pytest.raises(Mentorship.DoesNotExist):
        closing.resume_mentorship(user=world.dee, mentorship_id=mentorship.pk)
    assert len(sent("mentorship_paused")) == 1


def test_either_person_resumes_and_the_other_is_told(world, mentorship):
    closing.pause_mentorship(
        user=world.ben, mentorship_id=mentorship.pk, reason="Travel", until=date(2026, 4, 1)
    )

    closing.resume_mentorship(user=world.ana, mentorship_id=mentorship.pk)

    m = _reload(mentorship)
    assert m.status == Status.ACTIVE
    assert m.resumed_at == timezone.now()
    assert (m.paused_at, m.paused_by_id, m.pause_reason, m.pause_until) == (None, None, "", None)
    (note,) = sent("mentorship_resumed")
    assert note.recipient_id == world.ben.pk
    assert "Ana Silva resumed your mentorship" in note.body
    with pytest.raises(Conflict):
        closing.resume_mentorship(user=world.ana, mentorship_id=mentorship.pk)


def test_a_pause_ends_on_its_day_once_however_often_the_sweep_runs(world, mentorship, frozen):
    closing.pause_mentorship(
        user=world.ben, mentorship_id=mentorship.pk, reason="Travel", until=date(2026, 3, 20)
    )
    frozen.move_to("2026-03-19 23:30:00+00:00")
    assert closing.resume_due_mentorships() == 0
    assert _reload(mentorship).status == Status.PAUSED

    frozen.move_to("2026-03-20 00:30:00+00:00")
    assert sweep_task() == {"resumed": 1, "closed": 0}
    assert sweep_task() == {"resumed": 0, "closed": 0}
    closing.resume_due_mentorships()

    m = _reload(mentorship)
    assert m.status == Status.ACTIVE
    assert m.resumed_at == timezone.now()
    notes = sent("mentorship_resumed")
    assert sorted(n.recipient_id for n in notes) == sorted([world.ana.pk, world.ben.pk])
    assert all("ended today, as planned" in n.body for n in notes)


def test_a_pause_without_a_date_stays_paused(world, mentorship, frozen):
    closing.pause_mentorship(user=world.ben, mentorship_id=mentorship.pk, reason="Travel")
    frozen.move_to("2026-06-01 09:00:00+00:00")

    assert closing.sweep_closing().resumed == 0
    assert _reload(mentorship).status == Status.PAUSED


# --- Ending ------------------------------------------------------------------------------------


def test_propose_then_agree_closes_once_and_tells_both(world, mentorship):
    booked = session(mentorship, "confirmed", timedelta(days=3))

    closing.propose_close(
        user=world.ana,
        mentorship_id=mentorship.pk,
        outcome="completed",
        reflection=reflection(world),
    )

    m = _reload(mentorship)
    assert m.status == Status.ACTIVE
    assert (m.close_proposed_by_id, m.close_outcome) == (world.ana.pk, "completed")
    (asked,) = sent("close_proposed")
    assert asked.recipient_id == world.ben.pk
    assert "Thank you for every Tuesday evening." in asked.body
    assert "PRIVATE" not in asked.body

    closing.agree_close(
        user=world.ben,
        mentorship_id=mentorship.pk,
        reflection=reflection(world, thank_you="It was a pleasure, Ana."),
    )
    # A double submit of "agree": one closing, one notification each.
    with pytest.raises(Conflict):
        closing.agree_close(
            user=world.ben, mentorship_id=mentorship.pk, reflection=reflection(world)
        )

    m = _reload(mentorship)
    assert m.status == Status.COMPLETED
    assert m.ended_at == timezone.now()
    booked.refresh_from_db()
    assert booked.status == Session.Status.CANCELLED
    assert booked.cancel_reason == "Mentorship ended"
    closed = sent("mentorship_closed")
    assert sorted(n.recipient_id for n in closed) == sorted([world.ana.pk, world.ben.pk])
    assert all(n.url == f"/mentorships/{m.pk}/summary/" for n in closed)
    assert Reflection.objects.filter(mentorship=m).count() == 2


def test_ending_early_gives_the_ended_status(world, mentorship):
    closing.propose_close(
        user=world.ben, mentorship_id=mentorship.pk, outcome="ended", reflection=reflection(world)
    )
    closing.agree_close(user=world.ana, mentorship_id=mentorship.pk, reflection=reflection(world))

    assert _reload(mentorship).status == Status.ENDED


def test_the_wrong_side_and_the_wrong_state_are_refused(world, mentorship):
    with pytest.raises(Conflict) as error:
        closing.agree_close(
            user=world.ben, mentorship_id=mentorship.pk, reflection=reflection(world)
        )
    assert error.value.code == "not_proposed"
    with pytest.raises(Conflict):
        closing.withdraw_close(user=world.ben, mentorship_id=mentorship.pk)
    with pytest.raises(RuleViolation):
        closing.propose_close(
            user=world.ana,
            mentorship_id=mentorship.pk,
            outcome="gone",
            reflection=reflection(world),
        )
    with pytest.raises(RuleViolation):
        closing.propose_close(
            user=world.ana,
            mentorship_id=mentorship.pk,
            outcome="completed",
            reflection=reflection(world, reflection="   "),
        )
    closing.propose_close(
        user=world.ana,
        mentorship_id=mentorship.pk,
        outcome="completed",
        reflection=reflection(world),
    )

    with pytest.raises(Conflict) as error:
        closing.agree_close(
            user=world.ana, mentorship_id=mentorship.pk, reflection=reflection(world)
        )
    assert error.value.code == "proposed_by_you"
    with pytest.raises(Conflict) as error:
        closing.propose_close(
            user=world.ben,
            mentorship_id=mentorship.pk,
            outcome="ended",
            reflection=reflection(world),
        )
    assert error.value.code == "proposed_by_other"
    with pytest.raises(Conflict):
        closing.withdraw_close(user=world.ben, mentorship_id=mentorship.pk)
    with pytest.raises(Conflict):
        closing.pause_mentorship(user=world.ben, mentorship_id=mentorship.pk, reason="Busy")
    with pytest.raises(Mentorship.DoesNotExist):
        closing.agree_close(
            user=world.dee, mentorship_id=mentorship.pk, reflection=reflection(world)
        )


def test_a_reflection_can_only_name_linked_goals_and_a_rating_from_1_to_5(world, mentorship):
    other_goal = Goal.objects.exclude(pk=world.goal.pk).get(owner=world.ana)
    bad = [
        reflection(world, goal_outcomes=(closing.GoalOutcomeInput(other_goal.pk, "achieved"),)),
        reflection(world, goal_outcomes=(closing.GoalOutcomeInput(world.goal.pk, "solved"),)),
        reflection(world, rating=6),
    ]
    for item in bad:
        with pytest.raises(RuleViolation):
            closing.propose_close(
                user=world.ana, mentorship_id=mentorship.pk, outcome="completed", reflection=item
            )
    assert not Reflection.objects.exists()
    assert _reload(mentorship).close_proposed_by_id is None


def test_withdrawing_drops_the_proposal_and_the_reflection(world, mentorship, frozen):
    closing.propose_close(
        user=world.ana,
        mentorship_id=mentorship.pk,
        outcome="completed",
        reflection=reflection(world),
    )

    closing.withdraw_close(user=world.ana, mentorship_id=mentorship.pk)

    m = _reload(mentorship)
    assert (m.status, m.close_proposed_by_id, m.close_proposed_at, m.close_outcome) == (
        Status.ACTIVE,
        None,
        None,
        "",
    )
    assert not Reflection.objects.exists()
    # Ben is told once, in the app only: the mentorship simply carries on.
    (note,) = sent("close_withdrawn")
    assert (note.recipient_id, note.send_email) == (world.ben.pk, False)
    assert note.subject == "Ana withdrew the proposal to end your mentorship"
    assert note.url == f"/mentorships/{mentorship.pk}/"
    # Proposing again later works, with a fresh reflection.
    frozen.shift(timedelta(days=1))
    closing.propose_close(
        user=world.ana, mentorship_id=mentorship.pk, outcome="ended", reflection=reflection(world)
    )
    assert Reflection.objects.count() == 1
    # Withdrawing the second proposal is a new message; a repeat is refused, not re-sent.
    closing.withdraw_close(user=world.ana, mentorship_id=mentorship.pk)
    with pytest.raises(Conflict):
        closing.withdraw_close(user=world.ana, mentorship_id=mentorship.pk)
    assert len(sent("close_withdrawn")) == 2


def test_the_mentee_marking_a_goal_achieved_achieves_it_the_mentor_cannot(world, mentorship):
    closing.propose_close(
        user=world.ben,
        mentorship_id=mentorship.pk,
        outcome="completed",
        reflection=reflection(world, outcome="achieved", become_mentor=True),
    )
    world.goal.refresh_from_db()
    assert world.goal.status == Goal.Status.ACTIVE
    # A mentor is not offered to become a mentor.
    assert Reflection.objects.get(author=world.ben).become_mentor is False

    closing.agree_close(
        user=world.ana,
        mentorship_id=mentorship.pk,
        reflection=reflection(world, outcome="achieved", become_mentor=True),
    )

    world.goal.refresh_from_db()
    assert world.goal.status == Goal.Status.ACHIEVED
    assert world.goal.achieved_at == timezone.now()
    assert Reflection.objects.get(author=world.ana).become_mentor is True
    assert GoalOutcome.objects.filter(goal=world.goal, outcome="achieved").count() == 2


def test_an_unanswered_proposal_closes_after_14_days_and_the_other_reflects_later(
    world, mentorship, frozen
):
    closing.propose_close(
        user=world.ana,
        mentorship_id=mentorship.pk,
        outcome="completed",
        reflection=reflection(world),
    )
    frozen.move_to("2026-03-24 08:59:00+00:00")
    assert closing.close_unanswered_proposals() == 0

    frozen.move_to("2026-03-24 09:30:00+00:00")
    assert sweep_task() == {"resumed": 0, "closed": 1}
    assert sweep_task() == {"resumed": 0, "closed": 0}

    m = _reload(mentorship)
    assert m.status == Status.COMPLETED
    closed = {n.recipient_id: n for n in sent("mentorship_closed")}
    assert set(closed) == {world.ana.pk, world.ben.pk}
    assert "did not answer your proposal" in closed[world.ana.pk].body
    assert "Your reflection is still missing" in closed[world.ben.pk].body

    closing.write_reflection(user=world.ben, mentorship_id=m.pk, reflection=reflection(world))
    with pytest.raises(Conflict):
        closing.write_reflection(user=world.ben, mentorship_id=m.pk, reflection=reflection(world))
    assert Reflection.objects.filter(mentorship=m).count() == 2


def test_a_reflection_on_a_live_mentorship_goes_through_proposing(world, mentorship):
    with pytest.raises(Conflict):
        closing.write_reflection(
            user=world.ana, mentorship_id=mentorship.pk, reflection=reflection(world)
        )


def test_closing_frees_the_mentors_place_in_browse(world, mentorship):
    english = language("en", "English")
    eli = person("eli@example.org", mentee=True, languages=[(english, 4)])
    taken = services.accept_request(mentor=world.ben, request_id=send(eli, world.ben).pk)
    fay = person("fay@example.org", mentee=True, languages=[(english, 4)])

    def bens_places() -> int | None:
        page = rank_mentors(user=fay, filters=MentorFilters())
        return next((m.places_left for m in page.matches if m.id == world.ben.pk), None)

    # Both of Ben's places are taken: a full mentor is not offered.
    assert bens_places() is None
    closing.pause_mentorship(user=world.ben, mentorship_id=taken.pk, reason="Eli travels")
    assert bens_places() is None  # a paused pair keeps its place

    closing.propose_close(
        user=world.ana,
        mentorship_id=mentorship.pk,
        outcome="completed",
        reflection=reflection(world),
    )
    closing.agree_close(user=world.ben, mentorship_id=mentorship.pk, reflection=reflection(world))

    assert bens_places() == 1


# --- Races (real concurrent transactions need PostgreSQL) ------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_agrees_at_once_close_once_and_tell_each_once(world, mentorship):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real concurrent transactions")
    closing.propose_close(
        user=world.ana,
        mentorship_id=mentorship.pk,
        outcome="completed",
        reflection=reflection(world),
    )

    results = run_together(
        lambda: closing.agree_close(
            user=world.ben, mentorship_id=mentorship.pk, reflection=reflection(world)
        ),
        lambda: closing.agree_close(
            user=world.ben, mentorship_id=mentorship.pk, reflection=reflection(world)
        ),
    )

    assert sorted(type(r).__name__ for r in results) == ["Conflict", "Mentorship"]
    assert _reload(mentorship).status == Status.COMPLETED
    assert Reflection.objects.filter(mentorship=mentorship).count() == 2
    assert len(sent("mentorship_closed")) == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_both_pausing_at_once_pause_once(world, mentorship):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real concurrent transactions")

    results = run_together(
        lambda: closing.pause_mentorship(user=world.ana, mentorship_id=mentorship.pk, reason="A"),
        lambda: closing.pause_mentorship(user=world.ben, mentorship_id=mentorship.pk, reason="B"),
    )

    assert sorted(type(r).__name__ for r in results) == ["Conflict", "Mentorship"]
    assert len(sent("mentorship_paused")) == 1


def test_each_closing_email_is_delivered_with_its_html_part(world, mentorship, frozen):
    from django.core import mail

    from mentorship.notifications.services import deliver_notification

    session(mentorship, "confirmed", timedelta(days=2))
    closing.pause_mentorship(user=world.ben, mentorship_id=mentorship.pk, reason="Launch week")
    closing.resume_mentorship(user=world.ana, mentorship_id=mentorship.pk)
    closing.propose_close(
        user=world.ana,
        mentorship_id=mentorship.pk,
        outcome="completed",
        reflection=reflection(world),
    )
    frozen.move_to("2026-03-25 09:00:00+00:00")
    closing.sweep_closing()
    kinds = ["mentorship_paused", "mentorship_resumed", "close_proposed", "mentorship_closed"]

    for note in Notification.objects.filter(kind__in=kinds):
        deliver_notification(notification_id=note.pk)

    assert len(mail.outbox) == 5
    by_subject = {message.subject: message for message in mail.outbox}
    paused = by_subject["Ben paused your mentorship"]
    html = paused.alternatives[0][0]  # type: ignore[index]
    assert "Launch week" in html
    assert "These sessions are cancelled" in html
    assert "Open your mentorship" in html
    closed = by_subject["Your mentorship with Ana has completed: your summary"]
    assert "did not answer" not in closed.body
    assert "proposal to end waited 14 days" in closed.body
    assert f"/mentorships/{mentorship.pk}/summary/" in closed.alternatives[0][0]  # type: ignore[index]
