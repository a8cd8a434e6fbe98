"""Browsing mentors: the ranked page, filters, the mentor page and the API, as people use them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matching.models import Enrolment, Program
from matching.selectors import MentorFilters, explain_mentee_for_mentor, rank_mentors
from profiles import services
from profiles.availability import Window
from profiles.models import Profile
from tests.matching.people import industry, language, person, persona, skill, tuesday_evening


@pytest.fixture
def world(db, mentee_ana, mentor_ben):  # type: ignore[no-untyped-def]
    """Ana looks for a Python mentor in Lisbon; Ben fits best; others fit less or not at all."""
    english, spanish = language("en", "English"), language("es", "Spanish")
    python, sql, go = skill("Python"), skill("SQL"), skill("Go")
    fintech = industry("Fintech")
    ana = person(
        "ana@example.org",
        user=mentee_ana,
        mentee=True,
        languages=[(english, 4)],
        windows=tuesday_evening(),
        seniority=2,
    )
    persona(ana, must=(python,), nice=(sql,), traits=["encouraging"], industries=[fintech])
    ben = person(
        "ben@example.org",
        user=mentor_ben,
        mentor=True,
        zone="Europe/Berlin",
        languages=[(english, 3), (spanish, 4)],
        expertise=[(python, 5), (sql, 4)],
        # 19:00-21:00 in Berlin is 18:00-20:00 in Lisbon.
        windows=[Window(1, 19 * 60, 21 * 60)],
        industries=[fintech],
        traits=["encouraging", "structured"],
        seniority=4,
        headline="Staff engineer, payments",
    )
    cara = person(
        "cara@example.org",
        mentor=True,
        languages=[(english, 4)],
        expertise=[(python, 2)],
        windows=[Window(3, 9 * 60, 10 * 60)],
        seniority=3,
    )
    dan = person("dan@example.org", mentor=True, languages=[(english, 4)], expertise=[(sql, 5)])
    eva = person("eva@example.org", mentor=True, languages=[(spanish, 4)], expertise=[(python, 5)])
    return {
        "ana": ana, "ben": ben, "cara": cara, "dan": dan, "eva": eva,
        "python": python, "sql": sql, "go": go, "english": english, "spanish": spanish,
        "fintech": fintech,
    }  # fmt: skip


def _ids(page):  # type: ignore[no-untyped-def]
    return [match.id for match in page.matches]


def test_the_best_fit_comes_first_and_hard_constraints_exclude(world):
    page = rank_mentors(user=world["ana"], filters=MentorFilters())

    # Dan lacks the must-have Python; Eva shares no language with Ana.
    assert _ids(page) == [world["ben"].pk, world["cara"].pk]
    assert page.count == 2
    best, other = page.matches
    assert best.score > other.score
    assert best.rank == 1
    assert best.places_left == 2


def test_reasons_read_as_plain_words(world):
    best = rank_mentors(user=world["ana"], filters=MentorFilters()).matches[0]

    facts = {c.key: c.facts for c in best.explanation.criteria}
    assert facts["skills"][0] == "2 of your 2 wanted skills: Python (5/5) and SQL (4/5)"
    assert facts["languages"] == ["Both speak English"]
    assert facts["availability"][0] == ("2 h a week of shared availability: Tue evening, your time")
    assert facts["industry"] == ["Knows Fintech, as asked"]
    assert "Encouraging, as you asked" in facts["traits"]
    assert len(best.explanation.reasons) == 3
    assert best.explanation.reasons[0] == "Python and SQL: 2 of your 2 skills"
    # The parts add up to the score.
    total = sum(c.contribution for c in best.explanation.criteria)
    assert total == pytest.approx(best.score)


def test_the_mentor_reads_the_same_fit_from_their_side(world):
    explanation = explain_mentee_for_mentor(mentor=world["ben"], mentee=world["ana"])

    assert explanation is not None
    facts = {c.key: c.facts for c in explanation.criteria}
    assert facts["skills"][0].startswith("2 of Ana's 2 wanted skills")
    assert facts["languages"] == ["Both of you speak English"]
    # Told in Ben's own zone: Tuesday 19:00-21:00 in Berlin.
    assert facts["availability"][0] == ("2 h a week of shared availability: Tue evening, your time")
    mine = rank_mentors(user=world["ana"], filters=MentorFilters()).matches[0]
    assert explanation.score == pytest.approx(mine.score)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"skill": "sql"}, ["ben"]),
        ({"language": "spanish"}, ["ben"]),
        ({"industry": "fintech"}, ["ben"]),
        ({"min_hours": "1"}, ["ben"]),
        ({"kind": "leadership"}, []),
    ],
)
def test_filters_narrow_the_list(world, client, params, expected):
    client.force_login(world["ana"])
    query = {key: world[value].pk if key in {"skill", "language", "industry"} else value
             for key, value in params.items()}  # fmt: skip

    response = client.get(reverse("api:mentor-list"), query)

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [world[n].pk for n in expected]


def test_mentors_who_cannot_take_requests_are_shown_only_when_asked(world, client):
    services.update_profile(
        profile=Profile.objects.get(user=world["ben"]), fields={"accepting_mentees": False}
    )
    client.force_login(world["ana"])

    default = client.get(reverse("api:mentor-list")).json()
    everyone = client.get(reverse("api:mentor-list"), {"accepting": "false"}).json()

    assert [row["id"] for row in default["results"]] == [world["cara"].pk]
    assert [row["id"] for row in everyone["results"]] == [world["ben"].pk, world["cara"].pk]
    assert everyone["results"][0]["open_to_requests"] is False
    assert "Not taking new mentees right now." in everyone["results"][0]["explanation"]["blockers"]


def test_capacity_is_checked_against_the_database_at_request_time(world, client):
    client.force_login(world["ana"])
    client.get(reverse("api:mentor-list"))  # the index now holds Ben as open
    # A write that has not reached this process's index yet (no stamp).
    Profile.objects.filter(user=world["ben"]).update(capacity=0)

    rows = client.get(reverse("api:mentor-list")).json()["results"]

    assert [row["id"] for row in rows] == [world["cara"].pk]


def test_a_change_reaches_the_next_browse(world, client):
    client.force_login(world["ana"])
    assert [r["id"] for r in client.get(reverse("api:mentor-list")).json()["results"]] == [
        world["ben"].pk, world["cara"].pk,
    ]  # fmt: skip

    # Dan learns Python: the edit stamps him, the index re-encodes him.
    services.replace_expertise(
        profile=Profile.objects.get(user=world["dan"]),
        items=[(world["python"], 5), (world["sql"], 5)],
    )
    ids = [r["id"] for r in client.get(reverse("api:mentor-list")).json()["results"]]

    assert world["dan"].pk in ids


def test_the_page_and_the_api_give_the_same_order(world, client):
    client.force_login(world["ana"])

    api = [row["id"] for row in client.get(reverse("api:mentor-list")).json()["results"]]
    html = client.get(reverse("matching:browse")).content.decode()

    positions = [html.index(reverse("matching:mentor", args=[pk])) for pk in api]
    assert positions == sorted(positions)


def test_htmx_filters_answer_with_the_results_only(world, client):
    client.force_login(world["ana"])

    response = client.get(
        reverse("matching:browse"),
        {"skill": world["sql"].pk},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="results",
    )

    html = response.content.decode()
    assert "<html" not in html
    assert "1</strong> mentor matches your filters" in html
    assert world["ben"].display_name in html
    assert world["cara"].display_name not in html


def test_bad_filters_keep_what_was_typed_and_say_why(world, client):
    client.force_login(world["ana"])

    page = client.get(reverse("matching:browse"), {"min_hours": "lots"})
    api = client.get(reverse("api:mentor-list"), {"min_hours": "lots", "program": "nope"})

    assert page.status_code == 200
    assert 'value="lots"' in page.content.decode()
    assert "Enter a number." in page.content.decode()
    assert api.status_code == 400
    assert set(api.json()) == {"min_hours", "program"}


def test_an_empty_persona_is_shown_how_to_improve(db, client, mentee_ana, mentor_ben):
    english = language("en", "English")
    person("ana@example.org", user=mentee_ana, mentee=True, languages=[(english, 4)])
    person("ben@example.org", user=mentor_ben, mentor=True, languages=[(english, 4)])
    client.force_login(mentee_ana)

    html = client.get(reverse("matching:browse")).content.decode()

    assert "Get better matches" in html
    assert reverse("profiles:persona") in html
    assert reverse("profiles:goal_create") in html


def test_the_mentor_page_breaks_the_score_down(world, client):
    client.force_login(world["ana"])

    response = client.get(reverse("matching:mentor", args=[world["ben"].pk]))

    html = response.content.decode()
    best = rank_mentors(user=world["ana"], filters=MentorFilters()).matches[0]
    assert f"{best.explanation.percent}%" in html
    for label in ("Wanted skills", "Shared availability", "Languages", "Formats and rhythm"):
        assert label in html
    assert "Python (5/5)" in html
    # Formats were not asked for: counted as neutral, with a way to say more.
    assert "Not asked for yet: counts as neutral" in html


def test_the_api_explains_each_mentor(world, client):
    client.force_login(world["ana"])

    row = client.get(reverse("api:mentor-detail", args=[world["ben"].pk])).json()

    assert row["id"] == world["ben"].pk
    assert 0 < row["score"] <= 1
    criteria = {c["key"]: c for c in row["explanation"]["criteria"]}
    assert set(criteria) == {
        "skills", "industry", "experience", "traits", "languages", "availability", "formats",
    }  # fmt: skip
    assert sum(c["contribution"] for c in criteria.values()) == pytest.approx(
        row["score"], abs=1e-4
    )
    assert criteria["formats"]["active"] is False
    assert criteria["formats"]["hint"]


@pytest.mark.parametrize("who", ["dan_as_stranger", "self", "not_a_mentor", "inactive", "missing"])
def test_who_is_not_an_active_mentor_answers_404(world, client, who):
    client.force_login(world["ana"])
    target = {
        "dan_as_stranger": None,
        "self": world["ana"].pk,
        "not_a_mentor": world["ana"].pk,
        "missing": 999_999,
    }.get(who)
    if who == "dan_as_stranger":
        # Dan is a mentor Ana cannot request (no Python), but his page still opens.
        response = client.get(reverse("api:mentor-detail", args=[world["dan"].pk]))
        assert response.status_code == 200
        assert "A must-have skill is missing." in response.json()["explanation"]["blockers"]
        return
    if who == "inactive":
        world["cara"].is_active = False
        world["cara"].save(update_fields=["is_active"])
        services.mark_profiles_changed(user_ids=[world["cara"].pk])
        target = world["cara"].pk

    assert client.get(reverse("api:mentor-detail", args=[target])).status_code == 404


def _with_everyone(program: Program, world) -> Program:  # type: ignore[no-untyped-def]
    """Ana as the programme's mentee, the mentors as its mentors."""
    Enrolment.objects.create(program=program, user=world["ana"], role="mentee")
    for name in ("ben", "cara", "dan"):
        Enrolment.objects.create(program=program, user=world[name], role="mentor")
    return program


