from __future__ import annotations

import time
from unittest import mock

import pytest

from tests.conftest import _free_port, celery_broker


def test_healthz_reports_database_and_broker(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_and_the_landing_page_answer_head_requests(client, db):
    assert client.head("/healthz").status_code == 200
    assert client.head("/").status_code == 200


def test_healthz_answers_503_when_the_broker_is_unreachable(client, db):
    with celery_broker(f"redis://127.0.0.1:{_free_port()}/0"):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"] != "ok"


def test_healthz_answers_503_when_the_database_fails(client, db):
    with mock.patch("mentorship.health.connection.cursor", side_effect=RuntimeError("down")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "RuntimeError: down"


@pytest.mark.redis
def test_healthz_with_a_real_redis_broker(client, db, redis_server):
    with celery_broker(redis_server.url):
        assert client.get("/healthz").status_code == 200
        redis_server.stop()
        assert client.get("/healthz").status_code == 503


@pytest.mark.redis
def test_healthz_reports_a_hung_broker_within_seconds(client, db, redis_server):
    with celery_broker(redis_server.url):
        redis_server.freeze()
        try:
            started = time.monotonic()
            response = client.get("/healthz")
            elapsed = time.monotonic() - started
        finally:
            redis_server.thaw()

    assert response.status_code == 503
    assert "Timeout" in response.json()["checks"]["broker"]
    assert elapsed < 15
