# ruff: noqa: S603 - a benchmark runs its own commands, nothing from outside
"""The benchmark's databases: PostgreSQL created and filled, SQLite filled, and the SQL
queries each page makes."""

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchlib.config import (
    DATABASE_URL,
    ENV,
    PRACTICES,
    PYTHON,
    ROOT,
    SQLITE_ENV,
    SQLITE_PRACTICES,
    SQLITE_URL,
    log,
    manage,
)


def ensure_database():
    from urllib.parse import urlsplit

    parts = urlsplit(DATABASE_URL)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        sys.exit("make bench needs PostgreSQL: set DATABASE_URL=postgres://…")
    name = parts.path.lstrip("/")
    conn = connect("postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def connect(dbname=None):
    from urllib.parse import urlsplit

    import psycopg2

    parts = urlsplit(DATABASE_URL)
    return psycopg2.connect(
        dbname=dbname or parts.path.lstrip("/"),
        user=parts.username,
        password=parts.password,
        host=parts.hostname,
        port=parts.port or 5432,
    )


def vacuum(*tables):
    conn = connect()
    conn.autocommit = True
    with conn.cursor() as cursor:
        # Rewritten first, as if the practices had been loaded once: each run replaces
        # the previous run's practices, and the space they leave would otherwise double
        # the table and make a run depend on the ones before (searches read the rows).
        cursor.execute(f"VACUUM (FULL) {', '.join(tables)}")
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")
    conn.close()


def prepare():
    log(f"Database {DATABASE_URL.rsplit('@', 1)[-1]}: migrate, content, {PRACTICES} practices")
    ensure_database()
    manage("migrate", "--noinput", "-v", "0")
    manage("load_content", "-v", "0")
    shutil.rmtree(ENV["PORTAL_PAGE_CACHE_DIR"], ignore_errors=True)
    started = time.perf_counter()
    manage("generate_practices", "--practices", str(PRACTICES))
    print(f"generate_practices: {time.perf_counter() - started:.1f} s")
    # A compact table, then what autovacuum would do on a live database after a bulk
    # load: visibility map and planner statistics.
    vacuum(
        "practices_practice",
        "practices_practice_levers",
        "practices_practice_sectors",
        "practices_practice_partners",
        "practices_keyfigure",
    )
    manage("collectstatic", "--noinput", "-v", "0")
    manifest = json.loads(
        (Path(ENV["DJANGO_STATIC_ROOT"]) / "staticfiles.json").read_text(encoding="utf-8")
    )
    return "/static/" + manifest["paths"]["css/portal.css"]


QUERY_COUNT_SCRIPT = """
import json, os
import django
django.setup()
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client()
counts = {}
for path in json.loads(os.environ["BENCH_PATHS"]):
    client.get(path)  # warm connections and lazy module-level state
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    counts[path] = [len(queries), status]
print("COUNTS" + json.dumps(counts))
"""


def prepare_sqlite():
    path = Path(SQLITE_URL.removeprefix("sqlite:///"))
    log(f"SQLite {path}: migrate, content, {SQLITE_PRACTICES} practices")
    path.unlink(missing_ok=True)
    shutil.rmtree(SQLITE_ENV["PORTAL_PAGE_CACHE_DIR"], ignore_errors=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    manage("migrate", "--noinput", "-v", "0", env=SQLITE_ENV)
    manage("load_content", "-v", "0", env=SQLITE_ENV)
    started = time.perf_counter()
    manage("generate_practices", "--practices", str(SQLITE_PRACTICES), env=SQLITE_ENV)
    print(
        f"generate_practices (SQLite, full-text index included): "
        f"{time.perf_counter() - started:.1f} s"
    )


def count_queries(paths, env=None):
    """SQL queries per page, in-process through the test client, page cache empty."""
    result = subprocess.run(
        [PYTHON, "-c", QUERY_COUNT_SCRIPT],
        cwd=ROOT,
        env={
            **(env or ENV),
            "BENCH_PATHS": json.dumps(paths),
            "DJANGO_SETTINGS_MODULE": "procurement_portal.settings",
            "DJANGO_ALLOWED_HOSTS": "testserver",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    line = next((x for x in result.stdout.splitlines() if x.startswith("COUNTS")), None)
    if line is None:
        sys.exit(f"Query count failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(line[len("COUNTS") :])
