"""One-click unsubscribe (RFC 8058): in every non-essential email, a signed link that works
from the mailbox, logged out, and changes nothing until it is confirmed."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import reverse

from mentorship.notifications import services
from mentorship.notifications.kinds import KINDS
from mentorship.notifications.models import Notification
from mentorship.notifications.unsubscribe import UNSUBSCRIBE_SALT, unsubscribe_url
from profiles.models import EmailFrequency, Profile, User
from profiles.services import resume_link, set_email_frequency
from tests.factories import UserFactory
from tests.test_access_matrix import EVENT_ATTRIBUTE, INLINE_SCRIPT, STYLE_ATTRIBUTE

Status = Notification.Status
ONE_CLICK = "List-Unsubscribe=One-Click"
LINK = re.compile(r"http://127\.0\.0\.1:8000/profile/unsubscribe/[^/\s\"<>]+/")

TEMPLATED = sorted(name for name, kind in KINDS.items() if kind.templated)
# The kinds that need the person (an answer, a calendar, an account step): no way out.
WITHOUT = {
    "request_received", "request_answer", "request_reminder", "mentoring_paused",
    "request_question", "request_accepted", "request_declined", "agreement_proposed",
    "session_proposed", "session_confirmed", "session_cancelled", "session_reminder",
    "match_published_mentee", "match_published_mentor", "close_proposed", "mentorship_closed",
}  # fmt: skip


def _deliver(user: User, kind: str, key: str = ""):  # type: ignore[no-untyped-def]
    notification = services.notify(
        recipient=user, kind=kind, key=key or f"test:{kind}:{user.pk}", url="/notifications/"
    )
    assert services.deliver_notification(notification_id=notification.pk).status == Status.SENT
    return notification


def _path(url: str) -> str:
    return url.removeprefix("http://127.0.0.1:8000")


def _one_click(client: Client, url: str):  # type: ignore[no-untyped-def]
    """What a mail client sends (RFC 8058): a form body, no cookies, no CSRF token."""
    return client.post(url, data=ONE_CLICK, content_type="application/x-www-form-urlencoded")


def _fresh(user: User) -> User:
    # The frequency is read from the profile the user object may have cached.
    return User.objects.get(pk=user.pk)


def _frequency(user: User) -> str | None:
    return Profile.objects.filter(user=user).values_list("email_frequency", flat=True).first()


def test_the_registry_offers_it_for_every_non_essential_kind_and_the_digest() -> None:
    offered = {name for name, kind in KINDS.items() if kind.offers_unsubscribe}
    assert offered == set(TEMPLATED) - WITHOUT
    assert "digest" in offered
    assert not KINDS["account"].offers_unsubscribe
    assert all(not KINDS[name].offers_unsubscribe for name in WITHOUT)


@pytest.mark.parametrize("kind", TEMPLATED)
def test_each_kind_has_the_headers_and_the_footer_link_exactly_when_not_essential(
    kind, mentee_ana, mailoutbox
):
    _deliver(mentee_ana, kind)

    [email] = mailoutbox
    headers = email.message()
    html = email.alternatives[0][0]
    if kind in WITHOUT:
        assert headers["List-Unsubscribe"] is None
        assert headers["List-Unsubscribe-Post"] is None
        assert "/profile/unsubscribe/" not in email.body
        assert "/profile/unsubscribe/" not in html
        assert "Stop these emails" not in html
        return
    link = unsubscribe_url(user=mentee_ana)
    assert headers["List-Unsubscribe"] == f"<{link}>"
    assert headers["List-Unsubscribe-Post"] == ONE_CLICK
    # The same link, visible at the foot of both bodies, with why this email came.
    assert "Stop these emails (the ones that need you, like requests and session" in email.body
    assert LINK.findall(email.body) == [link]
    assert "You get these because" in email.body
    assert "Email settings: http://127.0.0.1:8000/profile/email/" in email.body
    assert f'<a href="{link}"' in html
    assert "Stop these emails</a>" in html
    assert "You get these because" in html


def test_account_emails_never_carry_it(db, mailoutbox):
    person = UserFactory(email="ana@example.org")
    row = services.send_account_email(
        to="ana@example.org", subject="Reset", body="Reset: https://x/key/", user=person
    )
    services.deliver_notification(notification_id=row.pk)

    assert mailoutbox[0].message()["List-Unsubscribe"] is None
    assert "/profile/unsubscribe/" not in mailoutbox[0].body


def test_the_daily_digest_carries_it(mentee_ana, mailoutbox):
    # 08:00 UTC, when the digest of a person in UTC goes out.
    with time_machine.travel(datetime(2026, 3, 2, 8, 0, tzinfo=UTC), tick=False):
        set_email_frequency(user=mentee_ana, frequency=EmailFrequency.DAILY)
        held = services.notify(
            recipient=_fresh(mentee_ana), kind="anniversary", key="held", context={"months": 1}
        )
        assert held.status == Status.HELD
        assert services.send_digests().digests == 1
        services.sweep_notifications()

    [email] = mailoutbox
    assert email.subject == "Your mentoring day: 1 update"
    link = unsubscribe_url(user=mentee_ana)
    assert email.message()["List-Unsubscribe"] == f"<{link}>"
    assert "You get these because you chose a daily digest of your updates." in email.body
    assert LINK.findall(email.body) == [link]
    assert link in email.alternatives[0][0]


# --- The page ----------------------------------------------------------------------------


@pytest.fixture
def ana_daily(mentee_ana) -> User:  # type: ignore[no-untyped-def]
    set_email_frequency(user=mentee_ana, frequency=EmailFrequency.DAILY)
    ana = _fresh(mentee_ana)
    services.notify(recipient=ana, kind="anniversary", key="held", context={"months": 1})
    return ana


def test_opening_the_link_asks_and_changes_nothing(ana_daily):
    url = _path(unsubscribe_url(user=ana_daily))
    client = Client()

    page = client.get(url)
    head = client.head(url)

    assert (page.status_code, head.status_code) == (200, 200)
    html = page.content.decode()
    assert "Stop these emails?" in html
    assert '<form method="post">' in html
    assert _frequency(ana_daily) == EmailFrequency.DAILY
    assert Notification.objects.get(key="held").status == Status.HELD
    # A page only this person's mailbox can reach: out of every cache.
    assert "no-store" in page["Cache-Control"]


def test_opening_the_link_creates_no_profile(db):
    person = UserFactory()
    assert Client().get(_path(unsubscribe_url(user=person))).status_code == 200
    assert not Profile.objects.filter(user=person).exists()


def test_the_mail_clients_one_click_post_works_without_a_csrf_token_or_a_session(
    ana_daily, mailoutbox
):
    client = Client(enforce_csrf_checks=True)

    response = _one_click(client, _path(unsubscribe_url(user=ana_daily)))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Done: only essential emails now" in html
    assert f'href="{reverse("profiles:email_settings")}"' in html
    assert _frequency(ana_daily) == EmailFrequency.ESSENTIALS
    # What waited for the digest stays in the app; it is not emailed.
    held = Notification.objects.get(key="held")
    assert (held.status, held.send_email) == (Status.SENT, False)
    # From now on updates are in the app only; what needs Ana still comes by email.
    later = services.notify(
        recipient=_fresh(ana_daily), kind="anniversary", key="later", context={"months": 3}
    )
    assert (later.status, later.send_email) == (Status.SENT, False)
    _deliver(ana_daily, "request_accepted")
    assert [email.subject for email in mailoutbox] == [
        Notification.objects.get(kind="request_accepted").subject
    ]


def test_the_button_on_the_page_works_logged_out_and_twice_is_harmless(ana_daily):
    client = Client(enforce_csrf_checks=True)
    url = _path(unsubscribe_url(user=ana_daily))

    first = client.post(url, {"List-Unsubscribe": "One-Click"})
    second = client.post(url)

    assert (first.status_code, second.status_code) == (200, 200)
    assert _frequency(ana_daily) == EmailFrequency.ESSENTIALS
    page = client.get(url).content.decode()
    assert "You get only essential emails" in page


def test_the_link_unsubscribes_its_own_person_whoever_is_signed_in(ana_daily, stranger_dee):
    set_email_frequency(user=stranger_dee, frequency=EmailFrequency.IMMEDIATELY)
    client = Client(enforce_csrf_checks=True)
    client.force_login(stranger_dee)

    _one_click(client, _path(unsubscribe_url(user=ana_daily)))

    assert _frequency(ana_daily) == EmailFrequency.ESSENTIALS
    assert _frequency(stranger_dee) == EmailFrequency.IMMEDIATELY


def _tampered(token: str, user_id: int) -> str:
    """The same token with another person's id swapped in (the signature left as it was)."""
    payload = base64.urlsafe_b64encode(str(user_id).encode()).decode().rstrip("=")
    return ":".join([payload, *token.split(":")[1:]])


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_or_foreign_token_is_refused_with_a_clear_page(method, ana_daily, mentor_ben):
    token = unsubscribe_url(user=ana_daily).rstrip("/").rsplit("/", 1)[1]
    bad_tokens = [
        "not-a-real-token",
        token[:-3],  # cut short when copied
        _tampered(token, mentor_ben.pk),  # someone else's id under Ana's signature
        # Signed by this site, but for another purpose (the resume link's salt).
        resume_link(user=ana_daily).rstrip("/").rsplit("/", 1)[1],
        # This salt, but not a user id.
        signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object({"id": ana_daily.pk}),
    ]
    client = Client(enforce_csrf_checks=True)
    for bad in bad_tokens:
        response = getattr(client, method)(reverse("profiles:unsubscribe", args=[bad]))
        assert response.status_code == 400, bad
        assert "This unsubscribe link is not valid" in response.content.decode()
    assert _frequency(ana_daily) == EmailFrequency.DAILY
    assert _frequency(mentor_ben) is None  # Ben was not even given a profile


