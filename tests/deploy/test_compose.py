"""The production shape: docker-compose.yml, the Dockerfile and gunicorn.conf.py.

No Docker engine is needed: the files are read as data and checked against what
the settings actually read, and docker-compose (v1) validates the file offline.
"""

from __future__ import annotations

import json
import os
import re
import runpy
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
APP_SERVICES = ("web", "worker", "beat")

# env.str("NAME", env.bool("NAME", env.db_url(\n    "NAME", ... as written in settings.py.
SETTINGS_ENV_READ = re.compile(r"\benv\.\w+\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']")


def _compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def _service(name: str) -> dict[str, Any]:
    return _compose()["services"][name]


def _command(service: dict[str, Any]) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def _celery_app(argv: list[str]) -> str | None:
    for flag in ("-A", "--app"):
        if flag in argv:
            return argv[argv.index(flag) + 1]
    for arg in argv:
        if arg.startswith("--app="):
            return arg.split("=", 1)[1]
    return None


def _settings_env_vars() -> set[str]:
    return set(SETTINGS_ENV_READ.findall((ROOT / "mentorship" / "settings.py").read_text()))


def test_the_six_services_exist() -> None:
    services = _compose()["services"]

    assert {"postgres", "redis", "mailpit", *APP_SERVICES} <= set(services)


def test_web_worker_and_beat_run_one_image_with_one_environment() -> None:
    compose = _compose()
    services = compose["services"]
    shared_env = compose["x-environment"]

    for name in APP_SERVICES:
        assert services[name]["environment"] == shared_env, name
        assert services[name].get("build") == services["web"]["build"] is not None, name
        assert services[name].get("image") == services["web"].get("image"), name


def test_settings_read_every_variable_the_compose_file_sets() -> None:
    read = _settings_env_vars()
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"} <= read, "regex broke"

    for name in APP_SERVICES:
        unknown = set(_service(name)["environment"]) - read
        assert not unknown, f"{name} sets variables settings.py never reads: {sorted(unknown)}"


def _gunicorn_env_vars() -> set[str]:
    text = (ROOT / "gunicorn.conf.py").read_text()
    return set(re.findall(r"(?:environ\.get|_int_env)\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']", text))


def _env_example_vars() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^# ?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_env_example_lists_exactly_the_variables_the_platform_reads() -> None:
    listed = _env_example_vars()
    read = _settings_env_vars() | _gunicorn_env_vars()
    # ANYMAIL_<SETTING> names are passed through to django-anymail by prefix.
    passed_through = {name for name in listed if name.startswith("ANYMAIL_")}

    assert {"HOST", "PORT", "WEB_CONCURRENCY"} <= _gunicorn_env_vars(), "regex broke"
    assert not (listed - read - passed_through), "listed but never read"
    assert not (read - listed), "read but not listed in .env.example"


def test_copying_env_example_changes_nothing() -> None:
    # Every line is a comment, so `cp .env.example .env` keeps the defaults.
    lines = (ROOT / ".env.example").read_text().splitlines()

    assert all(not line.strip() or line.startswith("#") for line in lines)


def test_the_app_reaches_the_other_services_by_name() -> None:
    compose = _compose()
    env = compose["x-environment"]
    postgres = compose["services"]["postgres"]["environment"]

    assert env["DATABASE_URL"] == (
        f"postgres://{postgres['POSTGRES_USER']}:{postgres['POSTGRES_PASSWORD']}"
        f"@postgres:5432/{postgres['POSTGRES_DB']}"
    )
    assert env["REDIS_URL"].startswith("redis://redis:6379/")
    assert env["EMAIL_URL"] == "smtp://mailpit:1025"
    assert env["DEBUG"] == "false"


def test_secrets_and_https_settings_can_be_overridden_from_a_dot_env_file() -> None:
    env = _compose()["x-environment"]

    # No usable default key: compose refuses to start until one is set.
    assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]+\}", env["SECRET_KEY"])
    for name in (
        "ALLOWED_HOSTS",
        "SITE_URL",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
    ):
        assert re.fullmatch(rf"\$\{{{name}:-[^}}]*\}}", env[name]), name


def test_web_waits_for_healthy_postgres_and_redis_and_migrates_before_serving() -> None:
    web = _service("web")
    argv = _command(web)

    for dependency in ("postgres", "redis"):
        assert web["depends_on"][dependency]["condition"] == "service_healthy"
    assert argv[:2] == ["sh", "-c"]
    migrate, serve = argv[2].split("&&")
    assert shlex.split(migrate) == ["python", "manage.py", "migrate", "--noinput"]
    assert shlex.split(serve)[-2:] == ["gunicorn", "mentorship.wsgi"]
    assert any(str(port).endswith("8000") for port in web["ports"])


