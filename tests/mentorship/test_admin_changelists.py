"""Every admin list of our apps: what it costs in queries, for 3 rows or 10, and that its
search and a filter work.

Cy (staff, superuser) opens each list over `admin_world.build(rows)`. Most lists
cost the same six queries: Cy's Django session, Cy, the filtered count, the total
count, the page of rows with what `list_select_related` joins, and the
unread-notifications badge of the site's context processor. The table says what
each list adds to those six. The programme lists (Program, Enrolment, PairRule,
MatchRun) are tested with their own admins.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils.html import escape

from tests.mentorship.admin_world import build

BASE = 6
DATES = 2  # the date hierarchy's first and last dates, then its days (or years)


@dataclass(frozen=True)
class Changelist:
    name: str
    queries: int
    search: str | None
    filters: dict[str, str]


CHANGELISTS = [
    # + the date hierarchy, the kind filter's distinct kinds.
    Changelist(
        "notifications_notification", BASE + DATES + 1, "mentor1@", {"status__exact": "failed"}
    ),
    # + the date hierarchy (no filters; the page is the addresses and their reasons).
    Changelist("notifications_bouncedaddress", BASE + DATES, "gone1@", {}),
    # + the groups for the groups filter, the date hierarchy.
    Changelist("profiles_user", BASE + 1 + DATES, "mentee1", {"is_staff__exact": "0"}),
    Changelist("profiles_language", BASE, "Language", {}),
    Changelist("profiles_industry", BASE, "Industry", {}),
    # The page counts each category's skills in the same query.
    Changelist("profiles_skillcategory", BASE, "Category", {}),
    # + the categories for the category filter.
    Changelist("profiles_skill", BASE + 1, "Skill", {"category__isnull": "False"}),
    # + the industries for the industry filter, the date hierarchy (onboarding).
    Changelist("profiles_profile", BASE + 1 + DATES, "mentor1@", {"is_mentor__exact": "1"}),
    # The page counts each goal's milestones in the same query; + the date hierarchy.
    Changelist("profiles_goal", BASE + DATES, "product", {"status__exact": "active"}),
    # The page joins each goal and its owner; + the date hierarchy.
    Changelist("profiles_milestone", BASE + DATES, "Shadow", {"done_at__isempty": "1"}),
    Changelist("profiles_persona", BASE, "mentee1", {"seniority__isnull": "True"}),
    # The page joins skill, persona and owner; + the categories for the filter.
    Changelist("profiles_personaskill", BASE + 1, "Skill", {"importance__exact": "nice"}),
    # + the languages for the language filter.
    Changelist("profiles_profilelanguage", BASE + 1, "Language", {"proficiency__exact": "3"}),
    # + the categories for the filter, the distinct levels for the level filter.
    Changelist("profiles_expertise", BASE + 2, "Skill", {"level__exact": "4"}),
    # + the distinct weekdays for the weekday filter.
    Changelist("profiles_availabilitywindow", BASE + 1, "mentor1@", {"weekday__exact": "1"}),
    Changelist("profiles_dataclock", BASE, None, {}),
    # + the programmes for the programme filter, the date hierarchy.
    Changelist(
        "matching_mentorshiprequest", BASE + 1 + DATES, "question", {"status__exact": "pending"}
    ),
    # The page joins author and request; + the date hierarchy.
    Changelist(
        "matching_requestmessage", BASE + DATES, "suits", {"request__status__exact": "pending"}
    ),
    # + the programmes for the programme filter, the date hierarchy.
    Changelist("matching_mentorship", BASE + 1 + DATES, "mentee1@", {"status__exact": "active"}),
    # The page joins the mentorship and both people; + the date hierarchy.
    Changelist("sessions_app_session", BASE + DATES, "mentee1@", {"status__exact": "confirmed"}),
    # The page joins each session; + the date hierarchy.
    Changelist(
        "sessions_app_sessionoption",
        BASE + DATES,
        "mentee1@",
        {"session__status__exact": "confirmed"},
    ),
    # The page joins author and session (never the body); + the date hierarchy.
    Changelist(
        "sessions_app_sessionnote",
        BASE + DATES,
        "mentee1@",
        {"session__status__exact": "confirmed"},
    ),
    # + the date hierarchy, the distinct progress values for the progress filter.
    Changelist("sessions_app_checkin", BASE + DATES + 1, "mentee1@", {"progress__exact": "3"}),
    # + the date hierarchy, the distinct ratings for the rating filter.
    Changelist(
        "sessions_app_reflection", BASE + DATES + 1, "good year", {"become_mentor__exact": "0"}
    ),
    # The page joins goal, reflection, its author and mentorship.
    Changelist("sessions_app_goaloutcome", BASE, "product", {"outcome__exact": "progressed"}),
]

OURS = {"profiles", "matching", "sessions_app", "notifications"}
PROGRAMME_MODELS = {"program", "enrolment", "pairrule", "matchrun", "matchrunpair"}


def _url(changelist: Changelist) -> str:
    return reverse(f"admin:{changelist.name}_changelist")


def test_every_admin_list_of_our_apps_is_in_the_table():
    registered = {
        f"{model._meta.app_label}_{model._meta.model_name}"
        for model in admin.site._registry
        if model._meta.app_label in OURS and model._meta.model_name not in PROGRAMME_MODELS
    }
    assert registered == {changelist.name for changelist in CHANGELISTS}


@pytest.mark.parametrize("rows", [3, 10])
@pytest.mark.parametrize("changelist", CHANGELISTS, ids=lambda c: c.name)
def test_the_list_costs_the_same_queries_for_any_number_of_rows(
    client, admin_cy, django_assert_num_queries, changelist, rows
):
    build(rows)
    client.force_login(admin_cy)
    with django_assert_num_queries(changelist.queries):
        response = client.get(_url(changelist))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= min(rows, 1)


@pytest.mark.parametrize("changelist", CHANGELISTS, ids=lambda c: c.name)
def test_the_search_and_a_filter_narrow_the_list(client, admin_cy, changelist):
    build(3)
    client.force_login(admin_cy)
    total = client.get(_url(changelist)).context["cl"].result_count
    if changelist.search is not None:
        found = client.get(_url(changelist), {"q": changelist.search})
        assert found.status_code == 200
        assert 1 <= found.context["cl"].result_count <= total
        nothing = client.get(_url(changelist), {"q": "no-such-words-anywhere"})
        assert nothing.context["cl"].result_count == 0
    if changelist.filters:
        filtered = client.get(_url(changelist), changelist.filters)
        # An unknown filter redirects with ?e=1; a real one renders the narrowed list.
        assert filtered.status_code == 200
        assert filtered.context["cl"].result_count <= total


def test_a_private_note_shows_who_wrote_it_and_never_what_it_says(client, admin_cy):
    world = build(1)
    note = world.mentorships[0].sessions.get().private_notes.get()
    client.force_login(admin_cy)
    listing = client.get(reverse("admin:sessions_app_sessionnote_changelist"))
    page = client.get(reverse("admin:sessions_app_sessionnote_change", args=[note.pk]))
    searched = client.get(reverse("admin:sessions_app_sessionnote_changelist"), {"q": "offer"})
    assert page.status_code == 200
    assert escape(note.author.display_name) in page.content.decode()
    for response in (listing, page):
        assert "Ask about the offer" not in response.content.decode()
    # Searching words of the note finds nothing, so the search cannot read it either.
    assert searched.context["cl"].result_count == 0
