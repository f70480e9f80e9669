"""A real gunicorn worker, with the shipped gunicorn.conf.py and production settings:
its memory stays put whatever query strings visitors send (500 requests, each with an
unknown parameter of its own), and it believes no forwarded header."""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.servers import ROOT, gunicorn_server, http_request, portal_environment

REQUESTS = 500
ALLOWED_GROWTH_MB = 20

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="reads a worker's memory in /proc"
)


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def get(port, path, headers=None):
    status, _, body = http_request(port, "GET", path, headers=headers)
    return status, body


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    """One sync worker on a SQLite database with 1,500 practices (a ~0.5 MB sitemap)."""
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    env = portal_environment(
        DJANGO_SECRET_KEY="x" * 50,
        DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_PAGE_CACHE_SECONDS="600",
        DJANGO_LOG_LEVEL="WARNING",
        PORTAL_RATE_LIMIT_CACHE_DIR=str(tmp_path / "ratelimit"),
        PORTAL_PAGE_CACHE_DIR=str(tmp_path / "pagecache"),
    )
    for command in (
        ["migrate", "--noinput", "-v", "0"],
        ["load_content", "-v", "0"],
        ["generate_practices", "--practices", "1500"],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    with gunicorn_server(env) as (server, port):
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        assert len(children) == 1
        yield port, int(children[0])


def test_distinct_unknown_parameters_leave_a_worker_s_memory_where_it_was(gunicorn):
    port, worker = gunicorn
    status, body = get(port, "/sitemap.xml")
    assert status == 200
    assert len(body) > 200_000, "a sitemap large enough for growth to show"
    for n in range(20):  # warm-up: imports, connection, allocator
        get(port, f"/sitemap.xml?warm={n}")
    before = rss_mb(worker)

    deadline = time.monotonic() + 240
    for n in range(REQUESTS):
        status, again = get(port, f"/sitemap.xml?x={n}")
        assert status == 200
        assert time.monotonic() < deadline, f"only {n} requests in 240 s"
    assert again == body

    growth = rss_mb(worker) - before
    assert growth < ALLOWED_GROWTH_MB, f"the worker grew by {growth:.0f} MB"


def test_gunicorn_believes_no_forwarded_proto_header(gunicorn):
    port, _ = gunicorn
    # From 127.0.0.1, as nginx would pass on a header the client forged. gunicorn's
    # default would make this request HTTPS for Django; its sitemap links would say so.
    status, body = get(port, "/sitemap.xml?p=1", {"X-Forwarded-Proto": "https"})
    assert status == 200
    assert b"<loc>http://127.0.0.1" in body
    assert b"<loc>https://" not in body


def test_the_shipped_gunicorn_conf_sets_what_docs_deploy_md_says():
    import runpy

    from gunicorn.config import Config

    config = Config()
    for name, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if name in config.settings:
            config.set(name, value)
    assert config.forwarded_allow_ips == []
    assert config.timeout == 60
    assert config.bind == ["127.0.0.1:8000"]
    assert config.worker_class_str == "sync"
