"""The onboarding wizard: roles, basics, each role's steps, availability; skip and return."""

from __future__ import annotations

from django.urls import reverse

from profiles import services
from profiles.models import Expertise, Goal, Profile, User
from tests.factories import SkillFactory

SIGNUP = {
    "name": "Nia Newcomer",
    "email": "nia@example.org",
    "password1": "a long passphrase here",
    "password2": "a long passphrase here",
}


def _windows(day: str = "", start: str = "1080", end: str = "1200") -> dict[str, str]:
    return {
        "windows-TOTAL_FORMS": "1",
        "windows-INITIAL_FORMS": "0",
        "windows-0-weekday": day,
        "windows-0-start_minute": start,
        "windows-0-end_minute": end,
    }


def test_sign_up_leads_to_the_first_onboarding_step(client, db):
    response = client.post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 302
    assert response["Location"] == reverse("profiles:onboarding_roles")
    page = client.get(response["Location"]).content.decode()
    assert "Step 1 of 3" in page
    assert "Skip for now" in page


def test_choosing_no_role_is_refused(client, mentee_ana):
    client.force_login(mentee_ana)

    response = client.post(reverse("profiles:onboarding_roles"), {})

    assert response.status_code == 200
    assert "Choose at least one" in response.content.decode()


def test_a_mentee_goes_roles_basics_goal_persona_availability(client, mentee_ana):
    SkillFactory(name="Python")
    client.force_login(mentee_ana)

    roles = client.post(reverse("profiles:onboarding_roles"), {"is_mentee": "on"})
    assert roles["Location"] == reverse("profiles:onboarding_basics")
    basics = client.post(
        reverse("profiles:onboarding_basics"),
        {"headline": "Developer", "current_role": "Developer", "time_zone": "Asia/Tokyo"},
    )
    assert basics["Location"] == reverse("profiles:onboarding_goal")
    assert "Step 3 of 5" in client.get(basics["Location"]).content.decode()
    goal = client.post(
        reverse("profiles:onboarding_goal"),
        {"title": "Ship a data pipeline", "priority": "1", "skills_add": "Python"},
    )
    assert goal["Location"] == reverse("profiles:onboarding_persona")
    persona = client.post(
        reverse("profiles:onboarding_persona"),
        {"must_skills_add": "Python", "min_shared_hours": "0"},
    )
    assert persona["Location"] == reverse("profiles:onboarding_availability")
    page = client.get(persona["Location"]).content.decode()
    assert "Step 5 of 5" in page
    assert "Save and finish" in page
    done = client.post(reverse("profiles:onboarding_availability"), _windows("2"))

    assert done["Location"] == reverse("dashboard")
    profile = Profile.objects.get(user=mentee_ana)
    assert profile.onboarding_completed_at is not None
    assert profile.time_zone == "Asia/Tokyo"
    assert Goal.objects.get(owner=mentee_ana).skills.get().name == "Python"
    assert profile.availability.count() == 1


def test_a_mentor_goes_roles_basics_expertise_capacity_availability(client, mentor_ben):
    SkillFactory(name="Python")
    client.force_login(mentor_ben)

    roles = client.post(reverse("profiles:onboarding_roles"), {"is_mentor": "on"})
    basics = client.post(
        roles["Location"], {"headline": "Engineer", "current_role": "Engineer", "time_zone": "UTC"}
    )
    assert basics["Location"] == reverse("profiles:onboarding_expertise")
    expertise = client.post(
        basics["Location"],
        {
            "expertise-TOTAL_FORMS": "2",
            "expertise-INITIAL_FORMS": "0",
            "expertise-0-skill": "python",
            "expertise-0-level": "4",
            "expertise-1-skill": "",
            "expertise-1-level": "3",
        },
    )
    assert expertise["Location"] == reverse("profiles:onboarding_capacity")
    capacity = client.post(
        expertise["Location"],
        {
            "capacity": "3",
            "accepting_mentees": "on",
            "how_i_can_help": "Code reviews.",
            "session_minutes": "45",
            "session_frequency": "weekly",
        },
    )
    assert capacity["Location"] == reverse("profiles:onboarding_availability")
    done = client.post(capacity["Location"], _windows("0"))

    assert done["Location"] == reverse("dashboard")
    profile = Profile.objects.get(user=mentor_ben)
    assert profile.capacity == 3
    assert [(e.skill.name, e.level) for e in Expertise.objects.filter(profile=profile)] == [
        ("Python", 4)
    ]


def test_an_unknown_expertise_skill_is_shown_next_to_its_row(client, mentor_ben):
    client.force_login(mentor_ben)

    response = client.post(
        reverse("profiles:onboarding_expertise"),
        {
            "expertise-TOTAL_FORMS": "1",
            "expertise-INITIAL_FORMS": "0",
            "expertise-0-skill": "Underwater chess",
            "expertise-0-level": "4",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "We do not know the skill “Underwater chess”" in html
    assert 'value="Underwater chess"' in html


def test_someone_who_is_both_does_both_paths(client, mentee_ana):
    client.force_login(mentee_ana)

    client.post(reverse("profiles:onboarding_roles"), {"is_mentee": "on", "is_mentor": "on"})
    page = client.get(reverse("profiles:onboarding_basics")).content.decode()

    assert "Step 2 of 7" in page
    for label in ("A goal", "Your mentor", "Expertise", "Capacity", "Availability"):
        assert label in page


def test_an_invalid_time_zone_in_basics_is_shown_and_kept(client, mentee_ana):
    client.force_login(mentee_ana)

    response = client.post(
        reverse("profiles:onboarding_basics"), {"headline": "Dev", "time_zone": "Europe/Atlantis"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["time_zone"]
    assert 'value="Europe/Atlantis"' in response.content.decode()


def test_skipping_the_last_step_finishes_onboarding(client, mentee_ana):
    client.force_login(mentee_ana)

    response = client.post(reverse("profiles:onboarding_finish"))

    assert response["Location"] == reverse("dashboard")
    assert Profile.objects.get(user=mentee_ana).onboarding_completed_at is not None
    assert "Finish setting up" not in client.get(reverse("dashboard")).content.decode()


def test_returning_later_from_the_dashboard(client, mentee_ana):
    services.update_profile(
        profile=services.ensure_profile(user=mentee_ana), fields={"is_mentee": True}
    )
    client.force_login(mentee_ana)

    html = client.get(reverse("dashboard")).content.decode()

    assert "Finish setting up your profile" in html
    assert reverse("profiles:onboarding_roles") in html
    assert reverse("profiles:onboarding_basics") in html
    assert User.objects.count() == 1


def test_after_onboarding_the_steps_are_plain_pages_that_return_to_the_dashboard(
    client, mentor_ben
):
    profile = services.ensure_profile(user=mentor_ben)
    services.update_profile(profile=profile, fields={"is_mentor": True})
    services.complete_onboarding(profile=profile)
    client.force_login(mentor_ben)

    page = client.get(reverse("profiles:onboarding_capacity")).content.decode()
    saved = client.post(
        reverse("profiles:onboarding_capacity"),
        {"capacity": "4", "session_minutes": "60", "session_frequency": "monthly"},
    )

    assert "Step " not in page
    assert "Skip for now" not in page
    assert saved["Location"] == reverse("dashboard")
    assert Profile.objects.get(user=mentor_ben).capacity == 4
