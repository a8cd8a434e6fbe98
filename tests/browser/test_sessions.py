"""End to end in a real browser: a pair in Tokyo and Los Angeles book a session and check in.

Nothing is frozen: the expectations come from the suggested time the page
really offers, converted to each person's clock here with zoneinfo.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import ConsoleMessage, Page, expect

from matching import services as matching_services
from matching.models import Mentorship
from profiles.availability import Window
from profiles.models import Proficiency, User
from profiles.services import ensure_profile, replace_availability, update_profile
from sessions_app.models import CheckIn, Session
from tests.factories import LanguageFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # what UserFactory sets
TOKYO, LOS_ANGELES = "Asia/Tokyo", "America/Los_Angeles"
# Tuesday 09:00-12:00 in Tokyo is Tuesday 00:00-03:00 UTC; Monday 16:00-19:00 in Los
# Angeles is Tuesday 00:00-03:00 UTC in winter (23:00-02:00 in summer): always shared.
ANA_WINDOW = Window(weekday=1, start_minute=9 * 60, end_minute=12 * 60)
BEN_WINDOW = Window(weekday=0, start_minute=16 * 60, end_minute=19 * 60)


def _person(name: str, *, zone: str, window: Window, **fields: object) -> User:
    user = UserFactory(name=name, email=f"{name.split()[0].lower()}@example.org")
    update_profile(
        profile=ensure_profile(user=user),
        fields={"time_zone": zone, **fields},
        languages=[(LanguageFactory(code="en", name="English"), Proficiency.FLUENT)],
    )
    replace_availability(profile=user.profile, windows=[window])
    return user


def _log_in(page: Page, base: str, *, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/dashboard/")


def _watch_console(page: Page) -> list[str]:
    """Console errors and uncaught exceptions on the page, as they happen."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    return errors


def _invite(page: Page, base: str) -> tuple[datetime, datetime, str]:
    """Download the session page's .ics with the page's cookies: its start, end and zone."""
    href = page.get_by_role("link", name="Add to calendar (.ics)").get_attribute("href")
    assert href is not None
    response = page.request.get(f"{base}{href}")
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(response.body()).walk("VEVENT")
    assert len(events) == 1
    start, end = events[0].decoded("dtstart"), events[0].decoded("dtend")
    assert events[0]["dtend"].params["TZID"] == events[0]["dtstart"].params["TZID"]
    return start, end, events[0]["dtstart"].params["TZID"]


def _wall(moment: datetime, zone: str) -> str:
    """The site's way of writing a moment, "Tue 8 Dec 2026, 09:00", on `zone`'s clock."""
    shown = moment.astimezone(ZoneInfo(zone))
    return f"{shown:%a} {shown.day} {shown:%b %Y}, {shown:%H:%M}"


def _instant_of(page: Page, selector: str) -> datetime:
    value = page.locator(selector).get_attribute("datetime")
    assert value is not None
    return datetime.fromisoformat(value)


