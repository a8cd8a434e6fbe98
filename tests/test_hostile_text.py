"""Hostile text people can type renders as text: pages, htmx partials, admin, emails.

Ana and Ben fill every free-text field they have with markup that would run if it
were ever emitted raw: a <script>, an event attribute, a javascript: link. Every
page that shows those fields must carry it escaped. (The Content Security Policy
would block inline script anyway: this proves the first line of defence.) A
browser test in tests/browser/test_hostile_text.py confirms no dialog fires.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from matching import services as matching
from matching.models import MentorshipRequest
from mentorship.notifications.models import Notification
from mentorship.notifications.services import deliver_notification
from profiles.models import Goal, Milestone, Profile, User
from sessions_app.services import checkins
from sessions_app.services import sessions as sessions_services
from tests.matching.inbox_world import World, build, send
from tests.sessions.sessions_world import confirm_first, propose

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("xss")</script>'
HANDLER = "<img src=x onerror=alert(1)>"
LINK = '<a href="javascript:alert(1)">click</a>'
HOSTILE = f"{SCRIPT} {HANDLER} {LINK}"
# Escaped, each still reads as text ("&lt;img src=x onerror=..."), but never as markup.
RAW = (SCRIPT, "<script>", HANDLER, "<img src=x", LINK, 'href="javascript:')


def hostile_world(mentee_ana: User, mentor_ben: User, stranger_dee: User) -> dict:  # type: ignore[type-arg]
    world: World = build(mentee_ana, mentor_ben, stranger_dee)
    User.objects.filter(pk__in=[world.ana.pk, world.ben.pk]).update(name=f"Evil {HANDLER}")
    Profile.objects.filter(user__in=[world.ana, world.ben]).update(
        headline=HOSTILE[:120], bio=HOSTILE, how_i_can_help=HOSTILE, organisation=HANDLER
    )
    Goal.objects.filter(owner=world.ana).update(title=HOSTILE[:150], description=HOSTILE)
    Milestone.objects.update(title=HANDLER)
    MentorshipRequest.objects.filter(pk=world.request.pk).update(
        subject=HOSTILE[:150], message=HOSTILE
    )
    mentorship = matching.accept_request(
        mentor=world.ben, request_id=world.request.pk, welcome_note=HOSTILE
    )
    session = confirm_first(
        propose(mentorship, world.ana, timezone.now() + timedelta(days=3), agenda=HOSTILE),
        world.ben,
    )
    sessions_services.save_private_note(user=world.ana, session_id=session.pk, body=HOSTILE)
    checkin = checkins.record_checkin(
        user=world.ana,
        mentorship_id=mentorship.pk,
        progress=3,
        wins=HOSTILE,
        blockers=HOSTILE,
        next_steps=HOSTILE,
    )
    checkins.acknowledge_checkin(user=world.ben, checkin_id=checkin.pk, comment=HOSTILE)
    pending = send(world.ana, world.dee, subject=HOSTILE[:150], message=HOSTILE)
    return {
        "world": world,
        "mentorship": mentorship,
        "session": session,
        "checkin": checkin,
        "pending": pending,
    }


@pytest.fixture
def hostile(mentee_ana: User, mentor_ben: User, stranger_dee: User) -> dict:  # type: ignore[type-arg]
    return hostile_world(mentee_ana, mentor_ben, stranger_dee)


def assert_escaped(html: str, where: str) -> None:
    for raw in RAW:
        assert raw not in html, f"{where}: {raw!r} is emitted raw"


def pages(hostile: dict) -> list[tuple[str, str, dict[str, str]]]:  # type: ignore[type-arg]
    world = hostile["world"]
    m, s, c = hostile["mentorship"].pk, hostile["session"].pk, hostile["checkin"].pk
    return [
        ("ana", reverse("dashboard"), {}),
        ("ana", reverse("matching:browse"), {}),
        ("ana", reverse("matching:mentor", args=[world.ben.pk]), {}),
        ("ana", reverse("profiles:public", args=[world.ben.pk]), {}),
        ("ana", reverse("profiles:goals"), {}),
        ("ana", reverse("profiles:edit"), {}),
        ("ana", reverse("matching:requests"), {}),
        ("ana", reverse("matching:request", args=[world.request.pk]), {}),
        ("ana", reverse("matching:mentorship", args=[m]), {}),
        ("ana", reverse("sessions_app:session", args=[s]), {}),
        ("ana", reverse("sessions_app:checkins", args=[m]), {}),
        ("ana", reverse("sessions_app:checkin", args=[c]), {}),
        ("ana", reverse("notifications:list"), {}),
        ("ben", reverse("matching:inbox"), {}),
        ("ben", reverse("matching:mentorship", args=[m]), {}),
        ("ben", reverse("matching:mentorships"), {}),
        ("ben", reverse("sessions_app:checkin", args=[c]), {}),
        ("dee", reverse("matching:inbox_request", args=[hostile["pending"].pk]), {}),
        ("dee", reverse("matching:inbox"), {}),
        # htmx partials
        ("ana", reverse("matching:browse"), {"HTTP_HX_REQUEST": "true"}),
        ("dee", reverse("matching:inbox"), {"HTTP_HX_REQUEST": "true"}),
    ]


def test_pages_and_partials_show_hostile_text_as_text(hostile) -> None:
    world = hostile["world"]
    people = {"ana": world.ana, "ben": world.ben, "dee": world.dee}
    seen_payload = 0
    for who, url, headers in pages(hostile):
        client = Client()
        client.force_login(people[who])
        response = client.get(url, **headers)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert_escaped(html, f"{who} {url}")
        seen_payload += "&lt;script&gt;" in html or "&lt;img" in html
    assert seen_payload >= 10, "the hostile text should be on these pages, escaped"


def test_the_compose_hints_partial_escapes_what_was_typed(hostile) -> None:
    world = hostile["world"]
    client = Client()
    client.force_login(world.ana)
    response = client.post(
        reverse("matching:compose_hints", args=[world.ben.pk]),
        {
            "subject": HOSTILE[:150],
            "opening": HOSTILE,
            "introduction": HOSTILE,
            "ask": "intro_call",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert_escaped(html, "compose hints")
    assert "&lt;script&gt;" in html  # the preview shows it, as text


def test_the_admin_shows_hostile_text_as_text(admin_client, hostile) -> None:
    world = hostile["world"]
    urls = [
        reverse("admin:profiles_user_changelist"),
        reverse("admin:profiles_user_change", args=[world.ana.pk]),
        reverse("admin:profiles_goal_changelist"),
        reverse("admin:matching_mentorshiprequest_changelist"),
        reverse("admin:matching_mentorshiprequest_change", args=[world.request.pk]),
        reverse("admin:matching_mentorship_changelist"),
        reverse("admin:sessions_app_checkin_changelist"),
        reverse("admin:notifications_notification_changelist"),
        reverse("reports"),
    ]
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert_escaped(response.content.decode(), url)


def test_emails_escape_hostile_text_in_html_and_keep_it_plain_in_text(hostile, mailoutbox) -> None:
    rows = Notification.objects.filter(send_email=True, status=Notification.Status.PENDING)
    assert rows.exists()
    for row in rows:
        deliver_notification(notification_id=row.pk)
    checked = 0
    for email in mailoutbox:
        for html, _ in email.alternatives:
            assert_escaped(str(html), f"email {email.subject!r}")
            checked += "&lt;script&gt;" in str(html) or "&lt;img" in str(html)
    assert checked >= 2, "the hostile text should reach the emails, escaped"


def test_a_javascript_link_is_refused_as_a_contact_link(hostile) -> None:
    client = APIClient()
    client.force_authenticate(hostile["world"].ben)
    response = client.patch(
        "/api/v1/me/", {"profile": {"contact_links": ["javascript:alert(1)"]}}, format="json"
    )
    assert response.status_code == 400
    assert "javascript:alert(1)" in str(response.json())
    assert Profile.objects.get(user=hostile["world"].ben).contact_links == [
        "https://cal.example.org/ben",
        "mailto:ben@example.org",
    ]
