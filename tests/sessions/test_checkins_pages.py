"""Check-ins as the pair uses them in the browser: Ana writes, Ben acknowledges, both
see the panel, the history and the celebrations; Dee sees none of it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from matching.models import Mentorship
from mentorship.notifications.models import Notification
from profiles.models import User
from sessions_app.models import CheckIn
from tests.factories import MilestoneFactory
from tests.sessions.checkins_world import Pair, build_pair, checkin


@pytest.fixture
def pair(mentee_ana: User, mentor_ben: User, stranger_dee: User) -> Pair:
    return build_pair(mentee_ana, mentor_ben, stranger_dee)


def _html(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def _form(client: Client, pair: Pair) -> dict[str, object]:
    """The fields of a freshly rendered check-in form (with its one-time token)."""
    response = client.get(reverse("sessions_app:checkin_new", args=[pair.mentorship.pk]))
    assert response.status_code == 200
    return {"token": str(response.context["form"].initial["token"])}


def _write(client: Client, pair: Pair, **fields: object):  # type: ignore[no-untyped-def]
    data = {
        **_form(client, pair),
        "progress": "4",
        "wins": "Finished the SQL course's first half",
        "blockers": "Little time on weekdays",
        "next_steps": "Build a small pipeline",
    }
    data.update(fields)
    return client.post(reverse("sessions_app:checkin_new", args=[pair.mentorship.pk]), data)


def test_ana_checks_in_and_ben_acknowledges(client: Client, pair: Pair) -> None:
    client.force_login(pair.ana)
    page = _html(client.get(reverse("matching:mentorship", args=[pair.mentorship.pk])))
    assert "Check in now" in page
    assert "Next check-in" in page

    response = _write(client, pair, milestones=[str(pair.milestone.pk)])

    saved = CheckIn.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("sessions_app:checkin", args=[saved.pk])
    assert (saved.author, saved.progress, saved.wins) == (
        pair.ana,
        4,
        "Finished the SQL course's first half",
    )
    assert list(saved.milestones_done.all()) == [pair.milestone]
    pair.milestone.refresh_from_db()
    assert pair.milestone.is_done
    told = Notification.objects.get(kind="checkin_submitted")
    assert told.recipient == pair.ben
    assert "Ana checked in: progress 4 of 5" in told.subject
    page = _html(client.get(response.url))
    assert "🎉 1 milestone reached! Check-in sent. Ben is told." in page
    assert "Waiting for a reply" in page

    client.force_login(pair.ben)
    page = _html(client.get(reverse("matching:mentorship", args=[pair.mentorship.pk])))
    assert "Acknowledge" in page
    assert "Check in now" not in page
    url = reverse("sessions_app:checkin_acknowledge", args=[saved.pk])
    response = client.post(url, {"comment": "Great start, Ana!"})
    assert response.status_code == 302
    # A double click changes nothing and tells Ana once.
    client.post(url, {"comment": "Great start, Ana!"})

    saved.refresh_from_db()
    assert saved.is_acknowledged
    assert saved.mentor_comment == "Great start, Ana!"
    told = Notification.objects.get(kind="checkin_acknowledged")
    assert told.recipient == pair.ana
    client.force_login(pair.ana)
    page = _html(client.get(reverse("sessions_app:checkin", args=[saved.pk])))
    assert "Great start, Ana!" in page
    assert "Acknowledged" in page


def test_a_double_submit_saves_one_check_in(client: Client, pair: Pair) -> None:
    client.force_login(pair.ana)
    data = {**_form(client, pair), "progress": "3", "wins": "Read two chapters"}
    url = reverse("sessions_app:checkin_new", args=[pair.mentorship.pk])

    first = client.post(url, data)
    second = client.post(url, data, follow=True)

    assert CheckIn.objects.count() == 1
    assert first.url == reverse("sessions_app:checkin", args=[CheckIn.objects.get().pk])
    assert second.redirect_chain[-1][0] == first.url
    assert "This check-in is already saved" in _html(second)
    assert Notification.objects.filter(kind="checkin_submitted").count() == 1
    # A new form is a new check-in.
    _write(client, pair)
    assert CheckIn.objects.count() == 2


def test_an_invalid_check_in_shows_what_was_typed(client: Client, pair: Pair) -> None:
    client.force_login(pair.ana)

    response = _write(client, pair, progress="", wins="Half of the course")

    assert response.status_code == 400
    html = _html(response)
    assert "Pick how it is going" in html
    assert "Half of the course" in html
    empty = _write(client, pair, wins="", blockers="", next_steps="")
    assert "Write a line about a win" in _html(empty)
    assert CheckIn.objects.count() == 0


def test_a_milestone_of_someone_else_is_refused(client: Client, pair: Pair) -> None:
    client.force_login(pair.ana)
    theirs = MilestoneFactory(goal__owner=pair.dee)

    response = _write(client, pair, milestones=[str(theirs.pk)])

    # Not one of the choices: the form says so, nothing is saved or ticked.
    assert response.status_code == 400
    assert "Select a valid choice" in _html(response)
    theirs.refresh_from_db()
    assert not theirs.is_done
    assert CheckIn.objects.count() == 0


def test_a_paused_mentorship_takes_no_check_in(client: Client, pair: Pair) -> None:
    client.force_login(pair.ana)
    data = {**_form(client, pair), "progress": "3", "wins": "Some"}
    Mentorship.objects.filter(pk=pair.mentorship.pk).update(status=Mentorship.Status.PAUSED)

    response = client.post(reverse("sessions_app:checkin_new", args=[pair.mentorship.pk]), data)

    assert response.status_code == 409
    assert "check-ins resume when it is active again" in _html(response)
    assert "Some" in _html(response)
    assert CheckIn.objects.count() == 0


def test_ben_cannot_write_anas_check_in(client: Client, pair: Pair) -> None:
    client.force_login(pair.ben)
    url = reverse("sessions_app:checkin_new", args=[pair.mentorship.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"progress": "5", "wins": "x"}).status_code == 404
    assert CheckIn.objects.count() == 0


def test_ana_cannot_acknowledge_her_own_check_in(client: Client, pair: Pair) -> None:
    saved = checkin(pair.mentorship, at=timezone.now())
    client.force_login(pair.ana)

    response = client.post(
        reverse("sessions_app:checkin_acknowledge", args=[saved.pk]), {"comment": "Me"}, follow=True
    )

    assert "Ben acknowledges check-ins." in _html(response)
    saved.refresh_from_db()
    assert not saved.is_acknowledged


def test_strangers_get_404_everywhere(client: Client, pair: Pair) -> None:
    saved = checkin(pair.mentorship, at=timezone.now())
    client.force_login(pair.dee)
    pk = pair.mentorship.pk

    assert client.get(reverse("sessions_app:checkins", args=[pk])).status_code == 404
    assert client.get(reverse("sessions_app:checkin_new", args=[pk])).status_code == 404
    new = client.post(reverse("sessions_app:checkin_new", args=[pk]), {"progress": "5"})
    assert new.status_code == 404
    assert client.get(reverse("sessions_app:checkin", args=[saved.pk])).status_code == 404
    ack = client.post(reverse("sessions_app:checkin_acknowledge", args=[saved.pk]))
    assert ack.status_code == 404
    saved.refresh_from_db()
    assert not saved.is_acknowledged


@pytest.mark.parametrize("extra", [0, 12])
def test_the_history_costs_the_same_queries_for_any_number(
    client: Client, pair: Pair, django_assert_num_queries, extra: int
) -> None:
    now = timezone.now()
    for n in range(3 + extra):
        checkin(pair.mentorship, at=now - timedelta(days=7 * n), progress=1 + n % 5)
    client.force_login(pair.ben)

    # session, user, the mentorship (with both people) and its goals, the page's count,
    # the ratings for the trend, the notification badge, the navigation (inbox count and
    # mentorships link in one), then the page's rows and their milestones.
    with django_assert_num_queries(10):
        response = client.get(reverse("sessions_app:checkins", args=[pair.mentorship.pk]))

    assert len(response.context["page"].object_list) == min(3 + extra, 10)
    html = _html(response)
    assert "<svg" in html
    assert "Progress over time" in html


def test_the_mentorship_page_shows_celebrations_and_anniversaries(
    client: Client, pair: Pair
) -> None:
    start = pair.mentorship.started_at
    client.force_login(pair.ana)
    client.post(reverse("profiles:milestone_toggle", args=[pair.milestone.pk]), {"done": "1"})

    with time_machine.travel(start + timedelta(days=40)):
        client.force_login(pair.ana)  # a fresh session: the first one expired meanwhile
        html = _html(client.get(reverse("matching:mentorship", args=[pair.mentorship.pk])))

    assert "Celebrations" in html
    assert "Milestone reached: <strong>Finish the SQL course</strong>" in html
    assert "One month together" in html
    assert "3 months together" not in html
    with time_machine.travel(start + timedelta(days=95)):
        client.force_login(pair.ana)
        html = _html(client.get(reverse("matching:mentorship", args=[pair.mentorship.pk])))
    assert "3 months together" in html


def test_the_mentorship_page_shows_the_health_with_advice(client: Client, pair: Pair) -> None:
    client.force_login(pair.ben)

    with time_machine.travel(pair.mentorship.started_at + timedelta(days=11)):
        html = _html(client.get(reverse("matching:mentorship", args=[pair.mentorship.pk])))
        listing = _html(client.get(reverse("matching:mentorships")))

    assert "How it is going" in html
    assert "At risk" in html
    assert "Book your first session with Ana." in html
    assert "health-badge-at_risk" in listing


def test_the_mentorship_page_keeps_a_bounded_query_count(
    client: Client, pair: Pair, django_assert_num_queries
) -> None:
    now = timezone.now()
    for n in range(6):
        checkin(pair.mentorship, at=now - timedelta(days=n))
    client.force_login(pair.ben)

    # session, user, the mentorship with both people, its goals and their milestones;
    # then the panel's four: the latest check-ins and their milestones, the health facts
    # and the last ratings; the sessions panel's sessions (none, so no options);
    # the notification badge and the navigation.
    with django_assert_num_queries(12):
        response = client.get(reverse("matching:mentorship", args=[pair.mentorship.pk]))

    assert len(response.context["checkins_latest"]) == 3


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (Mentorship.Status.PAUSED, "Check-ins resume when the mentorship is active again."),
        (Mentorship.Status.COMPLETED, "This mentorship has ended, so there are no more check-ins."),
    ],
)
def test_the_check_in_form_of_a_paused_or_ended_mentorship_says_which(
    client: Client, pair: Pair, status: str, message: str
) -> None:
    Mentorship.objects.filter(pk=pair.mentorship.pk).update(status=status)
    client.force_login(pair.ana)

    response = client.get(
        reverse("sessions_app:checkin_new", args=[pair.mentorship.pk]), follow=True
    )

    assert response.redirect_chain[-1][0] == reverse(
        "matching:mentorship", args=[pair.mentorship.pk]
    )
    assert [str(m) for m in response.context["messages"]] == [message]