def test_a_tokyo_mentee_and_a_los_angeles_mentor_book_a_session_and_check_in(
    page: Page, phone_page: Page, live_server
):
    ana = _person("Ana Silva", zone=TOKYO, window=ANA_WINDOW, is_mentee=True)
    ben = _person(
        "Ben Okafor",
        zone=LOS_ANGELES,
        window=BEN_WINDOW,
        is_mentor=True,
        accepting_mentees=True,
        capacity=2,
        headline="Staff data engineer",
    )
    request = matching_services.send_request(
        mentee=ana,
        mentor_id=ben.pk,
        subject="Moving from support into data engineering",
        message="Hi Ben, could we talk for 20 minutes about how you started with pipelines?",
    )
    mentorship = matching_services.accept_request(mentor=ben, request_id=request.pk)
    base = live_server.url
    ana_errors, ben_errors = _watch_console(page), _watch_console(phone_page)

    # --- Ana (desktop) proposes one of the suggested times -----------------------------
    _log_in(page, base, email="ana@example.org")
    page.goto(f"{base}/mentorships/{mentorship.pk}/")
    before = timezone.now()
    sessions_panel = page.get_by_role("region", name="Sessions")
    sessions_panel.get_by_role("link", name="Propose a session").click()
    expect(page).to_have_url(f"{base}/mentorships/{mentorship.pk}/sessions/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Propose a session with Ben")

    slots = page.locator(".slot-list .slot")
    expect(slots.first).to_be_visible()
    first = slots.first
    value = first.locator('input[name="suggested"]').get_attribute("value")
    assert value is not None
    start = datetime.fromisoformat(value)
    minutes = int(page.get_by_label("Length (minutes)").input_value())
    ends = start + timedelta(minutes=minutes)
    # The suggestion fits both weekly windows, on each person's own clock.
    in_tokyo, in_la = start.astimezone(ZoneInfo(TOKYO)), start.astimezone(ZoneInfo(LOS_ANGELES))
    assert in_tokyo.weekday() == 1, in_tokyo
    assert in_la.weekday() == 0, in_la
    assert in_tokyo.replace(hour=9, minute=0) <= in_tokyo
    assert ends.astimezone(ZoneInfo(TOKYO)) <= in_tokyo.replace(hour=12, minute=0)
    assert in_la.replace(hour=16, minute=0) <= in_la
    assert ends.astimezone(ZoneInfo(LOS_ANGELES)) <= in_la.replace(hour=19, minute=0)
    assert start >= before + timedelta(hours=24)
    # Her time, and Ben's (a day earlier for him, so with its date).
    expect(first).to_contain_text(f"{_wall(start, TOKYO)} your time")
    expect(first).to_contain_text(f"{_wall(start, LOS_ANGELES)} for Ben (Los Angeles)")

    first.locator('input[name="suggested"]').check()
    page.get_by_label("Agenda").fill("How you moved from support into data engineering")
    page.get_by_role("button", name="Propose these times").click()

    # The click returns before the response: wait for the page, then read the row.
    expect(page).to_have_url(re.compile(r"/sessions/\d+/$"))
    session = Session.objects.get(mentorship=mentorship)
    expect(page).to_have_url(f"{base}/sessions/{session.pk}/")
    expect(page.locator(".alert-success")).to_contain_text(
        "Proposed 1 time. Ben is asked to confirm one."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Waiting for a time")
    expect(page.locator(".session-status-proposed")).to_have_text("Proposed")
    proposed = page.get_by_role("region", name="Proposed times")
    expect(proposed).to_contain_text("Waiting for Ben to confirm one of your times.")
    expect(proposed).to_contain_text(f"{_wall(start, TOKYO)} your time")
    expect(proposed.get_by_role("button", name="Confirm this time")).to_have_count(0)
    assert [o.starts_at for o in session.options.all()] == [start]

    # --- Ben (phone) sees the proposal on his dashboard and confirms it ----------------
    _log_in(phone_page, base, email="ben@example.org")
    coming_up = phone_page.get_by_role("region", name="Coming up")
    expect(coming_up).to_contain_text(f"Your time ({LOS_ANGELES})")
    proposal = coming_up.get_by_role("link", name="Ana proposed 1 time for a session")
    la = start.astimezone(ZoneInfo(LOS_ANGELES))
    expect(coming_up).to_contain_text(f"{la:%a} {la.day} {la:%b}, {la:%H:%M} · choose one")
    proposal.click()
    expect(phone_page).to_have_url(f"{base}/sessions/{session.pk}/")
    options = phone_page.get_by_role("region", name="Proposed times")
    expect(options).to_contain_text(f"{_wall(start, LOS_ANGELES)} your time")
    expect(options).to_contain_text(f"{_wall(start, TOKYO)} for Ana")
    options.get_by_role("button", name="Confirm this time").click()

    expect(phone_page.locator(".alert-success")).to_contain_text(
        f"Confirmed for {_wall(start, LOS_ANGELES)}."
    )
    expect(phone_page.locator(".session-status-confirmed")).to_have_text("Confirmed")
    session.refresh_from_db()
    assert session.status == Session.Status.CONFIRMED
    assert session.starts_at == start
    heading = phone_page.get_by_role("heading", level=1)
    expect(heading).to_have_text(_wall(start, LOS_ANGELES))
    zones = phone_page.locator(".session-zones")
    expect(zones).to_contain_text(
        f"{la:%H:%M}–{ends.astimezone(ZoneInfo(LOS_ANGELES)):%H:%M} your time (Los Angeles)"
    )
    expect(zones).to_contain_text(f"{_wall(start, TOKYO)} for Ana (Tokyo)")
    ben_instant = _instant_of(phone_page, "h1 time")
    assert ben_instant == session.starts_at
    assert ben_instant.utcoffset() == la.utcoffset()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width

    # His invite: a calendar file at the same instant, written on his clock.
    assert _invite(phone_page, base) == (session.starts_at, session.ends_at, LOS_ANGELES)

    # Ana sees the same instant on her clock.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(_wall(start, TOKYO))
    expect(page.locator(".session-zones")).to_contain_text(
        f"{_wall(start, LOS_ANGELES)} for Ben (Los Angeles)"
    )
    ana_instant = _instant_of(page, "h1 time")
    assert ana_instant == ben_instant
    assert ana_instant.utcoffset() == timedelta(hours=9)
    assert _invite(page, base) == (session.starts_at, session.ends_at, TOKYO)

    # Her dashboard: the session on her clock, with Ben's beside it.
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Dashboard").click()
    booked = page.get_by_role("region", name="Coming up").locator(".agenda-session")
    expect(booked).to_contain_text("Session with Ben Okafor")
    tokyo, tokyo_end = start.astimezone(ZoneInfo(TOKYO)), ends.astimezone(ZoneInfo(TOKYO))
    expect(booked).to_contain_text(
        f"{tokyo:%A}, {tokyo:%H:%M}–{tokyo_end:%H:%M} · {la:%H:%M} for Ben (Los Angeles)"
    )
    assert _instant_of(page, ".agenda-session time.agenda-date") == session.starts_at

    # --- Ana checks in from the mentorship page ---------------------------------------
    nav.get_by_role("link", name="Mentorships", exact=True).click()
    page.get_by_role("link", name="Ben Okafor").click()
    expect(page).to_have_url(f"{base}/mentorships/{mentorship.pk}/")
    next_up = page.get_by_role("region", name="Sessions")
    expect(next_up.locator(f'time[datetime="{ana_instant.isoformat()}"]')).to_have_text(
        _wall(start, TOKYO)
    )
    checkins = page.get_by_role("region", name="Check-ins")
    checkins.get_by_role("link", name="Check in now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How is it going?")
    page.get_by_label("4 · Good progress").check()
    page.get_by_label("Wins since last time").fill("Wrote my first Airflow DAG at work")
    page.get_by_label("What is in the way").fill("Not sure how to test SQL transformations")
    page.get_by_label("Next steps").fill("Read the dbt testing guide before our session")
    page.get_by_role("button", name="Send check-in").click()

    expect(page).to_have_url(re.compile(r"/checkins/\d+/$"))
    checkin = CheckIn.objects.get(mentorship=mentorship)
    expect(page).to_have_url(f"{base}/checkins/{checkin.pk}/")
    expect(page.locator(".alert-success")).to_contain_text("Check-in sent. Ben is told.")
    expect(page.locator(".checkin-detail .badge-warning")).to_have_text("Waiting for a reply")
    assert (checkin.progress, checkin.author_id) == (4, ana.pk)
    assert checkin.wins == "Wrote my first Airflow DAG at work"
    assert checkin.blockers == "Not sure how to test SQL transformations"
    assert checkin.next_steps == "Read the dbt testing guide before our session"

    # --- Ben finds it through the phone's menu and acknowledges it with a comment ------
    menu = phone_page.get_by_role("button", name=re.compile("^Menu"))
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    phone_page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Mentorships", exact=True
    ).click()
    phone_page.get_by_role("link", name="Ana Silva").click()
    expect(phone_page).to_have_url(f"{base}/mentorships/{mentorship.pk}/")
    ben_checkins = phone_page.get_by_role("region", name="Check-ins")
    expect(ben_checkins.locator(".checkin-item")).to_have_count(1)
    expect(ben_checkins).to_contain_text("Wrote my first Airflow DAG at work")
    ben_checkins.locator(".checkin-item-main a").click()
    expect(phone_page).to_have_url(f"{base}/checkins/{checkin.pk}/")
    expect(phone_page.locator(".checkin-detail")).to_contain_text(
        "Not sure how to test SQL transformations"
    )
    phone_page.get_by_label("Your comment").fill(
        "Great first DAG! Bring one SQL model and we'll write its tests together."
    )
    phone_page.get_by_role("button", name="Acknowledge").click()
    expect(phone_page.locator(".alert-success")).to_contain_text(
        "Acknowledged. Ana sees your reply."
    )
    checkin.refresh_from_db()
    assert checkin.acknowledged_at is not None
    assert checkin.mentor_comment.startswith("Great first DAG!")

    # --- Ana sees the reply -----------------------------------------------------------
    page.reload()
    expect(page.locator(".checkin-detail .badge-success")).to_have_text("Acknowledged")
    expect(page.locator(".checkin-reply blockquote")).to_have_text(
        "Great first DAG! Bring one SQL model and we'll write its tests together."
    )
    page.get_by_role("link", name="Mentorship with Ben Okafor").click()
    expect(
        page.get_by_role("region", name="Check-ins").locator(".checkin-item .badge-success")
    ).to_have_text("Acknowledged")

    assert Mentorship.objects.get(pk=mentorship.pk).status == Mentorship.Status.ACTIVE
    assert ana_errors == []
    assert ben_errors == []
