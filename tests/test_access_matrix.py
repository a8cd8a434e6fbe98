"""Every URL of the platform, from the resolver, with its access decision.

For each URL pattern an anonymous visitor and Dee (signed in, part of nothing)
ask for it, and the answer must be the decision written here: sent to log in,
401 from the API, 403 for staff pages, 404 for other people's objects, or open.
A new URL without a decision fails `test_every_url_has_a_decision`, so every
later page and endpoint joins the matrix.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from matching.models import Enrolment, Mentorship, MentorshipRequest, Program
from mentorship.notifications.models import Notification
from profiles.models import Goal, Milestone, User
from profiles.services import ensure_profile
from sessions_app.models import CheckIn, Session
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# What a kind of URL answers, to (anonymous, stranger).
PUBLIC = "public"  # open to everyone
LOGIN = "login"  # anonymous: log in; a signed-in stranger may use it (their own data)
OWNED = "owned"  # anonymous: log in; a stranger: 404 (someone else's object)
STAFF = "staff"  # anonymous: log in; a signed-in non-staff person: 403
TOKEN = "token"  # the link itself is the key: a wrong one is refused, never a 5xx
API_PUBLIC = "api_public"  # the API's open doors (token log-in, the root)
API_LOGIN = "api_login"  # anonymous: 401; a stranger: their own (empty) data
API_OWNED = "api_owned"  # anonymous: 401; a stranger: 404


@dataclass(frozen=True)
class Decision:
    kind: str
    kwargs: Callable[[Any], dict[str, Any]] = lambda w: {}
    method: str = "get"


def pk(attribute: str, name: str = "pk") -> Callable[[Any], dict[str, Any]]:
    return lambda w: {name: getattr(w, attribute).pk}


# Our own URLs (the admin and allauth's are decided by rules below).
DECISIONS: dict[str, Decision] = {
    "home": Decision(PUBLIC),
    "healthz": Decision(PUBLIC),
    "schema": Decision(PUBLIC),
    "api-docs": Decision(PUBLIC),
    "dashboard": Decision(LOGIN),
    "reports": Decision(STAFF),
    "reports_csv": Decision(STAFF),
    "reports_nudge": Decision(STAFF, pk("mentorship", "mentorship_id"), "post"),
    # Finding and asking mentors: anyone signed in.
    "matching:browse": Decision(LOGIN),
    "matching:mentor": Decision(LOGIN, pk("ben", "mentor_id")),
    "matching:compose": Decision(LOGIN, pk("ben", "mentor_id")),
    "matching:compose_hints": Decision(LOGIN, pk("ben", "mentor_id"), "post"),
    "matching:requests": Decision(LOGIN),
    "matching:request": Decision(OWNED, pk("request")),
    "matching:request_withdraw": Decision(OWNED, pk("request"), "post"),
    "matching:request_answer": Decision(OWNED, pk("request"), "post"),
    "matching:inbox": Decision(LOGIN),
    "matching:inbox_request": Decision(OWNED, pk("request")),
    "matching:inbox_accept": Decision(OWNED, pk("request"), "post"),
    "matching:inbox_decline": Decision(OWNED, pk("request"), "post"),
    "matching:inbox_ask": Decision(OWNED, pk("request"), "post"),
    "matching:mentorships": Decision(LOGIN),
    "matching:mentorship": Decision(OWNED, pk("mentorship")),
    "matching:mentorship_agreement": Decision(OWNED, pk("mentorship"), "post"),
    "matching:programs": Decision(LOGIN),
    "matching:program": Decision(OWNED, lambda w: {"slug": w.program.slug}),
    # The invite link lets anyone signed in see the programme and join it.
    "matching:program_join": Decision(LOGIN, lambda w: {"code": w.program.invite_code}),
    "notifications:list": Decision(LOGIN),
    "notifications:read": Decision(OWNED, pk("notification"), "post"),
    "notifications:read_all": Decision(LOGIN, method="post"),
    "profiles:edit": Decision(LOGIN),
    "profiles:public": Decision(LOGIN, pk("ben", "user_id")),
    "profiles:availability": Decision(LOGIN),
    "profiles:persona": Decision(LOGIN),
    "profiles:email_settings": Decision(LOGIN),
    "profiles:skill_search": Decision(LOGIN),
    "profiles:goals": Decision(LOGIN),
    "profiles:goal_create": Decision(LOGIN),
    "profiles:goal_edit": Decision(OWNED, pk("goal")),
    "profiles:goal_status": Decision(OWNED, pk("goal"), "post"),
    "profiles:goal_delete": Decision(OWNED, pk("goal"), "post"),
    "profiles:milestone_add": Decision(OWNED, pk("goal", "goal_id"), "post"),
    "profiles:milestone_toggle": Decision(OWNED, pk("milestone"), "post"),
    "profiles:milestone_delete": Decision(OWNED, pk("milestone"), "post"),
    "profiles:data": Decision(LOGIN),
    "profiles:data_export": Decision(LOGIN),
    # Asks for the password again first (a redirect), then for the word DELETE.
    "profiles:delete_account": Decision(LOGIN),
    "profiles:resume": Decision(TOKEN, lambda w: {"token": "not-a-real-token"}),
    "profiles:unsubscribe": Decision(TOKEN, lambda w: {"token": "not-a-real-token"}),
    **{
        f"profiles:onboarding_{step}": Decision(LOGIN)
        for step in (
            "roles",
            "basics",
            "goal",
            "persona",
            "expertise",
            "capacity",
            "availability",
        )
    },
    "profiles:onboarding_finish": Decision(LOGIN, method="post"),
    # Sessions, check-ins, pausing and closing: the pair's own.
    **{
        f"sessions_app:{name}": Decision(OWNED, pk("mentorship"), method)
        for name, method in (
            ("mentorship_pause", "post"),
            ("mentorship_resume", "post"),
            ("mentorship_close", "post"),
            ("mentorship_close_withdraw", "post"),
            ("mentorship_reflection", "post"),
            ("mentorship_summary", "get"),
            ("session_new", "get"),
            ("checkins", "get"),
            ("checkin_new", "get"),
        )
    },
    **{
        f"sessions_app:{name}": Decision(OWNED, pk("session"), method)
        for name, method in (
            ("session", "get"),
            ("session_confirm", "post"),
            ("session_reschedule", "post"),
            ("session_cancel", "post"),
            ("session_complete", "post"),
            ("session_no_show", "post"),
            ("session_notes", "post"),
            ("session_private_note", "post"),
            ("session_ics", "get"),
        )
    },
    "sessions_app:checkin": Decision(OWNED, pk("checkin")),
    "sessions_app:checkin_acknowledge": Decision(OWNED, pk("checkin"), "post"),
    # The API.
    "api:api-root": Decision(API_LOGIN),
    "api:token": Decision(API_PUBLIC, method="post"),
    "api:me": Decision(API_LOGIN),
    "api:me-export": Decision(API_LOGIN),
    "api:me-delete": Decision(API_LOGIN, method="post"),
    "api:persona": Decision(API_LOGIN),
    "api:availability": Decision(API_LOGIN),
    "api:mentor-list": Decision(API_LOGIN),
    "api:mentor-detail": Decision(API_LOGIN, pk("ben", "mentor_id")),
    "api:skill-list": Decision(API_LOGIN),
    "api:language-list": Decision(API_LOGIN),
    "api:industry-list": Decision(API_LOGIN),
    "api:goal-list": Decision(API_LOGIN),
    "api:goal-detail": Decision(API_OWNED, pk("goal")),
    "api:goal-milestones": Decision(API_OWNED, pk("goal", "goal_id")),
    "api:milestone-detail": Decision(API_OWNED, pk("milestone")),
    "api:notification-list": Decision(API_LOGIN),
    "api:notification-detail": Decision(API_OWNED, pk("notification")),
    "api:notification-read": Decision(API_OWNED, pk("notification"), "post"),
    "api:notification-read-all": Decision(API_LOGIN, method="post"),
    "api:request-list": Decision(API_LOGIN),
    "api:request-detail": Decision(API_OWNED, pk("request")),
    **{
        f"api:request-{name}": Decision(API_OWNED, pk("request"), "post")
        for name in ("accept", "decline", "withdraw", "ask")
    },
    "api:mentorship-list": Decision(API_LOGIN),
    "api:mentorship-detail": Decision(API_OWNED, pk("mentorship")),
    **{
        f"api:mentorship-{name}": Decision(API_OWNED, pk("mentorship"), "post")
        for name in ("agreement", "pause", "resume", "close", "close-withdraw")
    },
    "api:session-list": Decision(API_LOGIN),
    "api:session-detail": Decision(API_OWNED, pk("session")),
    "api:session-ics": Decision(API_OWNED, pk("session")),
    **{
        f"api:session-{name}": Decision(API_OWNED, pk("session"), "post")
        for name in (
            "confirm",
            "reschedule",
            "cancel",
            "complete",
            "no-show",
            "notes",
            "private-note",
        )
    },
    "api:checkin-list": Decision(API_LOGIN),
    "api:checkin-detail": Decision(API_OWNED, pk("checkin")),
    "api:checkin-acknowledge": Decision(API_OWNED, pk("checkin"), "post"),
    "api:program-list": Decision(API_LOGIN),
    "api:program-detail": Decision(API_OWNED, lambda w: {"pk": w.program.slug}),
    "api:program-leave": Decision(API_OWNED, lambda w: {"pk": w.program.slug}, "post"),
    "api:program-join": Decision(API_LOGIN, method="post"),
}

# allauth's pages: log-in, sign-up and recovery are open; the account's own pages
# need a signed-in person.
ACCOUNT_LOGIN_ONLY = {
    "account_email", "account_change_password", "account_set_password",
    "account_reauthenticate",
}  # fmt: skip
ACCOUNT_TOKEN = {"account_confirm_email", "account_reset_password_from_key"}
# allauth MFA: the second step of a log-in (no pending log-in: back to log in), and
# the person's own authenticators.
ACCOUNT_PUBLIC = {"mfa_authenticate"}
ACCOUNT_LOGIN_ONLY |= {
    "mfa_index", "mfa_activate_totp", "mfa_reauthenticate", "mfa_generate_recovery_codes",
}  # fmt: skip
# Someone's own authenticator and codes: 404 for a person who has none.
ACCOUNT_OWNED = {"mfa_deactivate_totp", "mfa_view_recovery_codes", "mfa_download_recovery_codes"}


def _walk(patterns: list[Any], ns: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ns
            if ns and pattern.namespace:
                inner = f"{ns}:{pattern.namespace}"
            yield from _walk(pattern.url_patterns, inner)
        elif pattern.name:
            yield (f"{ns}:{pattern.name}" if ns else pattern.name), pattern


def named_urls() -> dict[str, URLPattern]:
    urls: dict[str, URLPattern] = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        urls.setdefault(name, pattern)
    return urls


def decision_for(name: str) -> Decision | None:
    if name in DECISIONS:
        return DECISIONS[name]
    if name == "admin:login":  # allauth's log-in guards it: non-staff people get 403
        return Decision(STAFF)
    if name == "admin:logout":  # a GET logs nobody out; it goes back to the admin
        return Decision(PUBLIC)
    if name.startswith("admin:"):
        return Decision("admin")
    if name in ACCOUNT_LOGIN_ONLY:
        return Decision(LOGIN)
    if name in ACCOUNT_TOKEN:
        return Decision(TOKEN)
    if name in ACCOUNT_PUBLIC:
        return Decision(PUBLIC)
    if name in ACCOUNT_OWNED:
        return Decision(OWNED)
    if name.startswith("account_"):
        return Decision(PUBLIC)
    return None


def test_every_url_has_a_decision() -> None:
    undecided = sorted(name for name in named_urls() if decision_for(name) is None)
    assert undecided == [], f"URLs without an access decision: {undecided}"


class World:
    """Ana mentors with Ben: a request, a mentorship, a session, a check-in, a goal with a
    milestone, a notification and a programme, none of them Dee's."""

    def __init__(self) -> None:
        self.ana = UserFactory(email="ana@example.org", name="Ana Silva")
        self.ben = UserFactory(email="ben@example.org", name="Ben Okafor")
        self.dee = UserFactory(email="dee@example.org", name="Dee Stranger")
        for user, mentee, mentor in ((self.ana, True, False), (self.ben, False, True)):
            profile = ensure_profile(user=user)
            profile.is_mentee, profile.is_mentor = mentee, mentor
            profile.save()
        ensure_profile(user=self.dee)
        self.request = MentorshipRequest.objects.create(
            mentee=self.ana, mentor=self.ben, subject="Hello", message="20 minutes?"
        )
        self.mentorship = Mentorship.objects.create(mentee=self.ana, mentor=self.ben)
        self.session = Session.objects.create(
            mentorship=self.mentorship,
            proposed_by=self.ana,
            status=Session.Status.CONFIRMED,
            starts_at=timezone.now() + timedelta(days=3),
        )
        self.checkin = CheckIn.objects.create(
            mentorship=self.mentorship, author=self.ana, progress=4
        )
        self.goal = Goal.objects.create(owner=self.ana, title="Lead a team")
        self.milestone = Milestone.objects.create(goal=self.goal, title="Shadow a lead")
        self.notification = Notification.objects.create(
            recipient=self.ana, kind="welcome", key="welcome:ana", subject="Welcome", body="Hi"
        )
        self.program = Program.objects.create(name="Spring", slug="spring")
        Enrolment.objects.create(program=self.program, user=self.ana, role="mentee")


