"""Sessions through the pages: Ana and Ben propose, confirm, move, cancel and close
sessions; times are shown on each person's own clock; Dee sees none of it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from matching.models import Mentorship
from mentorship.notifications.models import Notification
from mentorship.notifications.services import deliver_notification
from sessions_app.models import Session, SessionNote
from tests.matching.inbox_world import World
from tests.sessions.sessions_world import confirm_first, mentorship, propose, utc, world, zone

__all__ = ["mentorship", "world"]

NOW = utc(2027, 3, 20, 9)  # a Saturday, a week before Europe's clocks go forward


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _html(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def _messages(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Proposing --------------------------------------------------------------------------


def test_the_form_suggests_shared_times_on_both_clocks_and_defaults_from_the_agreement(
    client, world: World, mentorship: Mentorship
):
    Mentorship.objects.filter(pk=mentorship.pk).update(session_minutes=60, channel="Zoom")
    client.force_login(world.ana)

    response = client.get(reverse("sessions_app:session_new", args=[mentorship.pk]))

    html = _html(response)
    assert response.status_code == 200
    # Ana (Lisbon) Tue 18-20, Ben (Berlin) Tue 19-21: Tue 23 March 18:00-20:00 UTC shared
    # (Lisbon = UTC in March, Berlin = UTC+1 until the 28th).
    assert "Tue 23 Mar 2027, 18:00</strong> your time" in html
    assert "19:00 for Ben (Berlin)" in html
    assert "<legend>Other times" in html
    # After the change Berlin is UTC+2: Tue 30 March 18:00 Lisbon (UTC+1) is 19:00 Berlin.
    assert "Tue 30 Mar 2027, 18:00</strong> your time" in html
    form = response.context["form"]
    assert form["duration_minutes"].value() == 60
    assert form["location"].value() == "Zoom"


def test_without_shared_free_time_the_form_asks_for_your_own_times(
    client, world: World, mentorship: Mentorship
):
    from profiles.models import AvailabilityWindow

    AvailabilityWindow.objects.filter(profile__user=world.ben).delete()
    client.force_login(world.ana)

    html = _html(client.get(reverse("sessions_app:session_new", args=[mentorship.pk])))

    assert "do not overlap in the next two weeks" in html
    # Nothing is suggested, so the typed times are not "other" times.
    assert "<legend>Your times" in html
    assert "Other times" not in html


def test_ana_proposes_a_suggested_time_and_one_typed_on_her_own_clock(
    client, world: World, mentorship: Mentorship
):
    client.force_login(world.ana)
    url = reverse("sessions_app:session_new", args=[mentorship.pk])

    response = client.post(
        url,
        {
            "suggested": [utc(2027, 3, 23, 18).isoformat()],
            "other_1": "2027-03-25T08:30",
            "duration_minutes": "45",
            "location": "https://meet.example.org/ana-ben",
            "agenda": "My CV and the first steps",
        },
    )

    session = Session.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("sessions_app:session", args=[session.pk])
    assert session.status == Session.Status.PROPOSED
    assert session.proposed_by == world.ana
    # 08:30 in Lisbon (UTC+0 in March before the change) is 08:30 UTC.
    assert list(session.options.values_list("starts_at", flat=True)) == [
        utc(2027, 3, 23, 18),
        utc(2027, 3, 25, 8, 30),
    ]
    proposal = Notification.objects.get(kind="session_proposed")
    assert proposal.recipient == world.ben
    # Ben reads the times on his clock (Berlin, UTC+1 then).
    assert "Tue 23 Mar 2027, 19:00" in proposal.body


def test_a_time_the_clocks_skip_is_a_clear_error_and_the_form_keeps_what_was_typed(
    client, world: World, mentorship: Mentorship
):
    zone(world.ben, "Europe/Berlin")
    client.force_login(world.ben)

    response = client.post(
        reverse("sessions_app:session_new", args=[mentorship.pk]),
        {"other_1": "2027-03-28T02:30", "duration_minutes": "30", "agenda": "Kept agenda"},
    )

    assert response.status_code == 400
    errors = response.context["form"].errors["other_1"]
    assert "does not exist in Berlin" in errors[0]
    assert "Kept agenda" in _html(response)
    assert not Session.objects.exists()


def test_no_time_at_all_is_a_form_error(client, world: World, mentorship: Mentorship):
    client.force_login(world.ana)

    response = client.post(
        reverse("sessions_app:session_new", args=[mentorship.pk]), {"duration_minutes": "30"}
    )

    assert response.status_code == 400
    assert "Pick at least one time" in _html(response)


def test_a_past_time_is_refused_by_the_service_and_shown_on_the_form(
    client, world: World, mentorship: Mentorship
):
    client.force_login(world.ana)

    response = client.post(
        reverse("sessions_app:session_new", args=[mentorship.pk]),
        {"other_1": "2027-03-19T10:00", "duration_minutes": "30"},
    )

    assert response.status_code == 409
    assert "must be in the future" in _html(response)


def test_a_paused_mentorship_books_no_new_session(client, world: World, mentorship: Mentorship):
    Mentorship.objects.filter(pk=mentorship.pk).update(status=Mentorship.Status.PAUSED)
    client.force_login(world.ana)
    url = reverse("sessions_app:session_new", args=[mentorship.pk])

    shown = client.get(url, follow=True)
    posted = client.post(url, {"other_1": "2027-03-25T10:00", "duration_minutes": "30"})

    assert "paused" in " ".join(_messages(shown))
    assert posted.status_code == 409
    assert "paused" in _html(posted)
    assert not Session.objects.exists()


# --- The DST change between booking and session ------------------------------------------


def test_booked_in_berlin_before_the_change_for_after_it(client, world: World, mentorship):
    zone(world.ben, "Europe/Berlin")
    client.force_login(world.ben)

    client.post(
        reverse("sessions_app:session_new", args=[mentorship.pk]),
        {"other_1": "2027-03-30T18:00", "duration_minutes": "45"},
    )
    session = Session.objects.get()
    client.force_login(world.ana)
    client.post(
        reverse("sessions_app:session_confirm", args=[session.pk]),
        {"option": session.options.get().pk},
    )
    client.force_login(world.ben)
    html = _html(client.get(reverse("sessions_app:session", args=[session.pk])))

    session.refresh_from_db()
    # Berlin is UTC+2 from 28 March: 18:00 local is 16:00 UTC.
    assert session.starts_at == utc(2027, 3, 30, 16)
    assert session.status == Session.Status.CONFIRMED
    assert "Tue 30 Mar 2027, 18:00" in html
    assert "18:00–18:45 your time (Berlin)" in html
    # Ana in Lisbon (UTC+1 from the 28th) sees 17:00.
    assert "Tue 30 Mar 2027, 17:00 for Ana (Lisbon)" in html


def test_tokyo_and_los_angeles_see_the_same_instant_on_their_own_clocks(
    client, world: World, mentorship
):
    zone(world.ana, "Asia/Tokyo")
    zone(world.ben, "America/Los_Angeles")
    session = confirm_first(propose(mentorship, world.ana, utc(2027, 3, 30, 16)), world.ben)
    url = reverse("sessions_app:session", args=[session.pk])

    client.force_login(world.ana)
    ana_html = _html(client.get(url))
    client.force_login(world.ben)
    ben_html = _html(client.get(url))

    # 16:00 UTC = 01:00 next day in Tokyo (UTC+9) = 09:00 in Los Angeles (UTC-7).
    assert '<time datetime="2027-03-31T01:00:00+09:00">Wed 31 Mar 2027, 01:00</time>' in ana_html
    assert "Tue 30 Mar 2027, 09:00 for Ben (Los Angeles)" in ana_html
    assert '<time datetime="2027-03-30T09:00:00-07:00">Tue 30 Mar 2027, 09:00</time>' in ben_html
    assert "Wed 31 Mar 2027, 01:00 for Ana (Tokyo)" in ben_html


# --- Confirming --------------------------------------------------------------------------


def test_ben_confirms_both_get_the_invite_and_a_double_click_sends_nothing_more(
    client, world: World, mentorship, mailoutbox
):
    session = propose(mentorship, world.ana, utc(2027, 3, 23, 18), utc(2027, 3, 25, 18))
    second = session.options.order_by("starts_at")[1]
    client.force_login(world.ben)
    url = reverse("sessions_app:session_confirm", args=[session.pk])

    first = client.post(url, {"option": second.pk}, follow=True)
    again = client.post(url, {"option": second.pk}, follow=True)

    session.refresh_from_db()
    assert session.starts_at == utc(2027, 3, 25, 18)
    assert session.confirmed_at == NOW
    assert "Confirmed for Thu 25 Mar 2027, 19:00" in _messages(first)[0]
    assert "Confirmed" in _messages(again)[0]
    confirmations = Notification.objects.filter(kind="session_confirmed")
    assert sorted(n.recipient.email for n in confirmations) == [
        "ana@example.org",
        "ben@example.org",
    ]
    for notification in confirmations:
        deliver_notification(notification_id=notification.pk)
    assert len(mailoutbox) == 2
    for email in mailoutbox:
        ((filename, content, mimetype),) = email.attachments
        assert filename == f"mentoring-session-{session.pk}.ics"
        assert mimetype == "text/calendar"
        event = Calendar.from_ical(content).walk("VEVENT")[0]
        assert event.decoded("dtstart") == utc(2027, 3, 25, 18)


def test_the_proposer_cannot_confirm_their_own_time(client, world: World, mentorship):
    session = propose(mentorship, world.ana, utc(2027, 3, 23, 18))
    client.force_login(world.ana)

    detail = _html(client.get(reverse("sessions_app:session", args=[session.pk])))
    response = client.post(
        reverse("sessions_app:session_confirm", args=[session.pk]),
        {"option": session.options.get().pk},
        follow=True,
    )

    assert "Confirm this time" not in detail
    assert "Waiting for Ben to confirm" in detail
    assert "the other person confirms" in _messages(response)[0]
    session.refresh_from_db()
    assert session.status == Session.Status.PROPOSED


def test_a_second_different_confirmation_is_refused(client, world: World, mentorship):
    session = propose(mentorship, world.ana, utc(2027, 3, 23, 18), utc(2027, 3, 25, 18))
    first, second = session.options.order_by("starts_at")
    client.force_login(world.ben)
    url = reverse("sessions_app:session_confirm", args=[session.pk])
    client.post(url, {"option": first.pk})

    response = client.post(url, {"option": second.pk}, follow=True)

    assert "This session is already confirmed for another time." in _messages(response)
    session.refresh_from_db()
    assert session.starts_at == first.starts_at
    assert Notification.objects.filter(kind="session_confirmed").count() == 2


# --- Rescheduling and cancelling ---------------------------------------------------------


def test_rescheduling_goes_back_to_proposed_and_the_new_confirmation_is_a_new_message(
    client, world: World, mentorship
):
    session = confirm_first(propose(mentorship, world.ana, utc(2027, 3, 23, 18)), world.ben)
    client.force_login(world.ben)

    form = client.get(reverse("sessions_app:session_reschedule", args=[session.pk]))
    response = client.post(
        reverse("sessions_app:session_reschedule", args=[session.pk]),
        {"other_1": "2027-03-24T19:00"},
    )

    assert form.status_code == 200
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.status, session.starts_at, session.sequence) == ("proposed", None, 1)
    assert session.proposed_by == world.ben
    # Berlin 19:00 on 24 March (UTC+1) is 18:00 UTC.
    assert list(session.options.values_list("starts_at", flat=True)) == [utc(2027, 3, 24, 18)]
    assert Notification.objects.filter(kind="session_proposed", recipient=world.ana).count() == 1

    confirm_first(session, world.ana)

    assert Notification.objects.filter(kind="session_confirmed").count() == 4
    latest = Notification.objects.filter(kind="session_confirmed", recipient=world.ana).latest("pk")
    event = Calendar.from_ical(latest.attachments[0]["content"]).walk("VEVENT")[0]
    assert event["sequence"] == 1


def test_cancelling_a_confirmed_session_sends_both_a_calendar_cancel(
    client, world: World, mentorship
):
    session = confirm_first(propose(mentorship, world.ana, utc(2027, 3, 23, 18)), world.ben)
    client.force_login(world.ana)

    response = client.post(
        reverse("sessions_app:session_cancel", args=[session.pk]),
        {"reason": "I have the flu, sorry!"},
        follow=True,
    )

    assert "Session cancelled. Ben has been told." in _messages(response)
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert (session.cancelled_by, session.cancel_reason) == (world.ana, "I have the flu, sorry!")
    cancels = Notification.objects.filter(kind="session_cancelled")
    assert {n.recipient for n in cancels} == {world.ana, world.ben}
    to_ben = cancels.get(recipient=world.ben)
    assert "I have the flu" in to_ben.body
    calendar = Calendar.from_ical(to_ben.attachments[0]["content"])
    assert calendar["method"] == "CANCEL"
    assert calendar.walk("VEVENT")[0]["sequence"] == 1
    # A cancelled session offers no more changes.
    html = _html(client.get(reverse("sessions_app:session", args=[session.pk])))
    assert "Cancel the session" not in html
    assert "Cancelled by you" in html


def test_cancelling_a_proposal_tells_only_the_other_person_without_an_invite(
    client, world: World, mentorship
):
    session = propose(mentorship, world.ana, utc(2027, 3, 23, 18))
    client.force_login(world.ben)

    client.post(reverse("sessions_app:session_cancel", args=[session.pk]))

    (cancel,) = Notification.objects.filter(kind="session_cancelled")
    assert cancel.recipient == world.ana
    assert cancel.attachments == []


# --- After the session -------------------------------------------------------------------


def test_complete_only_after_it_started(client, world: World, mentorship, clock):
    session = confirm_first(propose(mentorship, world.ana, utc(2027, 3, 23, 18)), world.ben)
    client.force_login(world.ana)
    url = reverse("sessions_app:session_complete", args=[session.pk])

    early = client.post(url, follow=True)
    clock.move_to(utc(2027, 3, 23, 18, 50))
    page = _html(client.get(reverse("sessions_app:session", args=[session.pk])))
    done = client.post(url, follow=True)

    assert "has not started yet" in _messages(early)[0]
    assert "We met" in page
    assert "Marked as held" in _messages(done)[0]
    session.refresh_from_db()
    assert session.status == Session.Status.COMPLETED
    assert session.completed_at == utc(2027, 3, 23, 18, 50)


def test_the_first_conversation_guide_folds_away_once_the_pair_has_met(
    client, world: World, mentorship, clock
):
    session = confirm_first(propose(mentorship, world.ana, utc(2027, 3, 23, 18)), world.ben)
    client.force_login(world.ana)
    page_url = reverse("matching:mentorship", args=[mentorship.pk])
    before = _html(client.get(page_url))
    clock.move_to(utc(2027, 3, 23, 18, 50))
    client.post(reverse("sessions_app:session_complete", args=[session.pk]))
    after = _html(client.get(page_url))

    assert '<section class="card guide first-conversation"' in before
    assert '<details class="card guide first-conversation is-folded">' in after
    assert "The guide, for when you want it again" in after


def test_no_show_names_who_missed_it(client, world: World, mentorship, clock):
    session = confirm_first(propose(mentorship, world.ana, utc(2027, 3, 23, 18)), world.ben)
    clock.move_to(utc(2027, 3, 23, 18, 20))
    client.force_login(world.ben)
    url = reverse("sessions_app:session_no_show", args=[session.pk])

    outsider = client.post(url, {"absent": world.dee.pk}, follow=True)
    missed = client.post(url, {"absent": world.ana.pk}, follow=True)

    assert "Only one of the two of you" in _messages(outsider)[0]
    assert "Marked as missed." in _messages(missed)
    session.refresh_from_db()
    assert (session.status, session.no_show_of) == (Session.Status.NO_SHOW, world.ana)


# --- Notes -------------------------------------------------------------------------------


def test_shared_notes_are_for_both_and_a_private_note_only_for_its_author(
    client, world: World, mentorship
):
    session = propose(mentorship, world.ana, utc(2027, 3, 23, 18))
    url = reverse("sessions_app:session", args=[session.pk])
    client.force_login(world.ana)

    client.post(
        reverse("sessions_app:session_notes", args=[session.pk]),
        {"agenda": "CV review", "shared_notes": "Ben shares two job boards"},
    )
    client.post(
        reverse("sessions_app:session_private_note", args=[session.pk]),
        {"body": "Nervous about the salary question"},
    )
    ana_html = _html(client.get(url))
    client.force_login(world.ben)
    ben_html = _html(client.get(url))

    assert "Ben shares two job boards" in ana_html
    assert "Ben shares two job boards" in ben_html
    assert "Nervous about the salary question" in ana_html
    assert "Only you can see this" in ana_html
    assert "Nervous about the salary question" not in ben_html
    assert SessionNote.objects.get().author == world.ana


# --- The invite --------------------------------------------------------------------------


def test_the_invite_download_is_in_the_viewers_zone_with_vtimezone_uid_and_sequence(
    client, world: World, mentorship
):
    zone(world.ben, "America/Los_Angeles")
    session = confirm_first(propose(mentorship, world.ana, utc(2027, 3, 30, 16)), world.ben)
    client.force_login(world.ben)

    response = client.get(reverse("sessions_app:session_ics", args=[session.pk]))

    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == (
        f'attachment; filename="mentoring-session-{session.pk}.ics"'
    )
    calendar = Calendar.from_ical(response.content)
    (timezone_component,) = calendar.walk("VTIMEZONE")
    assert timezone_component["tzid"] == "America/Los_Angeles"
    event = calendar.walk("VEVENT")[0]
    start = event.decoded("dtstart")
    assert start == utc(2027, 3, 30, 16)
    assert (start.hour, str(start.tzinfo)) == (9, "America/Los_Angeles")
    assert str(event["uid"]).startswith(str(session.uid))
    assert event["sequence"] == 0


def test_no_invite_before_a_time_is_agreed(client, world: World, mentorship):
    session = propose(mentorship, world.ana, utc(2027, 3, 23, 18))
    client.force_login(world.ana)

    response = client.get(reverse("sessions_app:session_ics", args=[session.pk]), follow=True)

    assert "once a time is confirmed" in _messages(response)[0]


# --- Strangers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("session", "get"),
        ("session_confirm", "post"),
        ("session_reschedule", "get"),
        ("session_reschedule", "post"),
        ("session_cancel", "post"),
        ("session_complete", "post"),
        ("session_no_show", "post"),
        ("session_notes", "post"),
        ("session_private_note", "post"),
        ("session_ics", "get"),
    ],
)
def test_dee_gets_404_on_every_session_page(client, world: World, mentorship, name, method):
    session = confirm_first(propose(mentorship, world.ana, utc(2027, 3, 23, 18)), world.ben)
    client.force_login(world.dee)

    response = getattr(client, method)(reverse(f"sessions_app:{name}", args=[session.pk]))

    assert response.status_code == 404
    session.refresh_from_db()
    assert session.status == Session.Status.CONFIRMED


@pytest.mark.parametrize("method", ["get", "post"])
def test_dee_cannot_open_the_proposal_form_of_someone_elses_mentorship(
    client, world: World, mentorship, method
):
    client.force_login(world.dee)

    response = getattr(client, method)(reverse("sessions_app:session_new", args=[mentorship.pk]))

    assert response.status_code == 404


# --- The mentorship page's panel --------------------------------------------------------


def test_the_panel_shows_the_next_session_and_what_waits_for_you(client, world, mentorship):
    confirm_first(propose(mentorship, world.ana, utc(2027, 3, 23, 18)), world.ben)
    waiting = propose(mentorship, world.ana, utc(2027, 3, 30, 17))
    client.force_login(world.ben)

    response = client.get(reverse("matching:mentorship", args=[mentorship.pk]))

    html = _html(response)
    panel = response.context["session_panel"]
    assert [s.pk for s in panel.waiting_for_me] == [waiting.pk]
    assert "Waiting for you to confirm" in html
    # Ben in Berlin: 18:00 UTC on 23 March is 19:00, and the panel says whose clock that is.
    assert "Tue 23 Mar 2027, 19:00" in html
    assert "Times are in your time zone (Berlin)." in html
    assert reverse("sessions_app:session_new", args=[mentorship.pk]) in html


@pytest.mark.parametrize(("extra", "queries"), [(0, 11), (1, 12), (3, 12)])
def test_the_mentorship_page_costs_the_same_queries_with_any_number_of_sessions(
    client, world, mentorship, django_assert_num_queries, extra, queries
):
    for day in range(extra):
        confirm_first(propose(mentorship, world.ana, utc(2027, 3, 23 + day, 18)), world.ben)
        propose(mentorship, world.ben, utc(2027, 3, 30, 8 + day))
    client.force_login(world.ana)

    # session, user, the mentorship (both people, profiles, programme, request goal),
    # its goals, their milestones, the panel's sessions, their options (skipped when
    # there is no session), the check-ins panel's three (latest check-ins, health facts,
    # last ratings), the notification badge, the navigation's mentor state.
    with django_assert_num_queries(queries):
        response = client.get(reverse("matching:mentorship", args=[mentorship.pk]))
    assert response.status_code == 200


def test_a_cancelled_session_cannot_be_rescheduled(client, world: World, mentorship):
    session = propose(mentorship, world.ana, utc(2027, 3, 23, 18))
    client.force_login(world.ana)
    client.post(reverse("sessions_app:session_cancel", args=[session.pk]))
    url = reverse("sessions_app:session_reschedule", args=[session.pk])

    shown = client.get(url, follow=True)
    posted = client.post(url, {"other_1": "2027-03-24T19:00"}, follow=True)

    assert "A cancelled session cannot be moved." in _messages(shown)
    assert "A cancelled session cannot be moved." in _messages(posted)
    session.refresh_from_db()
    assert (session.status, session.sequence) == (Session.Status.CANCELLED, 0)
