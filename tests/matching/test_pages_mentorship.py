"""Mentorships as the pair sees them: the list on both sides, one mentorship, the agreement."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from matching import services
from matching.models import Mentorship
from profiles.models import Profile, User
from tests.matching.inbox_world import World, build, send
from tests.matching.people import language, person


@pytest.fixture
def world(mentee_ana: User, mentor_ben: User, stranger_dee: User) -> World:
    return build(mentee_ana, mentor_ben, stranger_dee)


@pytest.fixture
def mentorship(world: World) -> Mentorship:
    return services.accept_request(
        mentor=world.ben, request_id=world.request.pk, welcome_note="Welcome aboard, Ana!"
    )


def _html(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def _terms(**changes: object) -> dict[str, object]:
    terms: dict[str, object] = {
        "frequency": "fortnightly",
        "session_minutes": "45",
        "channel": "Video call, link in the invite",
        "planned_end": (timezone.localdate() + timedelta(days=120)).isoformat(),
        "boundaries": "Career questions; replies within three days.",
        "confidentiality": "What we discuss stays between us.",
    }
    terms.update(changes)
    return terms


def _agree(client: Client, pk: int, **changes: object):  # type: ignore[no-untyped-def]
    return client.post(reverse("matching:mentorship_agreement", args=[pk]), _terms(**changes))


# --- The list ---------------------------------------------------------------------------


def test_the_list_shows_both_sides_live_first_with_the_agreement_state(client, world, mentorship):
    # Ben is also mentored by Dee, in a mentorship that has ended.
    Profile.objects.filter(user=world.dee).update(capacity=3)
    mentee_side = services.accept_request(
        mentor=world.dee, request_id=send(world.ben, world.dee).pk
    )
    Mentorship.objects.filter(pk=mentee_side.pk).update(status=Mentorship.Status.ENDED)
    client.force_login(world.ben)

    response = client.get(reverse("matching:mentorships"))

    live, past = response.context["live"], response.context["past"]
    assert [(row.mentorship.pk, row.role) for row in live] == [(mentorship.pk, "mentor")]
    assert [(row.mentorship.pk, row.role) for row in past] == [(mentee_side.pk, "mentee")]
    html = _html(response)
    assert "You mentor Ana" in html
    assert "Agreement not written yet" in html
    assert "Past mentorships" in html
    assert "Dee Stranger" in html


def test_the_agreement_state_reads_from_each_side(client, world, mentorship):
    client.force_login(world.ben)
    _agree(client, mentorship.pk)

    assert "Waiting for Ana" in _html(client.get(reverse("matching:mentorships")))
    client.force_login(world.ana)
    assert "Waiting for your confirmation" in _html(client.get(reverse("matching:mentorships")))


@pytest.mark.parametrize("extra", [0, 3])
def test_the_list_costs_the_same_queries_for_any_number_of_mentorships(
    client, world, mentorship, django_assert_num_queries, extra
):
    Profile.objects.filter(user=world.ben).update(capacity=10)
    for n in range(extra):
        other = person(f"m{n}@example.org", mentee=True, languages=[(language("en", "English"), 4)])
        services.accept_request(mentor=world.ben, request_id=send(other, world.ben).pk)
    client.force_login(world.ben)

    # session, user, the mentorships (with both people and the request's goal), the
    # health facts (sessions and check-ins aggregated per mentorship) and the last three
    # ratings of each, the notification badge, and the navigation's inbox count and
    # mentorships link.
    with django_assert_num_queries(7):
        response = client.get(reverse("matching:mentorships"))
    assert len(response.context["live"]) == 1 + extra


def test_without_a_mentorship_the_list_points_to_finding_a_mentor(client, world):
    client.force_login(world.ana)

    html = _html(client.get(reverse("matching:mentorships")))

    assert "No mentorship yet" in html
    assert reverse("matching:browse") in html


# --- One mentorship ------------------------------------------------------------------------


def test_the_page_shows_both_people_goals_welcome_note_and_the_guide(client, world, mentorship):
    client.force_login(world.ana)

    response = client.get(reverse("matching:mentorship", args=[mentorship.pk]))

    html = _html(response)
    assert "Mentored by Ben Okafor" in html
    assert "Staff engineer, payments" in html
    assert "Support engineer moving into data" in html
    assert "Move into a data engineering role" in html
    assert "Finish the SQL course" in html
    assert "Welcome aboard, Ana!" in html
    assert "Your first conversation" in html
    # The guide speaks to the mentee: what to prepare and what to ask Ben.
    assert "One goal, in two sentences." in html
    assert "What do you wish someone had told you" in html
    client.force_login(world.ben)
    html = _html(client.get(reverse("matching:mentorship", args=[mentorship.pk])))
    assert "Re-read Ana's request and goals." in html
    assert "If this goes really well" in html


def test_contact_links_are_shown_inside_the_mentorship_and_only_safe_ones(
    client, world, mentorship
):
    # Written around the form's validation, as an old row or an import might.
    Profile.objects.filter(user=world.ben).update(
        contact_links=[
            "https://cal.example.org/ben",
            "mailto:ben@example.org",
            "javascript:alert(1)",
            "data:text/html,hi",
        ]
    )
    client.force_login(world.ana)

    html = _html(client.get(reverse("matching:mentorship", args=[mentorship.pk])))

    assert 'href="https://cal.example.org/ben"' in html
    assert 'href="mailto:ben@example.org"' in html
    assert "javascript:" not in html
    assert "data:text/html" not in html
    assert "You have not added a way to reach you." in html


def test_the_agreement_form_starts_from_the_mentors_usual_rhythm(client, world, mentorship):
    client.force_login(world.ana)

    form = client.get(reverse("matching:mentorship", args=[mentorship.pk])).context["form"]

    # Ben meets for 30 minutes, "when needed" (ad hoc on his profile).
    assert form.initial["session_minutes"] == 30
    assert form.initial["frequency"] == Mentorship.Frequency.AS_NEEDED


def test_the_mentor_proposes_and_the_mentee_confirms_as_is(client, world, mentorship):
    client.force_login(world.ben)
    response = _agree(client, mentorship.pk)
    assert response.status_code == 302
    mentorship.refresh_from_db()
    assert mentorship.mentor_confirmed_at is not None
    assert mentorship.mentee_confirmed_at is None
    assert "Waiting for Ana" in _html(client.get(response["Location"]))

    client.force_login(world.ana)
    page = client.get(reverse("matching:mentorship", args=[mentorship.pk]))
    assert "Ben has confirmed the terms below." in _html(page)
    response = client.post(
        reverse("matching:mentorship_agreement", args=[mentorship.pk]),
        {"as_is": page.context["terms_token"]},
    )

    assert response.status_code == 302
    mentorship.refresh_from_db()
    assert mentorship.agreement_confirmed
    assert mentorship.channel == "Video call, link in the invite"
    html = _html(client.get(response["Location"]))
    assert "Agreed by both on" in html
    assert "you and Ben have both confirmed" in html


def test_a_change_clears_the_others_confirmation(client, world, mentorship):
    client.force_login(world.ben)
    _agree(client, mentorship.pk)

    client.force_login(world.ana)
    response = _agree(client, mentorship.pk, session_minutes="60")

    mentorship.refresh_from_db()
    assert mentorship.session_minutes == 60
    assert mentorship.mentee_confirmed_at is not None
    assert mentorship.mentor_confirmed_at is None
    assert "Ben is asked to confirm the new terms" in _html(client.get(response["Location"]))
    client.force_login(world.ben)
    html = _html(client.get(reverse("matching:mentorship", args=[mentorship.pk])))
    assert "Ana has confirmed the terms below." in html
    assert "Waiting for your confirmation" in html


def test_confirming_terms_that_changed_meanwhile_is_refused(client, world, mentorship):
    client.force_login(world.ben)
    _agree(client, mentorship.pk)
    client.force_login(world.ana)
    token = client.get(reverse("matching:mentorship", args=[mentorship.pk])).context["terms_token"]
    client.force_login(world.ben)
    _agree(client, mentorship.pk, channel="In person, the café by the office")

    client.force_login(world.ana)
    url = reverse("matching:mentorship_agreement", args=[mentorship.pk])
    response = client.post(url, {"as_is": token}, follow=True)

    mentorship.refresh_from_db()
    assert mentorship.mentee_confirmed_at is None
    assert "The terms changed while you were reading" in _html(response)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"session_minutes": "5"}, "Sessions last between 10 and 240 minutes."),
        ({"channel": ""}, "Say where you will meet (a video link, a place)."),
        ({"frequency": ""}, "Choose how often you will meet."),
        ({"planned_end": "2001-01-01"}, "The planned end is a date in the future."),
    ],
)
def test_bad_terms_are_refused_in_place_and_keep_what_was_typed(
    client, world, mentorship, changes, message
):
    client.force_login(world.ben)

    response = _agree(client, mentorship.pk, boundaries="No weekend messages, please.", **changes)

    assert response.status_code in {400, 409}
    html = _html(response)
    assert message in html
    assert "No weekend messages, please." in html
    mentorship.refresh_from_db()
    assert mentorship.mentor_confirmed_at is None


def test_an_ended_mentorship_shows_no_agreement_form(client, world, mentorship):
    Mentorship.objects.filter(pk=mentorship.pk).update(status=Mentorship.Status.ENDED)
    client.force_login(world.ben)

    html = _html(client.get(reverse("matching:mentorship", args=[mentorship.pk])))

    assert reverse("matching:mentorship_agreement", args=[mentorship.pk]) not in html
    response = _agree(client, mentorship.pk)
    assert response.status_code == 409
    assert "This mentorship has ended" in _html(response)


# --- Access ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "name"), [("get", "matching:mentorship"), ("post", "matching:mentorship_agreement")]
)
def test_a_stranger_gets_404_on_every_mentorship_url(client, world, mentorship, method, name):
    client.force_login(world.dee)

    response = getattr(client, method)(reverse(name, args=[mentorship.pk]), _terms())

    assert response.status_code == 404
    mentorship.refresh_from_db()
    assert mentorship.mentee_confirmed_at is None
    assert mentorship.mentor_confirmed_at is None
    assert mentorship.frequency == ""


def test_a_strangers_list_does_not_show_the_pair(client, world, mentorship):
    client.force_login(world.dee)

    response = client.get(reverse("matching:mentorships"))

    assert response.context["live"] == []
    assert "Ana Silva" not in _html(response)


def test_the_agreement_needs_the_csrf_token(world, mentorship):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.ben)

    response = client.post(reverse("matching:mentorship_agreement", args=[mentorship.pk]), _terms())

    assert response.status_code == 403
    mentorship.refresh_from_db()
    assert mentorship.mentor_confirmed_at is None


@pytest.mark.parametrize("name", ["matching:mentorships", "matching:mentorship"])
def test_mentorship_pages_need_a_login(client, mentorship, name):
    args = [mentorship.pk] if name == "matching:mentorship" else []
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