def _admin_kwargs(pattern: URLPattern) -> dict[str, Any]:
    names = list(getattr(pattern.pattern, "converters", {}) or pattern.pattern.regex.groupindex)
    values = {"app_label": "matching", "content_type_id": "1", "object_id": "1"}
    return {name: values.get(name, "1") for name in names}


def _url(name: str, pattern: URLPattern, decision: Decision, world: World) -> str:
    kwargs = _admin_kwargs(pattern) if decision.kind == "admin" else decision.kwargs(world)
    if decision.kind == TOKEN and not kwargs:
        kwargs = dict.fromkeys(pattern.pattern.regex.groupindex, "x1-bad")
    return reverse(name, kwargs=kwargs)


CASES = sorted(named_urls())


@pytest.mark.parametrize("name", CASES)
def test_the_decision_holds_for_anonymous_people_and_strangers(name: str) -> None:
    world = World()
    pattern = named_urls()[name]
    decision = decision_for(name)
    assert decision is not None
    url = _url(name, pattern, decision, world)
    kind = decision.kind
    if kind.startswith("api_"):
        client: Any = APIClient()
    else:
        client = Client()
    call = getattr(client, decision.method)
    anonymous = call(url)
    if isinstance(client, APIClient):
        client.force_authenticate(world.dee)
    else:
        client.force_login(world.dee)
    stranger = call(url)
    where = f"{decision.method.upper()} {url}"
    assert anonymous.status_code < 500, where
    assert stranger.status_code < 500, where
    if kind == "admin":
        for response in (anonymous, stranger):
            assert response.status_code == 302, where
            assert "login" in response["Location"], where
    elif kind in (LOGIN, OWNED, STAFF):
        assert anonymous.status_code == 302, where
        assert "/accounts/login/" in anonymous["Location"], where
        expected = {OWNED: 404, STAFF: 403}.get(kind)
        if expected is not None:
            assert stranger.status_code == expected, where
        else:
            assert stranger.status_code not in (401, 403, 404), where
    elif kind in (API_LOGIN, API_OWNED):
        assert anonymous.status_code == 401, where
        if kind == API_OWNED:
            assert stranger.status_code == 404, where
        else:
            assert stranger.status_code not in (401, 403, 404), where
    elif kind == TOKEN:
        assert anonymous.status_code in (200, 302, 400, 404, 410), where
    else:  # PUBLIC, API_PUBLIC: open doors (a form may answer 400 to an empty post)
        assert anonymous.status_code in (200, 302, 400, 405), where
    # Nothing of Ana's changed hands.
    assert MentorshipRequest.objects.get(pk=world.request.pk).status == "pending", where
    assert Mentorship.objects.get(pk=world.mentorship.pk).status == "active", where
    assert Goal.objects.filter(pk=world.goal.pk).exists(), where
    assert Enrolment.objects.filter(user=world.ana).exists(), where


