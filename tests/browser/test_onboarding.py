"""End to end in a real browser: a new mentee and a new mentor each go through onboarding."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from profiles.models import Expertise, Goal, Profile
from tests.factories import SkillFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long passphrase here"


def _sign_up(page: Page, base: str, *, name: str, email: str) -> None:
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(f"{base}/profile/welcome/roles/")


def _continue(page: Page) -> None:
    page.get_by_role("button", name="Save and continue").click()


def _basics(page: Page, *, headline: str, role: str, zone: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("The basics")
    page.get_by_label("Headline").fill(headline)
    page.get_by_label("Current role").fill(role)
    page.get_by_label("Time zone").fill(zone)
    _continue(page)


def _availability(page: Page, base: str, *, day: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("When are you available?")
    page.get_by_label("Weekday (window 1)").select_option(label=day)
    page.get_by_label("From (window 1)").select_option(label="18:00")
    page.get_by_label("To (window 1)").select_option(label="20:00")
    page.get_by_role("button", name="Save and finish").click()
    expect(page).to_have_url(f"{base}/dashboard/")
    expect(page.get_by_text("You are all set.")).to_be_visible()


def test_a_new_mentee_goes_through_onboarding(page: Page, live_server):
    SkillFactory(name="Python")
    SkillFactory(name="Public speaking")
    base = live_server.url

    _sign_up(page, base, name="Ana Silva", email="ana@example.org")
    expect(page.get_by_text("Step 1 of 3")).to_be_visible()
    page.get_by_role("checkbox", name=re.compile(r"^I am looking for a mentor")).check()
    _continue(page)

    expect(page.get_by_text("Step 2 of 5")).to_be_visible()
    _basics(
        page, headline="Backend developer moving into data", role="Developer", zone="Europe/Lisbon"
    )

    expect(page.get_by_text("Step 3 of 5")).to_be_visible()
    page.get_by_label("Title").fill("Ship my first data pipeline")
    skills = page.get_by_label("Skills it needs")
    skills.fill("Pyt")
    # htmx fills the suggestions as the person types.
    expect(page.locator("#skill-options option[value='Python']")).to_have_count(1)
    skills.fill("Python")
    _continue(page)

    expect(page.get_by_text("Step 4 of 5")).to_be_visible()
    expect(page.get_by_role("heading", name="Know your destination first")).to_be_visible()
    page.get_by_label("Must-have skills").fill("Python")
    _continue(page)

    expect(page.get_by_text("Step 5 of 5")).to_be_visible()
    _availability(page, base, day="Tuesday")

    page.get_by_role("link", name="Goals", exact=True).first.click()
    goal = page.locator(".goal", has_text="Ship my first data pipeline")
    expect(goal).to_be_visible()
    expect(goal.locator(".tag", has_text="Python")).to_be_visible()

    page.get_by_role("link", name="How others see you").click()
    expect(page.get_by_text("This is how others see you")).to_be_visible()
    expect(page.get_by_text("Backend developer moving into data")).to_be_visible()
    expect(page.get_by_text("Tue 18:00–20:00")).to_be_visible()

    profile = Profile.objects.get(user__email="ana@example.org")
    assert (profile.is_mentee, profile.is_mentor) == (True, False)
    assert profile.onboarding_completed_at is not None
    assert Goal.objects.get(owner=profile.user).skills.get().name == "Python"
    assert profile.user.persona.skills.get().importance == "must"


def test_a_new_mentor_goes_through_onboarding(page: Page, live_server):
    SkillFactory(name="Python")
    base = live_server.url

    _sign_up(page, base, name="Ben Okafor", email="ben@example.org")
    page.get_by_role("checkbox", name=re.compile(r"^I want to mentor others")).check()
    _continue(page)

    _basics(page, headline="Staff data engineer", role="Data engineer", zone="America/Los_Angeles")

    expect(page.get_by_text("Step 3 of 5")).to_be_visible()
    page.get_by_label("Skill 1", exact=True).fill("Python")
    page.get_by_label("Level for skill 1").select_option(label="4 · Advanced")
    _continue(page)

    expect(page.get_by_text("Step 4 of 5")).to_be_visible()
    page.get_by_label("Mentees at once").fill("3")
    page.get_by_label("How I can help").fill("Pipelines and moving from backend to data.")
    _continue(page)

    _availability(page, base, day="Monday")

    page.get_by_role("region", name="Your profile").get_by_role("link", name="View").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ben Okafor")
    expertise = page.locator(".expertise-list li", has_text="Python")
    expect(expertise).to_contain_text("4/5")
    expect(page.locator(".facts", has_text="Mentees at once")).to_contain_text("3")
    expect(page.get_by_text("Mon 18:00–20:00")).to_be_visible()

    profile = Profile.objects.get(user__email="ben@example.org")
    assert (profile.is_mentor, profile.capacity) == (True, 3)
    assert Expertise.objects.get(profile=profile).level == 4
