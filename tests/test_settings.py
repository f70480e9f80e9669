"""The settings module reads the environment and fails loudly on bad values."""

import json
from pathlib import Path

import pytest

SETTINGS_JSON = (
    "import json, procurement_portal.settings as s;"
    "db = s.DATABASES['default'];"
    "print(json.dumps({'debug': s.DEBUG, 'engine': db['ENGINE'], 'name': str(db['NAME']),"
    " 'hosts': s.ALLOWED_HOSTS, 'lang': s.LANGUAGE_CODE, 'tz': s.TIME_ZONE,"
    " 'static': str(s.STATIC_ROOT), 'media': str(s.MEDIA_ROOT)}))"
)


@pytest.fixture
def load_settings(run_portal):
    """Import the settings in a fresh interpreter with exactly these variables."""
    return lambda **env: run_portal("-c", SETTINGS_JSON, **env)


@pytest.fixture
def values(load_settings):
    def read(**env):
        result = load_settings(**env)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    return read


def test_debug_is_off_by_default_and_a_secret_key_is_then_required(load_settings):
    result = load_settings()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_defaults_are_french_paris_and_embedded_sqlite_under_var(values):
    config = values(DJANGO_SECRET_KEY="x" * 50)
    assert config["debug"] is False
    assert config["lang"] == "fr"
    assert config["tz"] == "Europe/Paris"
    assert config["engine"] == "django.db.backends.sqlite3"
    assert config["name"].endswith("var/portal.sqlite3")
    assert config["hosts"] == []


def test_postgres_url_selects_postgresql(values):
    config = values(
        DJANGO_SECRET_KEY="x" * 50, DATABASE_URL="postgres://portal:secret@db.local:5433/portal"
    )
    assert config["engine"] == "django.db.backends.postgresql"
    assert config["name"] == "portal"


def test_postgres_defaults_yield_to_the_options_in_the_url():
    from procurement_portal.environment import database_from_url

    base = Path("/srv/portal")

    default = database_from_url("postgres://portal:p%40ss@db.local/portal", base)
    chosen = database_from_url(
        "postgres://portal@db.local/portal?connect_timeout=2&options=-c%20jit%3Don&sslmode=require",
        base,
    )

    assert default["PASSWORD"] == "p@ss"
    assert default["OPTIONS"] == {
        "connect_timeout": 5,
        "options": "-c jit=off -c random_page_cost=1.1",
    }
    assert (default["CONN_MAX_AGE"], default["CONN_HEALTH_CHECKS"]) == (60, True)
    assert chosen["OPTIONS"] == {"connect_timeout": 2, "options": "-c jit=on", "sslmode": "require"}


def test_a_relative_sqlite_path_is_read_from_the_project():
    from procurement_portal.environment import database_from_url

    base = Path("/srv/portal")
    assert database_from_url("sqlite:///var/x.sqlite3", base)["NAME"] == base / "var" / "x.sqlite3"
    assert database_from_url("sqlite:////data/p.sqlite3", base)["NAME"] == Path("/data/p.sqlite3")


def test_hosts_and_paths_come_from_the_environment(values):
    config = values(
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="portail.example.org, www.portail.example.org",
        DJANGO_STATIC_ROOT="/srv/static",
        DJANGO_MEDIA_ROOT="/srv/media",
    )
    assert config["hosts"] == ["portail.example.org", "www.portail.example.org"]
    assert (config["static"], config["media"]) == ("/srv/static", "/srv/media")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_DEBUG": "peut-être"}, "DJANGO_DEBUG must be one of"),
        ({"DATABASE_URL": "mysql://x/y"}, "unsupported scheme"),
        ({"DATABASE_URL": "postgres://host/"}, "needs a database name"),
        ({"DATABASE_URL": "sqlite://"}, "a sqlite URL needs a file path"),
        ({"DJANGO_CONN_MAX_AGE": "soon", "DATABASE_URL": "postgres://h/db"}, "whole number"),
        ({"DATABASE_URL": "postgres://h:port/db"}, "the port must be a number"),
        ({"DJANGO_LOG_LEVEL": "bavard"}, "DJANGO_LOG_LEVEL must be one of"),
        ({"DJANGO_SITE_URL": "portail.example.org"}, "DJANGO_SITE_URL must be an absolute URL"),
        ({"DJANGO_EMAIL_PORT": "70000"}, "DJANGO_EMAIL_PORT must be at most 65535"),
        ({"PORTAL_EDITORS_EMAILS": "a@example.org, pas-une-adresse"}, "PORTAL_EDITORS_EMAILS"),
    ],
)
def test_bad_values_stop_start_up_with_a_message_naming_the_variable(env, message, load_settings):
    result = load_settings(DJANGO_SECRET_KEY="x" * 50, **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_migrations_are_in_step_with_the_models(run_portal):
    result = run_portal(
        "manage.py", "makemigrations", "--check", "--dry-run", DJANGO_SECRET_KEY="x" * 50
    )
    assert result.returncode == 0, result.stdout + result.stderr