def test_a_programme_changes_the_weights_and_reverse_inverts_seniority(world, client):
    client.force_login(world["ana"])
    _with_everyone(
        Program.objects.create(name="Juniors teach", slug="juniors", kind=Program.Kind.REVERSE),
        world,
    )
    _with_everyone(
        Program.objects.create(name="Time first", slug="time", weights={"availability": 10}),
        world,
    )

    default = client.get(reverse("api:mentor-detail", args=[world["ben"].pk])).json()
    reverse_ = client.get(
        reverse("api:mentor-detail", args=[world["ben"].pk]), {"program": "juniors"}
    ).json()
    timed = client.get(reverse("api:mentor-list"), {"program": "time"}).json()["results"]

    def value(row, key):  # type: ignore[no-untyped-def]
        return next(c for c in row["explanation"]["criteria"] if c["key"] == key)

    # Ben is two levels above Ana: the best gap one-to-one, a poor one in reverse mentoring.
    assert value(default, "experience")["value"] > value(reverse_, "experience")["value"]
    weights = {c["key"]: c["weight"] for c in timed[0]["explanation"]["criteria"]}
    assert weights["availability"] > 0.5


def test_cards_link_to_the_mentor_within_the_chosen_programme(world, client):
    client.force_login(world["ana"])
    _with_everyone(
        Program.objects.create(name="Time first", slug="time", weights={"availability": 10}),
        world,
    )
    ben = reverse("matching:mentor", args=[world["ben"].pk])

    plain = client.get(reverse("matching:browse")).content.decode()
    in_programme = client.get(reverse("matching:browse"), {"program": "time"}).content.decode()

    assert f'href="{ben}"' in plain
    assert f'href="{ben}?program=time"' in in_programme