def test_a_program_admin_cannot_change_passwords_or_superuser_flags(db: None) -> None:
    from mentorship.roles import ensure_program_admin_group

    boss = UserFactory(email="boss@example.org", is_staff=True, is_superuser=True)
    cora = UserFactory(email="cora@example.org", is_staff=True)
    cora.groups.add(ensure_program_admin_group())
    target = UserFactory(email="eve@example.org")
    client = Client()
    client.force_login(User.objects.get(pk=cora.pk))
    assert client.get(reverse("admin:matching_program_changelist")).status_code == 200
    password = reverse("admin:auth_user_password_change", args=[target.pk])
    assert client.get(password).status_code == 403
    client.post(
        reverse("admin:profiles_user_change", args=[target.pk]),
        {"email": target.email, "name": "Eve", "is_superuser": "on", "is_staff": "on"},
    )
    target.refresh_from_db()
    assert not target.is_superuser
    assert not target.is_staff
    # A superuser's account is beyond reach: shown read-only, and a post changes nothing.
    page = client.get(reverse("admin:profiles_user_change", args=[boss.pk]))
    assert page.status_code == 200
    assert b'name="is_active"' not in page.content
    client.post(
        reverse("admin:profiles_user_change", args=[boss.pk]),
        {"email": "cora@example.org", "name": "Taken", "is_active": ""},
    )
    boss.refresh_from_db()
    assert boss.is_active
    assert boss.email == "boss@example.org"
    # Nor can Cora raise her own rights.
    client.post(
        reverse("admin:profiles_user_change", args=[cora.pk]),
        {"email": cora.email, "name": "Cora", "is_active": "on", "is_superuser": "on"},
    )
    cora.refresh_from_db()
    assert not cora.is_superuser


