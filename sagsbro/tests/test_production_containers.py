"""The Dockerfile and compose.yaml, checked without a container runtime: they run the
repository's gunicorn configuration and management commands, give production settings every
variable they insist on, probe readiness at /readyz/, and install the locked dependencies.
(`scripts/smoke_production` starts the same processes without containers.)"""

import re
import shlex
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands

ROOT = Path(settings.BASE_DIR)
APP_SERVICES = ("migrate", "web", "worker", "sealer")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def dockerfile():
    """The Dockerfile's instructions, continuation lines joined, comments left out."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def required_environment():
    """The variables production settings refuse to start without."""
    source = (ROOT / "sagsbro" / "settings" / "production.py").read_text()
    names = set(re.findall(r'if not os\.environ\.get\("(\w+)"\)', source))
    assert names >= {"DATABASE_URL", "SAGSBRO_SECRET_KEY", "SAGSBRO_AUDIT_KEYS"}
    return names


def command_of(service):
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def assert_runs_in_the_repository(command):
    """A command the image can run: gunicorn with the repository's config file, or one of
    the project's management commands."""
    if command[0] == "gunicorn":
        assert command[1:3] == ["-c", "gunicorn.conf.py"], command
        assert (ROOT / "gunicorn.conf.py").is_file()
    else:
        assert command[:2] == ["python", "manage.py"], command
        assert command[2] in get_commands(), f"no management command {command[2]}"


def test_compose_has_the_production_processes(compose):
    services = compose["services"]
    assert set(services) >= {*APP_SERVICES, "db", "minio"}
    assert command_of(services["web"])[0] == "gunicorn"
    assert command_of(services["worker"])[2:] == ["db_worker"]
    assert command_of(services["sealer"])[2:] == ["seal_audit_log", "--loop"]
    assert command_of(services["migrate"])[2:] == ["migrate", "--no-input"]
    assert services["migrate"]["restart"] == "no"
    for name in APP_SERVICES:
        assert_runs_in_the_repository(command_of(services[name]))
    assert services["db"]["image"] == "postgres:15"
    assert services["minio"]["image"].startswith("minio/minio")


def test_compose_gives_production_settings_what_they_require(compose):
    required = required_environment()
    for name in APP_SERVICES:
        environment = compose["services"][name]["environment"]
        assert environment["DJANGO_SETTINGS_MODULE"] == "sagsbro.settings.production"
        missing = required - set(environment)
        assert not missing, f"{name} lacks {sorted(missing)}"
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert "@db:5432/" in environment["DATABASE_URL"]
    # The processes start after the database is up and migrated.
    for name in ("web", "worker", "sealer"):
        depends_on = compose["services"][name]["depends_on"]
        assert depends_on["db"]["condition"] == "service_healthy"
        assert depends_on["migrate"]["condition"] == "service_completed_successfully"


def test_compose_web_listens_where_gunicorn_binds_and_probes_readyz(compose):
    web = compose["services"]["web"]
    port = web["environment"]["SAGSBRO_WEB_BIND"].rsplit(":", 1)[1]
    assert any(str(mapping).endswith(f":{port}") for mapping in web["ports"])
    assert f"127.0.0.1:{port}/readyz/" in " ".join(web["healthcheck"]["test"])
    # The other processes serve no HTTP, so the image's HTTP health check is off for them.
    for name in ("worker", "sealer", "migrate"):
        assert compose["services"][name]["healthcheck"] == {"disable": True}


def test_dockerfile_builds_the_production_image(dockerfile):
    froms = [rest for keyword, rest in dockerfile if keyword == "FROM"]
    assert froms[-1].startswith("python:3.13-slim")
    runs = " ".join(rest for keyword, rest in dockerfile if keyword == "RUN")
    # Locked dependencies with their hashes; WeasyPrint's Pango; the npm packages; static files.
    assert "pip install --require-hashes -r requirements/base.txt" in runs
    assert (ROOT / "requirements" / "base.txt").is_file()
    assert "libpango-1.0-0" in runs and "libpangoft2-1.0-0" in runs
    # LibreOffice for the worker's conversions of attached office files to PDF.
    assert "libreoffice-writer-nogui" in runs and "libreoffice-calc-nogui" in runs
    assert "npm ci" in runs
    assert "manage.py collectstatic" in runs
    # Every file or folder copied from the build context exists in the repository.
    for keyword, rest in dockerfile:
        if keyword == "COPY" and not rest.startswith("--from"):
            *sources, _target = rest.split()
            for source in sources:
                assert (ROOT / source).exists(), source
    users = [rest for keyword, rest in dockerfile if keyword == "USER"]
    assert users and users[-1] not in ("root", "0")
    (cmd,) = [rest for keyword, rest in dockerfile if keyword == "CMD"]
    assert_runs_in_the_repository(yaml.safe_load(cmd))
    (healthcheck,) = [rest for keyword, rest in dockerfile if keyword == "HEALTHCHECK"]
    assert "http://127.0.0.1:8000/readyz/" in healthcheck
    expose = [rest for keyword, rest in dockerfile if keyword == "EXPOSE"]
    assert expose == ["8000"]


def test_the_image_leaves_local_state_out():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for name in (".git", ".venv", "node_modules", "var", "staticfiles", "*.sqlite3"):
        assert name in ignored


def test_gunicorn_config_takes_workers_and_bind_from_the_environment(monkeypatch):
    monkeypatch.setenv("SAGSBRO_WEB_WORKERS", "3")
    monkeypatch.setenv("SAGSBRO_WEB_BIND", "127.0.0.1:8123")
    config: dict = {}
    exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), config)
    assert config["workers"] == 3
    assert config["bind"] == ["127.0.0.1:8123"]
    assert config["wsgi_app"] == "sagsbro.wsgi:application"
    assert config["preload_app"] is True
    assert config["max_requests"] > 0 and 0 < config["max_requests_jitter"] < config["max_requests"]
    assert config["logconfig_dict"]["formatters"]["default"]["()"].endswith("JsonFormatter")
    monkeypatch.delenv("SAGSBRO_WEB_WORKERS")
    config = {}
    exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), config)
    assert 3 <= config["workers"] <= 12
