"""In a real browser: hostile text people typed shows as text and runs nothing.

tests/test_hostile_text.py checks the HTML of every page that shows free text; here
Chromium opens the pages and no dialog may fire (an alert() anywhere would), while
the typed markup is visible as the words it is.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

import matching.index
from tests.browser.test_inbox import _log_in
from tests.matching.people import language, person
from tests.test_hostile_text import SCRIPT, hostile_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_no_dialog_fires_and_the_markup_reads_as_text(
    page: Page, live_server, mentee_ana, mentor_ben, stranger_dee
) -> None:
    matching.index.forget()
    hostile = hostile_world(mentee_ana, mentor_ben, stranger_dee)
    world, mentorship = hostile["world"], hostile["mentorship"]
    english = language("en", "English")
    kai = person("kai@example.org", name="Kai Laine", mentor=True, languages=[(english, 4)])
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    base = live_server.url
    _log_in(page, base, email="ana@example.org")
    for path in (
        reverse("dashboard"),
        reverse("matching:browse"),
        reverse("matching:mentor", args=[world.ben.pk]),
        reverse("matching:request", args=[world.request.pk]),
        reverse("matching:mentorship", args=[mentorship.pk]),
        reverse("sessions_app:session", args=[hostile["session"].pk]),
        reverse("sessions_app:checkin", args=[hostile["checkin"].pk]),
        reverse("profiles:goals"),
    ):
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
    page.goto(f"{base}{reverse('matching:request', args=[world.request.pk])}")
    expect(page.get_by_text(SCRIPT).first).to_be_visible()
    # The composer's live preview (an htmx partial) with markup typed into it.
    page.goto(f"{base}{reverse('matching:compose', args=[kai.pk])}")
    page.get_by_label("Personal opening").fill(f"Hi {SCRIPT} <img src=x onerror=alert(2)>")
    expect(page.locator("#compose-preview")).to_contain_text(SCRIPT)
    page.wait_for_timeout(500)
    assert dialogs == []
