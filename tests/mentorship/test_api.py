"""The REST API's shared contract: token log-in, me/, errors, pagination, schema."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.test import RequestFactory
from rest_framework.test import APIClient

from mentorship.api import exception_handler
from mentorship.exceptions import Conflict, DomainError, LimitReached, RuleViolation
from tests.conftest import PASSWORD


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_token_login_with_email_and_password(api, mentee_ana):
    response = api.post("/api/v1/auth/token/", {"email": "ANA@example.org", "password": PASSWORD})

    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/me/").json()["email"] == "ana@example.org"
    # Asking again gives the same token.
    again = api.post("/api/v1/auth/token/", {"email": "ana@example.org", "password": PASSWORD})
    assert again.json()["token"] == token


@pytest.mark.parametrize(
    ("email", "password"),
    [("ana@example.org", "wrong password"), ("nobody@example.org", PASSWORD)],
)
def test_token_login_refuses_bad_credentials_without_telling_which(
    api, mentee_ana, email, password
):
    response = api.post("/api/v1/auth/token/", {"email": email, "password": password})

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Email or password is not correct.",
        "code": "invalid_credentials",
    }


def test_token_login_refuses_a_deactivated_account(api, mentee_ana):
    mentee_ana.is_active = False
    mentee_ana.save(update_fields=["is_active"])

    response = api.post("/api/v1/auth/token/", {"email": "ana@example.org", "password": PASSWORD})

    assert response.status_code == 400


def test_token_login_validates_its_input(api, db):
    response = api.post("/api/v1/auth/token/", {"email": "not an email"})

    assert response.status_code == 400
    assert set(response.json()) == {"email", "password"}


def test_token_login_needs_a_confirmed_address_when_verification_is_mandatory(
    api, mentee_ana, settings
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    credentials = {"email": "ana@example.org", "password": PASSWORD}

    refused = api.post("/api/v1/auth/token/", credentials)
    EmailAddress.objects.create(
        user=mentee_ana, email=mentee_ana.email, verified=True, primary=True
    )
    accepted = api.post("/api/v1/auth/token/", credentials)

    assert refused.status_code == 400
    assert refused.json()["code"] == "email_not_verified"
    assert accepted.status_code == 200


def test_token_login_counts_failures_per_account_like_the_log_in_page(api, mentee_ana):
    for n in range(5):
        # From different addresses: the per-account limit still adds up.
        api.post(
            "/api/v1/auth/token/",
            {"email": "ana@example.org", "password": "wrong"},
            REMOTE_ADDR=f"10.0.0.{n}",
        )

    response = api.post(
        "/api/v1/auth/token/",
        {"email": "ana@example.org", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.99",
    )

    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"
    assert response.headers["Retry-After"] == "300"


def test_token_login_is_throttled(api, mentee_ana, settings):
    for _ in range(10):
        api.post("/api/v1/auth/token/", {"email": "ana@example.org", "password": "wrong"})

    response = api.post("/api/v1/auth/token/", {"email": "ana@example.org", "password": PASSWORD})

    assert response.status_code == 429
    assert "Retry-After" in response.headers


@pytest.mark.parametrize("path", ["/api/v1/me/", "/api/v1/notifications/"])
def test_the_api_needs_authentication(api, db, path):
    response = api.get(path)

    assert response.status_code == 401
    assert response.json()["detail"]


def test_an_unknown_api_url_answers_json_and_a_page_url_the_page(client, db):
    api = client.get("/api/v1/goals/not-a-number/")
    page = client.get("/no-such-page/")

    assert api.status_code == page.status_code == 404
    assert api.json() == {"detail": "Not found."}
    assert page["Content-Type"].startswith("text/html")


def test_me_shows_the_signed_in_person(api, mentee_ana):
    api.force_authenticate(mentee_ana)

    body = api.get("/api/v1/me/").json()

    assert body["id"] == mentee_ana.pk
    assert body["email"] == "ana@example.org"
    assert body["name"] == "Ana Silva"
    assert body["display_name"] == "Ana Silva"
    assert body["is_staff"] is False


def test_me_updates_the_name_and_ignores_protected_fields(api, mentee_ana):
    api.force_authenticate(mentee_ana)

    response = api.patch(
        "/api/v1/me/",
        {"name": "Ana S.", "email": "evil@example.org", "is_staff": True, "id": 999},
    )

    assert response.status_code == 200
    mentee_ana.refresh_from_db()
    assert (mentee_ana.name, mentee_ana.email, mentee_ana.is_staff) == (
        "Ana S.",
        "ana@example.org",
        False,
    )


def test_me_cannot_be_replaced_or_deleted(api, mentee_ana):
    api.force_authenticate(mentee_ana)

    assert api.put("/api/v1/me/", {"name": "x"}).status_code == 405
    assert api.delete("/api/v1/me/").status_code == 405


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (RuleViolation("Write a subject."), 400, "rule_violation"),
        (Conflict("This request was already declined."), 409, "conflict"),
        (DomainError("Generic rule.", code="custom"), 400, "custom"),
    ],
)
def test_domain_errors_map_to_http_once(error, status, code):
    response = exception_handler(error, {"request": RequestFactory().get("/")})

    assert response is not None
    assert response.status_code == status
    assert response.data == {"detail": error.message, "code": code}


def test_limit_errors_answer_429_with_retry_after():
    error = LimitReached("You sent 5 requests today.", retry_after=3600)

    response = exception_handler(error, {"request": RequestFactory().get("/")})

    assert response is not None
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "3600"


def test_the_openapi_schema_documents_endpoints_and_error_answers(api, db):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    assert {
        "/api/v1/auth/token/",
        "/api/v1/me/",
        "/api/v1/notifications/",
        "/api/v1/notifications/{id}/read/",
        "/api/v1/notifications/read-all/",
    } <= set(paths)
    assert {"400", "401", "404", "409"} <= set(
        paths["/api/v1/notifications/{id}/read/"]["post"]["responses"]
    )
    assert "404" in paths["/api/v1/me/"]["get"]["responses"]


def test_the_api_docs_render_without_a_cdn(client, db):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn.jsdelivr" not in html
    assert "unpkg.com" not in html
