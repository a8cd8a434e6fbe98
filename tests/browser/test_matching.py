"""End to end in a real browser: a mentee finds a mentor, narrows the list, reads why they fit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

import matching.index
from profiles.availability import Window
from profiles.models import Language, Proficiency, Skill, User
from profiles.services import (
    ensure_profile,
    replace_availability,
    replace_expertise,
    save_persona,
    update_profile,
)
from tests.factories import IndustryFactory, LanguageFactory, SkillFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct horse battery staple"  # what UserFactory sets
TUESDAY_EVENING = Window(weekday=1, start_minute=18 * 60, end_minute=20 * 60)


def _mentor(
    *,
    name: str,
    email: str,
    headline: str,
    expertise: list[tuple[Skill, int]],
    language: Language,
    windows: list[Window],
) -> User:
    user = UserFactory(name=name, email=email)
    profile = ensure_profile(user=user)
    update_profile(
        profile=profile,
        fields={
            "is_mentor": True,
            "accepting_mentees": True,
            "capacity": 2,
            "time_zone": "Europe/Lisbon",
            "headline": headline,
        },
        languages=[(language, Proficiency.FLUENT)],
    )
    replace_expertise(profile=profile, items=expertise)
    replace_availability(profile=profile, windows=windows)
    return user


def _log_in(page: Page, base: str, *, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/dashboard/")


def _card(page: Page, name: str) -> Locator:
    return page.locator(".mentor-card", has=page.get_by_role("link", name=name, exact=True))


def test_a_mentee_finds_mentors_narrows_the_list_and_reads_why_one_fits(
    page: Page, phone_page: Page, live_server
):
    matching.index.forget()
    python, sql = SkillFactory(name="Python"), SkillFactory(name="SQL")
    english = LanguageFactory(code="en", name="English")
    japanese = LanguageFactory(code="ja", name="Japanese")
    IndustryFactory(name="Software")

    mentee = UserFactory(name="Ana Silva", email="ana@example.org")
    update_profile(
        profile=ensure_profile(user=mentee),
        fields={"is_mentee": True, "time_zone": "Europe/Lisbon"},
        languages=[(english, Proficiency.NATIVE)],
    )
    save_persona(owner=mentee, fields={}, skills=[(python, "must"), (sql, "nice")])
    replace_availability(profile=mentee.profile, windows=[TUESDAY_EVENING])

    strong = _mentor(
        name="Ben Okafor",
        email="ben@example.org",
        headline="Staff data engineer",
        expertise=[(python, 5), (sql, 4)],
        language=english,
        windows=[TUESDAY_EVENING],
    )
    _mentor(
        name="Cy Novak",
        email="cy@example.org",
        headline="Backend developer",
        expertise=[(python, 2)],
        language=english,
        windows=[Window(weekday=3, start_minute=9 * 60, end_minute=11 * 60)],
    )
    _mentor(
        name="Dee Sato",
        email="dee@example.org",
        headline="Analyst (no Python)",
        expertise=[(sql, 5)],
        language=english,
        windows=[TUESDAY_EVENING],
    )
    _mentor(
        name="Eiko Tanaka",
        email="eiko@example.org",
        headline="Speaks only Japanese",
        expertise=[(python, 5), (sql, 5)],
        language=japanese,
        windows=[TUESDAY_EVENING],
    )
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)

    # Browse: the strong mentor first, the two who cannot fit left out.
    _log_in(page, base, email="ana@example.org")
    page.goto(f"{base}/mentors/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentors who fit your goals")
    cards = page.locator(".mentor-list > .mentor-card")
    expect(cards).to_have_count(2)
    expect(cards.nth(0).locator(".mentor-card-name")).to_have_text("Ben Okafor")
    expect(cards.nth(1).locator(".mentor-card-name")).to_have_text("Cy Novak")
    expect(page.locator(".results-count")).to_have_text("2 mentors fit you")
    for absent in ("Dee Sato", "Eiko Tanaka"):
        expect(page.get_by_text(absent)).to_have_count(0)
    ben = _card(page, "Ben Okafor")
    percent = ben.locator(".score-value").inner_text()
    assert re.fullmatch(r"\d{1,3}%", percent), percent
    cy_percent = _card(page, "Cy Novak").locator(".score-value").inner_text()
    assert int(percent[:-1]) > int(cy_percent[:-1])
    expect(ben.locator(".reasons li", has_text="Python").first).to_be_visible()
    expect(ben.locator(".shared-hours")).to_contain_text("2 h")
    page.screenshot(path=f"{ARTIFACTS}/matching-browse-desktop.png", full_page=True)

    # A filter narrows the list in place (htmx) and puts itself in the address.
    page.evaluate("window.__marker = 1")
    with page.expect_response(re.compile(r"/mentors/\?.*skill=")):
        page.get_by_label("Skill", exact=True).select_option(label="SQL")
    expect(page).to_have_url(re.compile(rf"/mentors/\?(.*&)?skill={sql.pk}(&|$)"))
    expect(cards).to_have_count(1)
    expect(cards.first.locator(".mentor-card-name")).to_have_text("Ben Okafor")
    expect(page.locator(".results-count")).to_have_text(re.compile(r"^1 mentor\b.*your filters$"))
    assert page.evaluate("window.__marker") == 1
    expect(ben.locator(".score-value")).to_have_text(percent)

    # The mentor's page: the same score, and each part of it explained.
    ben.get_by_role("link", name="See why").click()
    expect(page).to_have_url(f"{base}/mentors/{strong.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ben Okafor")
    expect(page.locator(".profile-hero .score-value")).to_have_text(percent)
    why = page.get_by_role("region", name="Why you fit")
    skills_row = why.locator(".breakdown-row", has_text="Wanted skills")
    expect(skills_row.locator(".breakdown-facts")).to_contain_text("Python (5/5)")
    expect(skills_row.locator(".breakdown-facts")).to_contain_text("SQL (4/5)")
    availability_row = why.locator(".breakdown-row", has_text="Shared availability")
    expect(availability_row.locator(".breakdown-facts")).to_contain_text(
        "2 h a week of shared availability"
    )
    skills_bar = why.get_by_role("img", name=re.compile(r"^Wanted skills: \d+ percent fit$"))
    expect(skills_bar).to_be_visible()
    page.screenshot(path=f"{ARTIFACTS}/matching-mentor-desktop.png", full_page=True)

    # The same two pages at phone width.
    _log_in(phone_page, base, email="ana@example.org")
    phone_page.goto(f"{base}/mentors/")
    expect(phone_page.locator(".mentor-list > .mentor-card")).to_have_count(2)
    phone_page.screenshot(path=f"{ARTIFACTS}/matching-browse-phone.png", full_page=True)
    phone_page.goto(f"{base}/mentors/{strong.pk}/")
    expect(phone_page.locator(".profile-hero .score-value")).to_have_text(percent)
    phone_page.screenshot(path=f"{ARTIFACTS}/matching-mentor-phone.png", full_page=True)
