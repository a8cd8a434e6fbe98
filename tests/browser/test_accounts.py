"""End to end in a real browser: sign up, log out, log in, read the welcome notification."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from mentorship.notifications.models import Notification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "Ana Silva"
EMAIL = "ana@example.org"
PASSWORD = "a long passphrase here"


def _log_in(page: Page, *, email: str, password: str) -> None:
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def test_sign_up_log_out_log_in_and_read_the_welcome_notification(page: Page, live_server):
    page.goto(live_server.url)
    page.get_by_role("main").get_by_role("link", name="Sign up").first.click()
    expect(page).to_have_url(f"{live_server.url}/accounts/signup/")

    page.get_by_label("Your name").fill(NAME)
    page.get_by_label("Email", exact=True).fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()

    # A new person starts onboarding; the dashboard is one click away.
    expect(page).to_have_url(f"{live_server.url}/profile/welcome/roles/")
    page.get_by_role("banner").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {NAME}")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("banner").get_by_role("link", name="Log in")).to_be_visible()

    page.get_by_role("banner").get_by_role("link", name="Log in").click()
    _log_in(page, email=EMAIL, password=PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {NAME}")

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile(r"^Notifications")
    ).click()
    expect(page).to_have_url(f"{live_server.url}/notifications/")
    welcome = page.locator(".notification", has_text="Welcome to")
    expect(welcome).to_have_count(1)
    expect(welcome).to_have_class(re.compile(r"\bis-unread\b"))
    expect(page.locator("#unread-badge")).to_have_text(re.compile(r"^1"))

    # A flag on window survives only if the page is not reloaded.
    page.evaluate("window.stillTheSamePage = true")
    welcome.get_by_role("button", name=re.compile(r"^Mark read")).click()

    expect(welcome).not_to_have_class(re.compile(r"\bis-unread\b"))
    expect(welcome.get_by_role("button", name=re.compile(r"^Mark read"))).to_have_count(0)
    expect(welcome.get_by_text("Read", exact=True)).to_be_visible()
    expect(page.locator("#unread-badge")).to_be_hidden()
    assert page.evaluate("window.stillTheSamePage") is True
    expect(page.get_by_role("button", name="Mark all read")).to_have_count(0)
    welcome_row = Notification.objects.get(recipient__email=EMAIL, kind="welcome")
    assert welcome_row.read_at is not None


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/signup/"])
def test_pages_fit_a_phone_screen_without_sideways_scrolling(phone_page: Page, live_server, path):
    phone_page.goto(f"{live_server.url}{path}")

    widths = phone_page.evaluate(
        "({scroll: document.documentElement.scrollWidth, viewport: window.innerWidth})"
    )

    assert widths["scroll"] <= widths["viewport"], widths
