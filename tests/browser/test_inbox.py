"""End to end in a real browser: a mentor answers a request from the inbox, and the pair agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

import matching.index
from matching.models import Mentorship
from tests.matching.inbox_world import build, send
from tests.matching.people import language, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct horse battery staple"  # what UserFactory sets
PHONE = {"width": 390, "height": 844}


def _log_in(page: Page, base: str, *, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/dashboard/")


def _shoot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_mentor_accepts_from_the_inbox_and_the_pair_agree_on_how_to_work(
    page: Page, browser: Browser, live_server, mentee_ana, mentor_ben, stranger_dee
):
    matching.index.forget()
    world = build(mentee_ana, mentor_ben, stranger_dee)
    kai = person(
        "kai@example.org",
        name="Kai Laine",
        mentee=True,
        languages=[(language("en", "English"), 4)],
        headline="Analyst learning Python",
    )
    send(kai, world.ben, subject="One question about Python testing", ask="one_question")
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)

    # The mentor sees how many requests wait, right in the navigation.
    _log_in(page, base, email="ben@example.org")
    inbox_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox")
    expect(inbox_link).to_contain_text("2")
    inbox_link.click()
    expect(page).to_have_url(f"{base}/inbox/")
    cards = page.locator(".inbox-card")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("Ana Silva")
    expect(cards.first).to_contain_text("Move into a data engineering role")
    expect(cards.first.locator(".score-value")).to_have_text(re.compile(r"^\d{1,3}%$"))
    _shoot(page, "inbox-desktop")

    # One request: the message, the goals, the fit; then accept with a welcome note.
    cards.first.get_by_role("link", name=re.compile("Read and answer")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ana Silva")
    expect(page.locator(".goal-summary.is-highlighted")).to_contain_text(
        "Move into a data engineering role"
    )
    expect(page.get_by_role("region", name="How you fit")).to_contain_text("Wanted skills")
    _shoot(page, "inbox-request-desktop")
    page.get_by_label("A welcome note").fill("Welcome, Ana! Pick a Tuesday evening that suits you.")
    page.get_by_role("button", name="Accept Ana").click()

    # The mentorship page: fill in and confirm the agreement.
    mentorship = Mentorship.objects.get(mentor=world.ben)
    expect(page).to_have_url(f"{base}/mentorships/{mentorship.pk}/")
    expect(page.locator(".alert-success").first).to_contain_text("You accepted Ana's request")
    agreement = page.get_by_role("region", name="Your agreement")
    expect(agreement.get_by_label("Session length (minutes)")).to_have_value("30")
    agreement.get_by_label("How often you meet").select_option(label="Every two weeks")
    agreement.get_by_label("Session length (minutes)").fill("45")
    agreement.get_by_label("Where you meet").fill("Video call, link in the calendar invite")
    agreement.get_by_label("Boundaries").fill("Career and data engineering; replies within 3 days.")
    agreement.get_by_label("Confidentiality").fill("What we discuss stays between us.")
    agreement.get_by_role("button", name="Confirm the agreement").click()
    expect(page.locator(".agreement-status")).to_contain_text("Waiting for Ana")
    _shoot(page, "mentorship-desktop")

    # The mentee, in a browser of her own, confirms the same terms.
    mentee_context = browser.new_context(viewport=PHONE)  # type: ignore[arg-type]
    mentee_context.set_default_timeout(10_000)
    phone = mentee_context.new_page()
    try:
        _log_in(phone, base, email="ana@example.org")
        # On a phone the navigation folds behind "Menu".
        menu = phone.get_by_role("button", name=re.compile("^Menu"))
        nav_link = phone.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Mentorships", exact=True
        )
        expect(nav_link).to_be_hidden()
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        nav_link.click()
        expect(phone.locator(".mentorship-row")).to_contain_text("Waiting for your confirmation")
        phone.get_by_role("link", name="Ben Okafor").click()
        expect(phone.locator(".agreement-status")).to_contain_text("Ben has confirmed")
        expect(phone.get_by_text("Welcome, Ana! Pick a Tuesday evening")).to_be_visible()
        _shoot(phone, "mentorship-phone")
        phone.get_by_role("button", name="Confirm these terms").click()
        expect(phone.locator(".agreement-status")).to_contain_text("Agreed by both on")
        _shoot(phone, "mentorship-agreed-phone")
    finally:
        mentee_context.close()

    # And the mentor sees it agreed too.
    page.reload()
    expect(page.locator(".agreement-status")).to_contain_text("Agreed by both on")
    mentorship.refresh_from_db()
    assert mentorship.agreement_confirmed
    assert mentorship.session_minutes == 45


def test_the_inbox_and_a_request_at_phone_width(
    phone_page: Page, live_server, mentee_ana, mentor_ben, stranger_dee
):
    matching.index.forget()
    world = build(mentee_ana, mentor_ben, stranger_dee)
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)

    _log_in(phone_page, base, email="ben@example.org")
    phone_page.goto(f"{base}/inbox/")
    expect(phone_page.locator(".inbox-card")).to_have_count(1)
    _shoot(phone_page, "inbox-phone")
    phone_page.goto(f"{base}/inbox/{world.request.pk}/")
    expect(phone_page.get_by_role("button", name="Decline and pause me")).to_be_visible()
    _shoot(phone_page, "inbox-request-phone")
    # Nothing wider than the screen.
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
