"""How the settings read the environment: each helper returns a value of the expected
type or stops the start-up with ImproperlyConfigured, naming the variable.

procurement_portal.settings is the one settings module; this is only its parsing, kept
apart so that the values stay readable there.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}."
    )


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: set[str]) -> str:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().upper()
    if value not in choices:
        raise ImproperlyConfigured(
            f"{name} must be one of {', '.join(sorted(choices))}; got {raw!r}."
        )
    return value


def env_url(name: str) -> str:
    """An absolute http(s) URL without a trailing slash, or "" when unset."""
    raw = os.environ.get(name, "").strip()
    parts = urlsplit(raw)
    if raw and (parts.scheme not in {"http", "https"} or not parts.netloc):
        raise ImproperlyConfigured(
            f"{name} must be an absolute URL such as https://portail.example.org; got {raw!r}."
        )
    return raw.rstrip("/")


POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql"}


def database_from_url(url: str, base_dir: Path) -> dict:
    """DATABASE_URL (sqlite:///path or postgres://user:pass@host:port/name), read by
    dj-database-url, with this project's choices for each engine; a relative SQLite path
    starts at `base_dir`."""
    scheme = urlsplit(url).scheme
    if scheme not in {"sqlite", *POSTGRES_SCHEMES}:
        raise ImproperlyConfigured(
            f"DATABASE_URL: unsupported scheme {scheme!r}; use sqlite:///… or postgres://…"
        )
    try:
        config = dj_database_url.parse(url)
    except ValueError:
        raise ImproperlyConfigured(
            "DATABASE_URL is not a valid URL: the port must be a number, and a password's "
            "special characters %-encoded."
        ) from None
    name = config.get("NAME", "")
    if scheme == "sqlite":
        if name in {"", ":memory:"}:
            raise ImproperlyConfigured("DATABASE_URL: a sqlite URL needs a file path.")
        config["NAME"] = Path(name) if Path(name).is_absolute() else base_dir / name
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL;",
        }
        return config
    if not name:
        raise ImproperlyConfigured("DATABASE_URL: a postgres URL needs a database name.")
    config["PORT"] = str(config.get("PORT") or "")
    # Kept open for a minute, but checked before reuse (CONN_HEALTH_CHECKS): after a
    # database restart the broken connection is dropped and a new one opened at the next
    # request, without restarting gunicorn (procurement_portal.outage).
    config["CONN_MAX_AGE"] = env_int("DJANGO_CONN_MAX_AGE", 60)
    config["CONN_HEALTH_CHECKS"] = True
    # An unreachable host (failover) must not hold a worker for long: the page cache
    # answers meanwhile. JIT compilation off: the facet and search queries cost just over
    # the JIT threshold, and compiling them took ~100-150 ms of a ~300 ms query at
    # 100,000 practices (EXPLAIN ANALYZE: "JIT: Emission 129 ms") for no gain on an OLTP
    # workload. random_page_cost 1.1, as for a database held in memory or on SSD: with 4
    # (spinning disks) the planner read every row for a synonym search rather than take its
    # 3,677 matches from the search index (in-process at 10,000 practices, two runs each:
    # 24.4 and 24.2 -> 21.4 and 19.8 ms; the other scenarios unchanged). DATABASE_URL's
    # ?connect_timeout= and ?options= win.
    config["OPTIONS"] = {
        "connect_timeout": 5,
        "options": "-c jit=off -c random_page_cost=1.1",
        **config.get("OPTIONS", {}),
    }
    return config


def env_email(name: str, value: str) -> str:
    try:
        validate_email(value)
    except ValidationError:
        raise ImproperlyConfigured(f"{name}: {value!r} is not an email address.") from None
    return value