def test_anonymous_people_are_asked_to_log_in(world, client):
    assert client.get(reverse("matching:browse")).status_code == 302
    assert client.get(reverse("api:mentor-list")).status_code == 401
    assert client.get(reverse("api:mentor-detail", args=[world["ben"].pk])).status_code == 401


# --- Query counts -------------------------------------------------------------------------


def _more_mentors(world, count: int) -> None:  # type: ignore[no-untyped-def]
    for n in range(count):
        person(
            f"extra{n}@example.org",
            mentor=True,
            languages=[(world["english"], 3)],
            expertise=[(world["python"], 1 + n % 5), (world["go"], 3)],
            windows=[Window(n % 7, 17 * 60, 19 * 60)],
        )


@pytest.mark.parametrize("extra", [0, 25])
def test_browse_costs_the_same_queries_for_any_number_of_mentors(
    world, client, django_assert_num_queries, extra
):
    _more_mentors(world, extra)
    client.force_login(world["ana"])
    client.get(reverse("matching:browse"))  # builds the index and encodes Ana once

    # session, user, the data versions, the mentors already asked, the page's
    # mentors, "any programmes?", the notification badge and the navigation's
    # inbox count and mentorships link (the filters' options come from the index).
    with django_assert_num_queries(8):
        response = client.get(reverse("matching:browse"))
    assert response.status_code == 200
    assert len(response.context["page"].matches) == min(2 + extra, 10)


