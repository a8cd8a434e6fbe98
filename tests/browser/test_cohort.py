"""End to end in a real browser: an admin imports a cohort, bulk-matches it, edits the
draft, publishes it, and the reports page shows the new mentorships."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from matching import services_bulk
from matching.models import Enrolment, MatchRun, Mentorship, Program
from mentorship.notifications.models import Notification
from profiles.reference_data import load_reference_data
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # what UserFactory sets
SAMPLE = Path(__file__).resolve().parents[2] / "matching" / "fixtures" / "sample_cohort.csv"


@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker thread solves queued runs, as the Celery worker does in `make run`."""

    def enqueue(run_id: int) -> None:
        threading.Thread(
            target=services_bulk.solve_match_run, kwargs={"run_id": run_id}, daemon=True
        ).start()

    monkeypatch.setattr(services_bulk, "_enqueue", enqueue)


def test_an_admin_imports_matches_edits_and_publishes_a_cohort(
    page: Page, phone_page: Page, live_server, worker: None
) -> None:
    load_reference_data()  # the taxonomy the sample's skills and languages name
    program = Program.objects.create(
        name="Spring 2027 cohort",
        slug="spring-2027",
        matching_mode=Program.MatchingMode.ADMIN_ASSIGNED,
        checkin_frequency="fortnightly",
    )
    UserFactory(email="cora@example.org", name="Cora Admin", is_staff=True, is_superuser=True)
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(f"{page.url} {message.text}") if message.type == "error" else None
        ),
    )
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email", exact=True).fill("cora@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/dashboard/")

    # 1. Import the sample cohort: a preview first, then the confirmation.
    page.goto(f"{base}/admin/matching/program/{program.pk}/change/")
    page.get_by_role("link", name="Import participants").click()
    expect(page.locator("#id_program")).to_have_value(str(program.pk))
    page.locator("#id_import_file").set_input_files(str(SAMPLE))
    page.locator("#id_format").select_option(label="csv")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Daichi Mori").first).to_be_visible()
    assert not Enrolment.objects.exists()  # the preview wrote nothing
    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator(".messagelist")).to_contain_text("Import finished")
    assert Enrolment.objects.filter(program=program).count() == 40

    # 2. Run the bulk match from the programme and watch the draft arrive.
    page.goto(f"{base}/admin/matching/program/{program.pk}/change/")
    page.get_by_role("link", name="Run bulk match").first.click()
    page.get_by_role("button", name="Run the bulk match").click()
    expect(page.locator(".run-status")).to_contain_text("Draft: ready to review", timeout=30_000)
    run = MatchRun.objects.get()
    assert run.summary["matched"] == 29  # Daichi shares no language with any mentor
    expect(page.get_by_text("No eligible mentor").first).to_be_visible()

    # 3. Read why the first pair fits, then take one pair out of the draft.
    first = page.locator(".run-table tbody tr").first
    first.locator("summary", has_text="Full explanation").click()
    expect(first.locator(".run-breakdown")).to_contain_text("Shared availability")
    removed = first.locator("td").first.locator("strong").inner_text()
    first.get_by_role("button", name="Remove").click()
    expect(page.locator(".messagelist")).to_contain_text(f"{removed.split()[0]} is unmatched")

    # 4. Publish (the confirmation says what will happen), once.
    page.get_by_role("link", name="Publish…").click()
    expect(page.get_by_text("28 mentorships start now")).to_be_visible()
    page.get_by_role("button", name="Publish and tell everyone").click()
    expect(page.locator(".messagelist")).to_contain_text("Published: 28 mentorship(s) started")
    assert Mentorship.objects.filter(program=program, match_run=run).count() == 28
    assert Notification.objects.filter(kind__startswith="match_published").count() == 28 + 10

    # 5. The reports page shows them, on a phone too.
    page.goto(f"{base}/staff/reports/?program=spring-2027")
    expect(page.locator("#figure-active_mentorships .stat-value")).to_have_text("28")
    expect(page.locator("#figure-new_mentorships .stat-value")).to_have_text("28")
    assert errors == [], errors

    phone_page.goto(f"{base}/accounts/login/")
    phone_page.get_by_label("Email", exact=True).fill("cora@example.org")
    phone_page.get_by_label("Password", exact=True).fill(PASSWORD)
    phone_page.get_by_role("button", name="Log in").click()
    phone_page.goto(f"{base}/staff/reports/?program=spring-2027")
    expect(phone_page.locator("#figure-match_rate .stat-value")).to_have_text(
        re.compile(r"9[0-9]%")
    )
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the reports page scrolls sideways on a phone ({width}px)"