# --- What the pages themselves carry -----------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.I)
EVENT_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
PAGE_KINDS = (PUBLIC, LOGIN, OWNED, STAFF)


ACCOUNT_PAGES = (
    "account_login", "account_signup", "account_reset_password", "account_email",
    "account_change_password", "account_reauthenticate",
)  # fmt: skip


def _own_pages() -> list[str]:
    ours = (
        name
        for name in named_urls()
        if name in DECISIONS
        and DECISIONS[name].kind in PAGE_KINDS
        and DECISIONS[name].method == "get"
        and name not in ("schema", "reports_csv", "healthz", "sessions_app:session_ics")
    )
    return sorted([*ours, *ACCOUNT_PAGES])


@pytest.mark.parametrize("name", _own_pages())
def test_every_page_keeps_to_the_content_security_policy(name: str) -> None:
    """Each page, seen by the people it belongs to: no inline script, no event
    attributes, no style attributes (the policy would block them), the policy
    and the other security headers sent, and a signed-in page kept out of caches."""
    world = World()
    boss = UserFactory(email="boss@example.org", is_staff=True, is_superuser=True)
    decision = DECISIONS.get(name, Decision(LOGIN))
    url = reverse(name, kwargs=decision.kwargs(world))
    if name == "sessions_app:mentorship_summary":  # a summary exists once it has closed
        Mentorship.objects.filter(pk=world.mentorship.pk).update(
            status=Mentorship.Status.COMPLETED, ended_at=timezone.now()
        )
    client = Client()
    response = None
    for person in (world.ana, world.ben, boss):
        client.force_login(person)
        response = client.get(url)
        if response.status_code == 200:
            break
    assert response is not None
    assert response.status_code in (200, 302), url
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    cache = response["Cache-Control"]
    assert "no-store" in cache, url
    assert "private" in cache, url
    if response.status_code == 200 and "html" in response["Content-Type"]:
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), f"{url}: {INLINE_SCRIPT.search(html)}"
        assert not EVENT_ATTRIBUTE.search(html), f"{url}: {EVENT_ATTRIBUTE.search(html)}"
        if name != "api-docs":  # Swagger UI's own stylesheet block; see urls.py
            assert not STYLE_ATTRIBUTE.search(html), f"{url}: {STYLE_ATTRIBUTE.search(html)}"


