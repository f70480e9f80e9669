"""A real database outage, against a real gunicorn (2 workers) on PostgreSQL.

The test database stops taking connections (`ALTER DATABASE … ALLOW_CONNECTIONS false`,
which its owner may run from another database, and pg_terminate_backend of the
workers' connections, allowed for backends of one's own role), then takes them again.
Meanwhile cached pages are served by both workers with their ETag, anything else answers
503 (French page, JSON for the API, "nothing saved" for a POST), /healthz answers 503;
afterwards pages are built again without restarting gunicorn.
"""

import json
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import psycopg2
import pytest
from django.db import connection

from tests.factories import make_practice
from tests.servers import ROOT, gunicorn_server, http_request, portal_environment

pytestmark = [
    pytest.mark.postgres,
    # Restores the migration-made territories that an earlier transactional test flushed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def get(port, path, headers=None):
    return http_request(port, "GET", path, headers=headers)


def admin_connection():
    """A connection to the `postgres` database: a database cannot be closed to
    connections from inside itself."""
    params = connection.get_connection_params()
    params["dbname"] = "postgres"
    conn = psycopg2.connect(**params)
    conn.autocommit = True
    return conn


def allow_connections(allowed):
    name = connection.settings_dict["NAME"]
    with admin_connection() as conn, conn.cursor() as cursor:
        cursor.execute(
            f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"true" if allowed else "false"}'
        )
        if not allowed:
            # Every backend but this test's own: the workers' connections.
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> %s",
                [name, connection.connection.info.backend_pid],
            )


@pytest.fixture
def gunicorn(tmp_path, content):
    settings = connection.settings_dict
    env = portal_environment(
        DJANGO_SECRET_KEY="x" * 50,
        DATABASE_URL=(
            f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}"
        ),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_PAGE_CACHE_SECONDS="600",
        DJANGO_LOG_LEVEL="CRITICAL",
        PORTAL_RATE_LIMIT_CACHE_DIR=str(tmp_path / "ratelimit"),
        PORTAL_PAGE_CACHE_DIR=str(tmp_path / "pagecache"),
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
    )
    # Production settings serve hashed static names: the manifest must exist.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    log = tmp_path / "access.log"
    access_log = ("--access-logfile", str(log), "--access-logformat", "%(p)s %(r)s %(s)s")
    try:
        with gunicorn_server(env, workers=2, extra_args=access_log) as (_, port):
            yield port, log
    finally:
        allow_connections(True)


def workers_that_answered(lines, path, status):
    pattern = re.compile(rf"^<(\d+)> GET {re.escape(path)} HTTP/1\.1 {status}$")
    return {m[1] for line in lines if (m := pattern.match(line))}


def test_cached_pages_survive_a_database_outage_and_pages_are_built_again_after(gunicorn):
    port, log = gunicorn
    practice = make_practice(title="Pratique servie pendant la panne")
    page = f"/pratiques/{practice.slug}/"
    status, headers, fresh = get(port, page)
    assert status == 200
    etag = headers["ETag"]
    # A CSRF token and its cookie, taken before the outage as a visitor's form holds them.
    status, headers, form = get(port, "/proposer/")
    assert status == 200
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1].decode()
    cookie = headers["Set-Cookie"].split(";")[0]

    time.sleep(0.5)  # the access log is written after each response
    before = len(log.read_text().splitlines())
    allow_connections(False)
    try:
        # Concurrent requests, so that both workers answer: each serves the page the
        # other may have stored (the file cache is shared).
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda _: get(port, page), range(24)))
        assert {a[0] for a in answers} == {200}
        assert {a[1]["ETag"] for a in answers} == {etag}
        assert all(a[2] == fresh for a in answers)
        assert get(port, page, {"If-None-Match": etag})[0] == 304

        status, headers, body = get(port, "/pratiques/?tri=titre")
        assert status == 503
        assert headers["Retry-After"] == "30"
        assert "Le portail est momentanément indisponible" in body.decode()

        status, headers, body = get(port, "/api/pratiques/?levier=marches-reserves")
        assert status == 503
        assert "momentanément indisponible" in json.loads(body)["message"]

        post_headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Referer": f"http://127.0.0.1:{port}/",
        }
        for path, data in (
            ("/proposer/", {"title": "Pendant la panne", "contact_email": "a@example.org"}),
            ("/alertes/", {"email": "lecteur@example.org"}),
        ):
            body = urlencode({"csrfmiddlewaretoken": token, **data})
            status, headers, answer = http_request(port, "POST", path, body, post_headers)
            assert status == 503, path
            assert "rien n&#x27;a été enregistré" in answer.decode(), path

        assert get(port, "/healthz")[0] == 503
    finally:
        allow_connections(True)

    # Back: built again at once, by every worker, without restarting anything.
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: get(port, "/pratiques/?tri=titre"), range(12)))
    assert {a[0] for a in answers} == {200}
    assert get(port, "/healthz")[0] == 200

    time.sleep(0.5)
    lines = log.read_text().splitlines()[before:]
    assert len(workers_that_answered(lines, page, 200)) == 2, "both workers served the page"
    assert len(workers_that_answered(lines, "/pratiques/?tri=titre", 200)) == 2
