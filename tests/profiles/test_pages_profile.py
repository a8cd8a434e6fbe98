"""Profile edit, public profile, skill search and the dashboard completeness meter."""

from __future__ import annotations

import pytest
from django.urls import reverse

from profiles import services
from profiles.middleware import SESSION_KEY
from profiles.models import Profile
from tests.factories import LanguageFactory, SkillFactory


def _edit_data(**overrides: str) -> dict[str, str]:
    return {
        "is_mentee": "on",
        "headline": "Backend developer moving into data",
        "bio": "",
        "current_role": "Backend developer",
        "organisation": "Acme",
        "industry": "",
        "years_experience": "4",
        "seniority": "3",
        "country": "Portugal",
        "time_zone": "Europe/Lisbon",
        "contact_links": "https://example.org/ana\nmailto:ana@example.org",
        "languages-TOTAL_FORMS": "1",
        "languages-INITIAL_FORMS": "0",
        "languages-0-language": "",
        "languages-0-proficiency": "3",
        **overrides,
    }


def _mentor_data(**overrides: str) -> dict[str, str]:
    mentor = {
        "is_mentor": "on",
        "capacity": "3",
        "accepting_mentees": "on",
        "how_i_can_help": "Career moves into data.",
        "session_minutes": "45",
        "session_frequency": "fortnightly",
    }
    return _edit_data(**{**mentor, **overrides})


def test_editing_the_profile_saves_languages_links_and_remembers_the_time_zone(client, mentee_ana):
    english = LanguageFactory(code="en", name="English")
    client.force_login(mentee_ana)

    response = client.post(
        reverse("profiles:edit"),
        _edit_data(**{"languages-0-language": str(english.pk), "languages-0-proficiency": "4"}),
    )

    assert response.status_code == 302
    profile = Profile.objects.get(user=mentee_ana)
    assert profile.time_zone == "Europe/Lisbon"
    assert profile.contact_links == ["https://example.org/ana", "mailto:ana@example.org"]
    assert [(row.language, row.proficiency) for row in profile.languages.all()] == [(english, 4)]
    assert client.session[SESSION_KEY] == "Europe/Lisbon"


def test_an_unknown_time_zone_is_shown_next_to_the_field_and_kept(client, mentee_ana):
    client.force_login(mentee_ana)

    response = client.post(reverse("profiles:edit"), _edit_data(time_zone="Mars/Olympus_Mons"))

    assert response.status_code == 200
    assert "is not a time zone we know" in response.context["form"].errors["time_zone"][0]
    html = response.content.decode()
    assert 'value="Mars/Olympus_Mons"' in html
    assert 'value="Backend developer moving into data"' in html
    assert Profile.objects.get(user=mentee_ana).time_zone == "UTC"


def test_a_bad_contact_link_is_shown_next_to_the_field(client, mentee_ana):
    client.force_login(mentee_ana)

    response = client.post(reverse("profiles:edit"), _edit_data(contact_links="call me maybe"))

    assert "is not a web address" in response.context["form"].errors["contact_links"][0]


@pytest.mark.parametrize("capacity", ["21", "-1"])
def test_capacity_out_of_range_is_refused_next_to_the_field(client, mentor_ben, capacity):
    services.update_profile(
        profile=services.ensure_profile(user=mentor_ben), fields={"is_mentor": True}
    )
    client.force_login(mentor_ben)

    response = client.post(reverse("profiles:edit"), _mentor_data(capacity=capacity))

    assert response.status_code == 200
    assert response.context["form"].errors["capacity"]
    assert f'value="{capacity}"' in response.content.decode()
    assert Profile.objects.get(user=mentor_ben).capacity == 2