@pytest.mark.parametrize("extra", [0, 25])
def test_the_mentor_list_endpoint_costs_the_same_queries(
    world, client, django_assert_num_queries, extra
):
    _more_mentors(world, extra)
    client.force_login(world["ana"])
    client.get(reverse("api:mentor-list"))

    # session, user, the data versions, the mentors already asked, the page's mentors
    # (throttles count in the cache).
    with django_assert_num_queries(5):
        response = client.get(reverse("api:mentor-list"))
    assert response.json()["count"] == 2 + extra


def test_a_mentors_view_of_a_mentees_profile_shows_no_goals_or_persona(world, client):
    # The mentor's side of the fit names the mentee's goals and persona: it is for
    # a mentor holding that mentee's request (the inbox), never a profile visit.
    client.force_login(world["ben"])

    html = client.get(reverse("profiles:public", args=[world["ana"].pk])).content.decode()

    assert "How you fit" not in html
    assert "wanted skills" not in html
    assert "persona" not in html.lower().split("</header>", 1)[1]


def test_people_who_do_not_mentor_see_no_fit_on_profiles(world, client):
    client.force_login(world["ana"])

    html = client.get(reverse("profiles:public", args=[world["ben"].pk])).content.decode()

    assert "How you fit" not in html


def test_the_dashboard_shows_a_mentees_best_matches(world, client):
    client.force_login(world["ana"])

    response = client.get(reverse("dashboard"))

    top = response.context["top_matches"]
    assert [m.id for m in top.matches] == [world["ben"].pk, world["cara"].pk]
    assert "Mentors who fit you" in response.content.decode()


@pytest.mark.parametrize("extra", [0, 25])
def test_the_mentee_dashboard_costs_the_same_queries(
    world, client, django_assert_num_queries, extra
):
    _more_mentors(world, extra)
    client.force_login(world["ana"])
    client.get(reverse("dashboard"))

    # The dashboard's 13 (see the notifications tests), plus the data versions,
    # the mentors already asked, the three best mentors' rows and the mentee's
    # recent requests (test_pages_compose), and the progress of the mentee's goals.
    with django_assert_num_queries(18):
        response = client.get(reverse("dashboard"))
    assert len(response.context["top_matches"].matches) == (3 if extra else 2)


def test_near_ties_take_turns_at_the_top_day_by_day(db, mentee_ana):
    import time_machine

    english, python = language("en", "English"), skill("Python")
    ana = person("ana@example.org", user=mentee_ana, mentee=True, languages=[(english, 4)])
    persona(ana, nice=(python,))
    twins = [
        person(
            f"twin{n}@example.org", mentor=True, languages=[(english, 4)], expertise=[(python, 4)]
        )
        for n in range(2)
    ]
    firsts = set()
    for day in range(1, 15):
        with time_machine.travel(f"2026-11-{day:02d} 12:00Z", tick=False):
            page = rank_mentors(user=ana, filters=MentorFilters())
            again = rank_mentors(user=ana, filters=MentorFilters())
        assert [m.id for m in page.matches] == [m.id for m in again.matches]  # stable in a day
        assert page.matches[0].score == page.matches[1].score
        firsts.add(page.matches[0].id)

    assert firsts == {twin.pk for twin in twins}