def test_the_link_of_a_closed_account_is_refused(ana_daily):
    url = _path(unsubscribe_url(user=ana_daily))
    User.objects.filter(pk=ana_daily.pk).update(is_active=False)

    response = _one_click(Client(), url)

    assert response.status_code == 400
    assert "no longer exists" in response.content.decode()
    assert _frequency(ana_daily) == EmailFrequency.DAILY


def test_the_token_carries_only_a_signed_id(mentee_ana):
    token = unsubscribe_url(user=mentee_ana).rstrip("/").rsplit("/", 1)[1]
    payload, signature = token.split(":")
    assert signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token) == mentee_ana.pk
    assert signing.b64_decode(payload.encode()) == str(mentee_ana.pk).encode()
    assert len(signature) >= 43  # a full HMAC-SHA256, not guessable


@pytest.mark.parametrize("state", ["ask", "done", "already", "error"])
def test_the_page_keeps_to_the_content_security_policy(state, mentee_ana):
    url = _path(unsubscribe_url(user=mentee_ana))
    client = Client()
    if state == "already":
        set_email_frequency(user=mentee_ana, frequency=EmailFrequency.ESSENTIALS)
    if state == "done":
        response = _one_click(client, url)
    else:
        response = client.get(url if state != "error" else url[:-4] + "x/")

    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert not EVENT_ATTRIBUTE.search(html)
    assert not STYLE_ATTRIBUTE.search(html)
    assert "script-src 'self'" in response["Content-Security-Policy"]
