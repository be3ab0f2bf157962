"""The production packaging a deployer relies on: docker-compose.yml, the Dockerfile and the code they name.

No Docker engine is needed: the files are parsed and the modules, URLs and settings they refer to are checked
against the project. No database either.
"""

import ast
import importlib
import importlib.util
import json
import re
import shlex
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from django.conf import settings
from django.test import Client, override_settings
from django.urls import resolve

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("migrate", "web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def command(service: dict) -> list[str]:
    cmd = service.get("command") or []
    return shlex.split(cmd) if isinstance(cmd, str) else [str(part) for part in cmd]


def runs_celery(service: dict, subcommand: str) -> bool:
    return command(service)[:4] == ["celery", "-A", "prm", subcommand]


def named_volumes(service: dict) -> dict[str, str]:
    """source -> target of the service's volumes that are named (not bind mounts)."""
    mounts = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
        else:
            source, target = volume.get("source", ""), volume["target"]
        if source and not source.startswith((".", "/", "~")):
            mounts[source] = target
    return mounts


def healthcheck_text(service: dict) -> str:
    test = service["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else test


def test_the_stack_has_every_service(services):
    assert {"postgres", "redis", "migrate", "web", "worker", "beat"} <= set(services)


def test_every_app_service_is_built_from_the_dockerfile_as_one_image(services):
    images = set()
    for name in APP_SERVICES:
        build = services[name]["build"]
        context = build if isinstance(build, str) else build.get("context", ".")
        dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
        assert (ROOT / context / dockerfile).resolve() == (ROOT / "Dockerfile").resolve(), name
        images.add(services[name].get("image"))
    assert len(images) == 1, "web, worker, beat and migrate must run the same build"


def test_app_services_share_the_production_environment(services, compose):
    volumes = set(compose.get("volumes") or {})
    for name in APP_SERVICES:
        env = services[name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "prm.settings.production", name
        assert ":?" in env["SECRET_KEY"], f"{name}: SECRET_KEY must be required, never defaulted"
        for key in ("ALLOWED_HOSTS", "SITE_URL", "EMAIL_URL", "MEDIA_ROOT"):
            assert env.get(key), f"{name}: {key} missing"
        database = urlsplit(env["DATABASE_URL"])
        assert (database.scheme, database.hostname, database.port) == ("postgres", "postgres", 5432), name
        assert urlsplit(env["REDIS_URL"]).hostname == "redis", name
    # Uploads are kept on a named volume by every service that reads or writes them.
    media_root = services["web"]["environment"]["MEDIA_ROOT"]
    for name in ("web", "worker"):
        mounted = {target: source for source, target in named_volumes(services[name]).items()}
        assert mounted.get(media_root) in volumes, f"{name}: MEDIA_ROOT {media_root} is not on a named volume"


def test_the_database_url_logs_in_as_the_postgres_services_own_user(services):
    database = urlsplit(services["web"]["environment"]["DATABASE_URL"])
    postgres_env = services["postgres"]["environment"]
    assert database.username == postgres_env["POSTGRES_USER"]
    assert database.path.lstrip("/") == postgres_env["POSTGRES_DB"]
    assert "POSTGRES_PASSWORD" in database.password and "POSTGRES_PASSWORD" in postgres_env["POSTGRES_PASSWORD"]


def test_web_runs_gunicorn_on_the_wsgi_application(services):
    cmd = command(services["web"])
    assert cmd[0] == "gunicorn"
    assert "prm.wsgi:application" in cmd
    assert "0.0.0.0:8000" in cmd
    assert settings.WSGI_APPLICATION == "prm.wsgi.application"
    spec = importlib.util.find_spec("prm.wsgi")
    assert spec is not None and spec.origin
    # Read, not imported: importing it would build the application. It must define `application`.
    tree = ast.parse(Path(spec.origin).read_text())
    assigned = {target.id for node in tree.body if isinstance(node, ast.Assign) for target in node.targets}
    assert "application" in assigned


def test_worker_and_beat_run_the_prm_celery_app(services):
    assert runs_celery(services["worker"], "worker")
    assert runs_celery(services["beat"], "beat")
    celery_module = importlib.import_module("prm.celery")
    assert isinstance(celery_module.app, Celery)
    # `celery -A prm` resolves to that app.
    assert find_app("prm") is celery_module.app


def test_there_is_exactly_one_beat(services):
    beats = [name for name, service in services.items() if runs_celery(service, "beat")]
    embedded_beats = [name for name, service in services.items() if {"-B", "--beat"} & set(command(service))]
    assert beats == ["beat"]
    assert embedded_beats == [], "a worker started with -B is a second beat"
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1


def test_beat_keeps_its_schedule_on_a_named_volume(services, compose):
    cmd = command(services["beat"])
    schedule = cmd[cmd.index("-s") + 1]
    mounts = named_volumes(services["beat"])
    assert any(schedule.startswith(target.rstrip("/") + "/") for target in mounts.values()), schedule
    assert set(mounts) <= set(compose["volumes"])


def test_every_scheduled_task_exists():
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        module, _, name = entry["task"].rpartition(".")
        assert hasattr(importlib.import_module(module), name), entry["task"]


@pytest.mark.parametrize(
    ("name", "probe", "data_dir"),
    [("postgres", "pg_isready", "/var/lib/postgresql/data"), ("redis", "redis-cli ping", "/data")],
)
def test_backing_services_have_healthchecks_and_named_volumes(services, compose, name, probe, data_dir):
    assert probe in healthcheck_text(services[name])
    mounts = named_volumes(services[name])
    assert data_dir in mounts.values(), f"{name} data would be lost with the container"
    assert set(mounts) <= set(compose["volumes"])


def test_services_start_in_order(services):
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert command(services["migrate"])[:3] == ["python", "manage.py", "migrate"]
    assert services["migrate"].get("restart", "no") == "no", "a one-shot job must not be restarted"
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["redis"]["condition"] == "service_healthy", name


def test_worker_has_a_healthcheck(services):
    assert "inspect ping" in healthcheck_text(services["worker"])


def test_the_healthz_url_resolves():
    assert resolve("/healthz").url_name == "healthz"


def test_web_healthcheck_gets_200_from_production_security_settings(services, monkeypatch):
    """Run the healthcheck's own code and answer its request as production would: behind SECURE_SSL_REDIRECT
    and ALLOWED_HOSTS a bare request to 127.0.0.1 gets 301 or 400, and the container never becomes healthy."""
    test = services["web"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    sent = []
    monkeypatch.setattr(urllib.request, "urlopen", lambda request, timeout=None: sent.append(request))
    monkeypatch.setenv("ALLOWED_HOSTS", ".prm.example.com,prm.example.net")
    exec(test[3], {})  # noqa: S102 - our own compose file
    (request,) = sent
    url = urlsplit(request.full_url)
    assert (url.hostname, url.port, url.path) == ("127.0.0.1", 8000, "/healthz")
    headers = {key.lower(): value for key, value in request.header_items()}
    production = {
        "ALLOWED_HOSTS": [".prm.example.com", "prm.example.net"],
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    }
    meta = {"HTTP_" + key.upper().replace("-", "_"): value for key, value in headers.items() if key != "host"}
    with override_settings(**production):
        response = Client().get(url.path, HTTP_HOST=headers["host"], **meta)
        assert response.status_code == 200
        assert Client().get(url.path, HTTP_HOST="127.0.0.1").status_code == 400  # why the Host header is sent


def test_dockerfile_builds_static_files_and_runs_unprivileged(dockerfile):
    stages = re.findall(r"^FROM\s+(\S+)", dockerfile, re.MULTILINE)
    assert any(image.startswith("node:") for image in stages)
    assert any(image.startswith("python:3.11-slim") for image in stages)
    assert "npm ci" in dockerfile
    assert re.search(r"^COPY --from=\S+ \S*node_modules", dockerfile, re.MULTILINE)
    assert re.search(r"pip install[^\n]* \.$", dockerfile, re.MULTILINE), "the project is installed with pip"
    assert "collectstatic --noinput" in dockerfile
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.MULTILINE)
    assert users, "the image must not run as root"
    assert users[-1].split(":")[0] not in {"root", "0"}
    assert re.search(r"^EXPOSE\s+8000\b", dockerfile, re.MULTILINE)


def test_dockerfile_collectstatic_satisfies_production_settings(dockerfile):
    """production.py refuses a SECRET_KEY under 50 characters, which would fail the build at collectstatic."""
    instructions = re.split(r"\n(?=[A-Z]+\s)", dockerfile)
    run = next(block for block in instructions if block.startswith("RUN") and "collectstatic" in block)
    key = re.search(r"SECRET_KEY=(\S+)", run)
    assert key and len(key.group(1)) >= 50
    assert "DJANGO_SETTINGS_MODULE=prm.settings.production" in run


def test_front_end_packages_read_by_staticfiles_are_installed_by_npm():
    packages = set(json.loads((ROOT / "package.json").read_text())["dependencies"])
    locked = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    for entry in settings.STATICFILES_DIRS:
        path = Path(entry[1] if isinstance(entry, tuple) else entry)
        if "node_modules" in path.parts:
            package = path.parts[path.parts.index("node_modules") + 1]
            assert package in packages, f"{package} is read by STATICFILES_DIRS but not in package.json"
            assert f"node_modules/{package}" in locked, f"{package} is missing from package-lock.json (npm ci)"


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image():
    ignored = {line.strip().removeprefix("**/") for line in (ROOT / ".dockerignore").read_text().splitlines()}
    for entry in (".venv", "node_modules", ".local", ".git", "staticfiles", ".env"):
        assert entry in ignored, entry


def test_compose_trusts_the_one_reverse_proxy_in_front_of_web(services):
    """Behind the proxy REMOTE_ADDR is the proxy for everyone: without this every visitor would share one
    rate-limit bucket (the application page, logins)."""
    for name in ("web", "worker"):
        env = services[name]["environment"]
        assert env["PRM_TRUSTED_PROXY_COUNT"] == "${PRM_TRUSTED_PROXY_COUNT:-1}", name
        assert "PRM_TRUSTED_CLIENT_IP_HEADER" in env, name