def test_peer_programmes_score_both_ways_the_same(world, client):
    peers = Program.objects.create(name="Peers", slug="peers", kind=Program.Kind.PEER)
    ana, ben = world["ana"], world["ben"]
    for someone in (ana, ben):
        Enrolment.objects.create(program=peers, user=someone, role="both")
    # Both take part on both sides.
    services.update_profile(profile=Profile.objects.get(user=ana), fields={"is_mentor": True})
    services.replace_expertise(profile=Profile.objects.get(user=ana), items=[(world["go"], 4)])
    services.update_profile(profile=Profile.objects.get(user=ben), fields={"is_mentee": True})
    persona(ben, nice=(world["go"],))

    client.force_login(ana)
    ana_sees = client.get(reverse("api:mentor-detail", args=[ben.pk]), {"program": "peers"}).json()
    client.force_login(ben)
    ben_sees = client.get(reverse("api:mentor-detail", args=[ana.pk]), {"program": "peers"}).json()

    assert ana_sees["score"] == pytest.approx(ben_sees["score"], abs=1e-4)


def test_the_filters_offer_the_taxonomy_and_keep_the_choice(world, client):
    client.force_login(world["ana"])

    html = client.get(reverse("matching:browse"), {"skill": world["sql"].pk}).content.decode()

    assert f'<option value="{world["sql"].pk}" selected>SQL</option>' in html
    assert f'<option value="{world["python"].pk}">Python</option>' in html
    assert '<option value="">Any language</option>' not in html.split('name="language"')[0]
    assert '<option value="" selected>Any language</option>' in html


def test_a_mentee_who_does_not_mentor_can_browse_a_peer_programme(world, client):
    _with_everyone(
        Program.objects.create(name="Peers", slug="peers", kind=Program.Kind.PEER), world
    )
    client.force_login(world["ana"])

    response = client.get(reverse("api:mentor-list"), {"program": "peers"})

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]][:1] == [world["ben"].pk]


def test_a_mistyped_filter_is_reported_and_the_others_still_apply(world, client):
    client.force_login(world["ana"])

    html = client.get(
        reverse("matching:browse"),
        {"skill": world["sql"].pk, "min_hours": "abc"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="results",
    ).content.decode()

    assert "1</strong> mentor matches your filters" in html
    assert "Not applied" in html
    assert "Shared hours a week (min.): Enter a number." in html


def test_a_page_past_the_end_shows_the_last_page(world, client):
    client.force_login(world["ana"])

    body = client.get(reverse("api:mentor-list"), {"page": 99, "page_size": 1}).json()

    assert body["count"] == 2
    assert [row["rank"] for row in body["results"]] == [2]
    assert body["next"] is None


def test_the_api_reads_yes_and_no_as_people_write_them(world, client):
    client.force_login(world["ana"])

    for value, expected in (("0", 200), ("False", 200), ("yes", 200), ("maybe", 400)):
        assert client.get(reverse("api:mentor-list"), {"accepting": value}).status_code == expected


def test_pages_stay_consistent_when_the_database_is_ahead_of_the_index(world, client):
    _more_mentors(world, 6)
    client.force_login(world["ana"])
    first = client.get(reverse("api:mentor-list"), {"page_size": 3}).json()
    # A write this process's index has not seen (no stamp): the top mentor is full.
    top = first["results"][0]["id"]
    Profile.objects.filter(user_id=top).update(capacity=0)

    pages = [
        client.get(reverse("api:mentor-list"), {"page_size": 3, "page": n}).json()
        for n in (1, 2, 3)
    ]

    ids = [row["id"] for body in pages for row in body["results"]]
    assert top not in ids
    assert len(ids) == len(set(ids)) == pages[0]["count"] == first["count"] - 1
    assert [row["rank"] for body in pages for row in body["results"]] == list(
        range(1, len(ids) + 1)
    )


def test_admin_deletions_and_renames_reach_the_index(world, client, admin_cy):
    from profiles.models import Persona

    client.force_login(world["ana"])
    before = client.get(reverse("api:mentor-list")).json()["count"]
    admin = client.__class__()
    admin.force_login(admin_cy)

    persona = Persona.objects.get(owner=world["ana"])
    response = admin.post(
        reverse("admin:profiles_persona_delete", args=[persona.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    # Without the persona's must-have, Dan (SQL only) fits Ana too.
    assert client.get(reverse("api:mentor-list")).json()["count"] == before + 1

    admin.post(
        reverse("admin:profiles_skill_change", args=[world["python"].pk]),
        {"name": "Python 3", "category": world["python"].category_id},
    )
    row = client.get(reverse("api:mentor-detail", args=[world["ben"].pk])).json()
    skills = next(c for c in row["explanation"]["criteria"] if c["key"] == "skills")
    assert skills["active"] is False  # Ana wants no skills any more...
    html = client.get(reverse("matching:browse")).content.decode()
    assert ">Python 3</option>" in html  # ...and the filters know the new name
