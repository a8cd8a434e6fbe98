"""End to end in a real browser: a mentee writes to a mentor, guided by live hints, and sends."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

import matching.index
from matching import services
from matching.models import MentorshipRequest
from profiles.availability import Window
from profiles.models import Language, Proficiency, User
from profiles.services import (
    ensure_profile,
    replace_availability,
    replace_expertise,
    update_profile,
)
from tests.factories import GoalFactory, LanguageFactory, SkillFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct horse battery staple"  # what UserFactory sets
TUESDAY_EVENING = Window(weekday=1, start_minute=18 * 60, end_minute=20 * 60)


def _other_mentor(name: str, language: Language) -> User:
    user = UserFactory(name=name, email=f"{name.split()[0].lower()}@example.org")
    update_profile(
        profile=ensure_profile(user=user),
        fields={"is_mentor": True, "capacity": 2, "headline": "Data engineer"},
        languages=[(language, Proficiency.FLUENT)],
    )
    return user


def _log_in(page: Page, base: str, *, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/dashboard/")


def test_a_mentee_composes_with_live_hints_previews_and_sends(
    page: Page, phone_page: Page, live_server
):
    matching.index.forget()
    python, sql = SkillFactory(name="Python"), SkillFactory(name="SQL")
    english = LanguageFactory(code="en", name="English")
    ana = UserFactory(name="Ana Silva", email="ana@example.org")
    update_profile(
        profile=ensure_profile(user=ana),
        fields={"is_mentee": True, "time_zone": "Europe/Lisbon"},
        languages=[(english, Proficiency.NATIVE)],
    )
    replace_availability(profile=ana.profile, windows=[TUESDAY_EVENING])
    goal = GoalFactory(owner=ana, title="Move from support into data engineering")
    goal.skills.set([python, sql])

    ben = UserFactory(name="Ben Okafor", email="ben@example.org")
    update_profile(
        profile=ensure_profile(user=ben),
        fields={
            "is_mentor": True,
            "accepting_mentees": True,
            "capacity": 2,
            "time_zone": "Europe/Lisbon",
            "headline": "Staff data engineer, payments pipelines",
            "current_role": "Staff engineer",
            "organisation": "Acme Bank",
        },
        languages=[(english, Proficiency.FLUENT)],
    )
    replace_expertise(profile=ben.profile, items=[(python, 5), (sql, 4)])
    replace_availability(profile=ben.profile, windows=[TUESDAY_EVENING])
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)

    _log_in(page, base, email="ana@example.org")
    page.goto(f"{base}/mentors/{ben.pk}/")
    page.screenshot(path=f"{ARTIFACTS}/outreach-mentor-desktop.png")
    page.get_by_role("link", name="Request a conversation").click()
    expect(page).to_have_url(f"{base}/mentors/{ben.pk}/request/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Write to Ben Okafor")
    draw_on = page.get_by_role("region", name="To draw on")
    expect(draw_on).to_contain_text("Staff data engineer, payments pipelines")
    expect(draw_on.locator(".tag", has_text="Python")).to_be_visible()
    expect(page.get_by_label("The goal it is about")).to_have_value(str(goal.pk))

    hints = page.locator("#compose-hints")
    mentor_me = hints.locator('[data-hint="mentor_me"]')
    page.get_by_label("Subject").fill("Your payments pipelines, and one 20-minute question")
    page.get_by_label("Who you are and why them").fill(
        "I'm Ana, three years in support and moving into data engineering. Could we talk "
        "for 20 minutes about how you started with pipelines?"
    )
    opening = page.get_by_label("Personal opening")
    page.evaluate("window.__marker = 1")
    with page.expect_response(re.compile(r"/request/hints/$")):
        opening.fill("Hi Ben,\n\nWill you be my mentor?")
    # The hint appears in place, without a page load.
    expect(mentor_me).to_be_visible()
    expect(mentor_me).to_contain_text("Skip “will you be my mentor?”")
    expect(hints.locator('[data-hint="not_personal"]')).to_be_visible()
    expect(page.locator("#compose-preview")).to_contain_text("Will you be my mentor?")
    assert page.evaluate("window.__marker") == 1
    page.screenshot(path=f"{ARTIFACTS}/outreach-compose-hints-desktop.png", full_page=True)

    # Fixed: something of Ben's, no "be my mentor"; the hints go and it looks good.
    opening.fill("Hi Ben,\n\nYour write-up on Acme's payments pipelines taught me a lot.")
    expect(mentor_me).to_have_count(0)
    expect(hints.locator('[data-hint="looks_good"]')).to_be_visible()
    expect(hints).to_contain_text("Looks good")
    preview = page.locator("#compose-preview")
    expect(preview).to_contain_text("Your write-up on Acme's payments pipelines")
    expect(preview).to_contain_text("A 15–20 minute intro conversation")
    expect(preview).to_contain_text("Move from support into data engineering")
    page.screenshot(path=f"{ARTIFACTS}/outreach-compose-desktop.png", full_page=True)

    # Preview: the page again, with everything kept and the preview in view.
    page.get_by_role("button", name="Preview").click()
    expect(page).to_have_url(re.compile(r"/request/#preview$"))
    expect(page.get_by_label("Subject")).to_have_value(
        "Your payments pipelines, and one 20-minute question"
    )
    expect(page.locator("#compose-preview .preview-subject")).to_have_text(
        "Your payments pipelines, and one 20-minute question"
    )
    expect(page.locator("#compose-preview")).to_contain_text("Ana Silva")

    page.get_by_role("button", name="Send request").click()
    expect(page).to_have_url(re.compile(r"/requests/\d+/$"))
    sent = MentorshipRequest.objects.get(mentor=ben)
    expect(page).to_have_url(f"{base}/requests/{sent.pk}/")
    expect(page.get_by_role("heading", name="Waiting for an answer")).to_be_visible()
    expect(page.locator(".alert-success")).to_contain_text("Your request is on its way to Ben.")
    assert sent.goal_id == goal.pk
    assert "Your write-up on Acme's payments pipelines" in sent.message
    page.screenshot(path=f"{ARTIFACTS}/outreach-request-desktop.png", full_page=True)

    # Earlier requests to others, answered in different ways, for the list.
    cara, dan = _other_mentor("Cara Lee", english), _other_mentor("Dan Wu", english)
    declined = services.send_request(
        mentee=ana, mentor_id=cara.pk, subject="Moving into data work", message="Hi Cara"
    )
    services.decline_request(
        mentor=cara,
        request_id=declined.pk,
        reason=MentorshipRequest.DeclineReason.BETTER_FIT,
        note="Ben knows pipelines far better than I do. Good luck, Ana!",
    )
    withdrawn = services.send_request(
        mentee=ana, mentor_id=dan.pk, subject="A question about SQL reviews", message="Hi Dan"
    )
    services.withdraw_request(mentee=ana, request_id=withdrawn.pk)

    page.goto(f"{base}/requests/")
    expect(page.locator(".request-item")).to_have_count(3)
    expect(page.locator(".request-item").first.locator(".status-badge")).to_have_text("Withdrawn")
    expect(
        page.locator(".request-item", has_text="Ben Okafor").locator(".status-badge")
    ).to_have_text("Waiting for an answer")
    expect(page.locator(".request-item", has_text="Cara Lee")).to_contain_text(
        "Ben knows pipelines far better than I do."
    )
    page.screenshot(path=f"{ARTIFACTS}/outreach-requests-desktop.png", full_page=True)

    page.goto(f"{base}/dashboard/")
    recent = page.get_by_role("region", name="Your requests")
    expect(recent.locator(".sent-request")).to_have_count(3)
    page.screenshot(path=f"{ARTIFACTS}/outreach-dashboard-desktop.png", full_page=True)

    # The same pages at phone width: the mentor's facts below the form.
    _log_in(phone_page, base, email="ana@example.org")
    phone_page.goto(f"{base}/requests/")
    expect(phone_page.locator(".request-item")).to_have_count(3)
    phone_page.screenshot(path=f"{ARTIFACTS}/outreach-requests-phone.png", full_page=True)
    phone_page.goto(f"{base}/requests/{sent.pk}/")
    phone_page.screenshot(path=f"{ARTIFACTS}/outreach-request-phone.png", full_page=True)
    sent.status = MentorshipRequest.Status.WITHDRAWN
    sent.save(update_fields=["status"])
    phone_page.goto(f"{base}/mentors/{ben.pk}/request/")
    phone_page.get_by_label("Personal opening").fill("Hi Ben,\n\nCould you mentor me?")
    expect(phone_page.locator('#compose-hints [data-hint="mentor_me"]')).to_be_visible()
    form_box = phone_page.locator(".compose-form").bounding_box()
    side_box = phone_page.locator(".draw-on").bounding_box()
    assert form_box is not None
    assert side_box is not None
    assert side_box["y"] > form_box["y"] + form_box["height"]
    phone_page.screenshot(path=f"{ARTIFACTS}/outreach-compose-phone.png", full_page=True)

    # Ben reads the request in his inbox (its count in the navigation) and accepts it.
    sent.status = MentorshipRequest.Status.PENDING
    sent.save(update_fields=["status"])
    assert page.context.browser is not None
    mentor_context = page.context.browser.new_context(viewport={"width": 1280, "height": 900})
    mentor_context.set_default_timeout(10_000)
    mentor = mentor_context.new_page()
    try:
        _log_in(mentor, base, email="ben@example.org")
        inbox = mentor.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox")
        expect(inbox).to_contain_text("1")
        inbox.click()
        mentor.get_by_role("link", name=re.compile("Read and answer")).first.click()
        expect(mentor.get_by_text("Your write-up on Acme's payments pipelines")).to_be_visible()
        mentor.get_by_label("A welcome note").fill("Happy to, Ana. Tuesday evening?")
        mentor.get_by_role("button", name="Accept Ana").click()
        expect(mentor).to_have_url(re.compile(r"/mentorships/\d+/$"))
    finally:
        mentor_context.close()
    sent.refresh_from_db()
    assert sent.status == MentorshipRequest.Status.ACCEPTED
    page.goto(f"{base}/requests/{sent.pk}/")
    expect(page.get_by_text("Happy to, Ana. Tuesday evening?")).to_be_visible()
