"""The mentor persona page: explains itself, saves must-haves and nice-to-haves."""

from __future__ import annotations

from django.urls import reverse

from profiles import services
from profiles.models import Persona
from tests.factories import GoalFactory, IndustryFactory, LanguageFactory, SkillFactory


def _persona_data(**overrides: str) -> dict[str, str]:
    return {
        "must_skills_add": "",
        "nice_skills_add": "",
        "min_years_experience": "5",
        "seniority": "",
        "min_shared_hours": "2",
        "frequency": "",
        "ideal_mentor": "Someone who has led a data team.",
        **overrides,
    }


def test_the_page_explains_itself_goals_first(client, mentee_ana):
    client.force_login(mentee_ana)

    html = client.get(reverse("profiles:persona")).content.decode()

    assert "Know your destination first" in html
    assert "You have not written a goal yet" in html


def test_a_mentee_saves_must_have_and_nice_to_have_skills(client, mentee_ana):
    python, sql = SkillFactory(name="Python"), SkillFactory(name="SQL")
    english = LanguageFactory(code="en", name="English")
    fintech = IndustryFactory(name="Fintech")
    client.force_login(mentee_ana)

    response = client.post(
        reverse("profiles:persona"),
        {
            **_persona_data(must_skills_add="python", nice_skills_add="sql"),
            "traits": ["direct"],
            "formats": ["video"],
            "languages": [str(english.pk)],
            "industries": [str(fintech.pk)],
        },
        follow=True,
    )

    persona = Persona.objects.get(owner=mentee_ana)
    assert {(row.skill, row.importance) for row in persona.skills.all()} == {
        (python, "must"),
        (sql, "nice"),
    }
    assert (persona.min_years_experience, persona.traits) == (5, ["direct"])
    assert list(persona.languages.all()) == [english]
    assert list(persona.industries.all()) == [fintech]
    html = response.content.decode()
    assert 'value="Python" checked' in html
    assert 'value="SQL" checked' in html


def test_unticking_a_chosen_skill_removes_it(client, mentee_ana):
    python = SkillFactory(name="Python")
    services.save_persona(owner=mentee_ana, fields={}, skills=[(python, "must")])
    client.force_login(mentee_ana)

    client.post(reverse("profiles:persona"), _persona_data())

    assert not Persona.objects.get(owner=mentee_ana).skills.exists()


def test_an_unknown_skill_is_shown_next_to_the_field_and_kept(client, mentee_ana):
    SkillFactory(name="Python")
    client.force_login(mentee_ana)

    response = client.post(
        reverse("profiles:persona"),
        _persona_data(must_skills="Python", must_skills_add="Telepathy"),
    )

    assert response.status_code == 200
    assert "Telepathy" in response.context["form"].errors["must_skills"][0]
    html = response.content.decode()
    assert "Someone who has led a data team." in html
    assert not Persona.objects.exists()


def test_a_skill_cannot_be_both_must_and_nice(client, mentee_ana):
    SkillFactory(name="Python")
    client.force_login(mentee_ana)

    response = client.post(
        reverse("profiles:persona"), _persona_data(must_skills="Python", nice_skills_add="python")
    )

    assert "Already a must-have" in response.context["form"].errors["nice_skills"][0]


def test_the_persona_page_runs_a_fixed_number_of_queries(
    client, mentee_ana, django_assert_num_queries
):
    skills = [SkillFactory() for _ in range(5)]
    services.save_persona(
        owner=mentee_ana,
        fields={"traits": ["direct"]},
        skills=[(skill, "must") for skill in skills],
        industries=[IndustryFactory() for _ in range(3)],
        languages=[LanguageFactory() for _ in range(3)],
    )
    GoalFactory(owner=mentee_ana)
    client.force_login(mentee_ana)

    # session, user, persona, its skills, industries, languages, goals-and-persona flags,
    # industry choices, language choices, unread badge count, the navigation's
    # inbox count and mentorships link
    with django_assert_num_queries(11):
        response = client.get(reverse("profiles:persona"))
    assert response.status_code == 200