def test_capacity_out_of_range_is_refused_in_onboarding_too(client, mentor_ben):
    client.force_login(mentor_ben)

    response = client.post(
        reverse("profiles:onboarding_capacity"),
        {"capacity": "25", "session_minutes": "45", "session_frequency": "weekly"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["capacity"]
    assert 'value="25"' in response.content.decode()


def test_mentor_fields_are_saved_for_mentors(client, mentor_ben):
    services.update_profile(
        profile=services.ensure_profile(user=mentor_ben), fields={"is_mentor": True}
    )
    client.force_login(mentor_ben)

    response = client.post(reverse("profiles:edit"), _mentor_data(capacity="5"))

    assert response.status_code == 302
    profile = Profile.objects.get(user=mentor_ben)
    assert (profile.capacity, profile.how_i_can_help) == (5, "Career moves into data.")


def _public_mentor(user) -> Profile:  # type: ignore[no-untyped-def]
    profile = services.ensure_profile(user=user)
    services.update_profile(
        profile=profile,
        fields={
            "is_mentor": True,
            "headline": "Staff data engineer",
            "contact_links": ["https://example.org/secret-ben"],
            "time_zone": "America/Los_Angeles",
        },
        languages=[(LanguageFactory(code="en", name="English"), 4)],
    )
    services.replace_expertise(profile=profile, items=[(SkillFactory(name="Python"), 4)])
    return profile


def test_the_public_profile_shows_what_others_see_without_contact_links(
    client, mentor_ben, stranger_dee
):
    _public_mentor(mentor_ben)
    client.force_login(stranger_dee)

    html = client.get(reverse("profiles:public", args=[mentor_ben.pk])).content.decode()

    assert "Staff data engineer" in html
    assert "Python" in html
    assert "4/5" in html
    assert "secret-ben" not in html
    assert "This is how others see you" not in html


def test_your_own_public_profile_says_so(client, mentor_ben):
    _public_mentor(mentor_ben)
    client.force_login(mentor_ben)

    html = client.get(reverse("profiles:public", args=[mentor_ben.pk])).content.decode()

    assert "This is how others see you" in html
    assert "secret-ben" not in html


def test_a_profile_with_no_role_is_private(client, mentee_ana, stranger_dee):
    services.ensure_profile(user=mentee_ana)
    client.force_login(stranger_dee)

    response = client.get(reverse("profiles:public", args=[mentee_ana.pk]))

    assert response.status_code == 404


def test_the_public_profile_runs_a_fixed_number_of_queries(
    client, mentor_ben, stranger_dee, django_assert_num_queries
):
    _public_mentor(mentor_ben)
    client.force_login(stranger_dee)

    # session, user, profile with user and industry, languages, expertise,
    # mentor industries, availability, unread badge count, the navigation's
    # inbox count and mentorships link
    with django_assert_num_queries(9):
        response = client.get(reverse("profiles:public", args=[mentor_ben.pk]))
    assert response.status_code == 200


def test_skill_search_returns_matching_skills_as_options(client, mentee_ana):
    SkillFactory(name="Python")
    SkillFactory(name="Public speaking")
    SkillFactory(name="Rust")
    client.force_login(mentee_ana)

    response = client.get(
        reverse("profiles:skill_search"), {"q": "p"}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert '<option value="Python">' in html
    assert '<option value="Public speaking">' in html
    assert "Rust" not in html


def test_skill_search_reads_the_typed_box_too(client, mentee_ana):
    SkillFactory(name="Python")
    client.force_login(mentee_ana)

    response = client.get(reverse("profiles:skill_search"), {"must_skills_add": "SQL, pyt"})

    assert '<option value="Python">' in response.content.decode()


def test_the_dashboard_shows_how_complete_the_profile_is_and_links_to_what_is_missing(
    client, mentee_ana
):
    services.update_profile(
        profile=services.ensure_profile(user=mentee_ana),
        fields={"is_mentee": True, "headline": "Developer", "current_role": "Developer"},
    )
    client.force_login(mentee_ana)

    response = client.get(reverse("dashboard"))

    html = response.content.decode()
    # roles and basics of six steps (roles, basics, languages, availability, goals, persona)
    assert response.context["percent_complete"] == 33
    assert "33%" in html
    assert reverse("profiles:goals") in html
    assert reverse("profiles:persona") in html
    assert "Finish setting up your profile" in html