def test_worker_and_beat_run_the_mentorship_celery_app() -> None:
    worker = _command(_service("worker"))
    beat = _command(_service("beat"))

    assert worker[0] == "celery"
    assert "worker" in worker
    assert _celery_app(worker) == "mentorship"
    assert beat[0] == "celery"
    assert "beat" in beat
    assert _celery_app(beat) == "mentorship"
    # The image's code directory is read-only for its user.
    schedule = beat[beat.index("--schedule") + 1]
    assert schedule.startswith("/tmp/")


def test_backing_services_have_healthchecks_and_data_volumes() -> None:
    compose = _compose()
    postgres, redis, mailpit = (compose["services"][n] for n in ("postgres", "redis", "mailpit"))

    assert postgres["image"].startswith("postgres:16")
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in postgres["volumes"])
    assert redis["image"].startswith("redis:7")
    assert "ping" in redis["healthcheck"]["test"]
    assert mailpit["image"].startswith("axllent/mailpit")
    assert any(str(port).startswith("8025") for port in mailpit["ports"])
    assert {v.split(":")[0] for v in postgres["volumes"] + redis["volumes"]} <= set(
        compose["volumes"]
    )


def _docker_compose_config(**extra_env: str) -> subprocess.CompletedProcess[str]:
    docker_compose = "/usr/bin/docker-compose"
    if not os.path.exists(docker_compose):
        pytest.skip("docker-compose (v1) is not installed; it validates the file offline")
    # A clean environment: a stray DOCKER_HOST or COMPOSE_FILE must not change the result.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/")}
    return subprocess.run(
        [docker_compose, "-f", str(COMPOSE_FILE), "config", "-q"],
        cwd=ROOT,
        env={**env, **extra_env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_docker_compose_validates_the_file() -> None:
    result = _docker_compose_config(SECRET_KEY="a-real-key-chosen-by-the-person-deploying-this")

    assert result.returncode == 0, result.stderr


def test_docker_compose_refuses_to_start_without_a_secret_key() -> None:
    result = _docker_compose_config()

    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text()
    text = re.sub(r"\\\n", " ", text)
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def test_dockerfile_builds_a_non_root_image_of_runtime_dependencies() -> None:
    instructions = _dockerfile_instructions()
    of = {
        keyword: [rest for k, rest in instructions if k == keyword] for keyword, _ in instructions
    }

    assert of["FROM"] == ["python:3.11-slim"]
    assert any("pip install --no-cache-dir -r requirements.txt" in r for r in of["RUN"])
    assert not any("requirements-dev" in rest for _, rest in instructions)
    collectstatic = next(r for r in of["RUN"] if "collectstatic --noinput" in r)
    assert collectstatic.startswith("SECRET_KEY=")
    assert of["USER"][-1] not in {"root", "0"}
    assert of["EXPOSE"] == ["8000"]
    assert "/healthz" in of["HEALTHCHECK"][0]
    # The image's default command is the server that compose starts after migrating.
    web_serve = _command(_service("web"))[2].split("&&")[-1]
    assert json.loads(of["CMD"][-1]) == shlex.split(web_serve)[-2:]


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image() -> None:
    ignored = set((ROOT / ".dockerignore").read_text().split())

    assert {".venv", "var", ".git", ".env", "staticfiles", "test-artifacts"} <= ignored


def _gunicorn_config(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    for name in ("HOST", "PORT", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_config_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    config = _gunicorn_config(monkeypatch)

    assert config["bind"] == "0.0.0.0:8000"
    assert config["workers"] == 2
    assert config["accesslog"] == "-"
    assert 30 <= config["timeout"] <= 120


def test_gunicorn_config_reads_host_port_and_concurrency(monkeypatch: pytest.MonkeyPatch) -> None:
    config = _gunicorn_config(monkeypatch, HOST="127.0.0.1", PORT="9123", WEB_CONCURRENCY="5")

    assert config["bind"] == "127.0.0.1:9123"
    assert config["workers"] == 5


def test_gunicorn_accepts_its_config_file() -> None:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    if gunicorn is None:
        pytest.skip("gunicorn is not installed in this environment")

    result = subprocess.run(
        [gunicorn, "--check-config", "mentorship.wsgi"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