def test_a_public_page_seen_by_nobody_signed_in_is_not_marked_private(client: Client) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "private" not in response.get("Cache-Control", "")
    assert "Content-Security-Policy" in response


def test_admin_pages_keep_to_the_content_security_policy(admin_client: Client) -> None:
    """Every changelist, add form and change form in the admin: no inline script and
    no event attributes (Django's admin binds its scripts from files, and so do we)."""
    from django.contrib import admin

    World()
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(
                reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
            )
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code in (200, 403), url
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), f"{url}: {INLINE_SCRIPT.search(html)}"
        assert not EVENT_ATTRIBUTE.search(html), f"{url}: {EVENT_ATTRIBUTE.search(html)}"
        assert "script-src 'self'" in response["Content-Security-Policy"]


# --- CSRF: every state-changing page and htmx endpoint, with the checks enforced ------------

CSRF_SECRET = "a" * 32  # a well-formed secret: cookie and header must carry the same


def _posts() -> list[str]:
    return sorted(
        name
        for name, decision in DECISIONS.items()
        if decision.method == "post" and decision.kind in (LOGIN, OWNED, STAFF)
    )


@pytest.mark.parametrize("name", _posts())
def test_every_post_needs_the_csrf_token(name: str) -> None:
    """Each form and htmx endpoint, posted by someone allowed to use it: refused with
    403 without the token, accepted past the check with it (as htmx sends it, in the
    X-CSRFToken header that base.html sets)."""
    world = World()
    boss = UserFactory(email="boss@example.org", is_staff=True, is_superuser=True)
    decision = DECISIONS[name]
    url = reverse(name, kwargs=decision.kwargs(world))
    person = boss if decision.kind == STAFF else world.ana
    if name.startswith("matching:inbox"):  # the mentor's side
        person = world.ben
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    refused = client.post(url, HTTP_HX_REQUEST="true")
    assert refused.status_code == 403, url
    assert b"CSRF" in refused.content, url
    client.cookies["csrftoken"] = CSRF_SECRET
    passed = client.post(url, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=CSRF_SECRET)
    assert not (passed.status_code == 403 and b"CSRF" in passed.content), url


def test_the_api_needs_the_csrf_token_with_a_session_but_not_with_a_token(db: None) -> None:
    from rest_framework.authtoken.models import Token

    world = World()
    session = Client(enforce_csrf_checks=True)
    session.force_login(world.ana)
    url = reverse("api:notification-read-all")
    refused = session.post(url)
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    token = Token.objects.create(user=world.ana)
    with_token = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert with_token.post(url).status_code == 200
