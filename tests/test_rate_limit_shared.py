"""The proposal rate limit is one count per address for the whole server (all gunicorn
workers), and for every app server with REDIS_URL: not one count per process."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# One worker process: counts `n` proposals from one address and prints what hit() said.
WORKER = """
import json, sys, django
django.setup()
from django.test import RequestFactory
from django.conf import settings
from procurement_portal.rate_limit import RateLimit
limit = RateLimit(
    RequestFactory().post("/proposer/", REMOTE_ADDR="203.0.113.9"),
    "proposals",
    settings.PORTAL_PROPOSALS_PER_HOUR,
)
hits = [limit.hit() for _ in range(int(sys.argv[1]))]
print(json.dumps({"hits": hits, "exceeded": limit.exceeded()}))
"""

CACHES = """
import json, sys, types
if "--fake-redis" in sys.argv:
    sys.modules["redis"] = types.ModuleType("redis")  # the settings only check the import
from django.conf import settings
caches = {alias: {k: str(v) for k, v in c.items()} for alias, c in settings.CACHES.items()}
print(json.dumps(caches))
"""


@pytest.fixture
def run(run_portal):
    """Run `code` with these arguments, as a production server (a secret key, nothing
    else of this shell's)."""
    return lambda code, *args, **env: run_portal(
        "-c", code, *args, **{"DJANGO_SECRET_KEY": "x" * 50, **env}
    )


def last_json_line(result):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_worker_processes_of_one_server_share_one_count(tmp_path, run):
    env = {
        "PORTAL_RATE_LIMIT_CACHE_DIR": str(tmp_path / "ratelimit"),
        "PORTAL_PROPOSALS_PER_HOUR": "3",
    }

    first = last_json_line(run(WORKER, "2", **env))
    second = last_json_line(run(WORKER, "2", **env))

    assert first == {"hits": [True, True], "exceeded": False}
    # The third proposal is allowed, the fourth is not, though this worker saw only two.
    assert second == {"hits": [True, False], "exceeded": True}
    # Django created the directory.
    assert any((tmp_path / "ratelimit").iterdir())


def test_the_count_is_kept_in_files_under_var_by_default(run):
    caches = last_json_line(run(CACHES))

    assert caches["ratelimit"]["BACKEND"].endswith("FileBasedCache")
    assert caches["ratelimit"]["LOCATION"] == str(ROOT / "var" / "ratelimit")
    assert caches["ratelimit"]["TIMEOUT"] == "3600"
    # The page cache too: diskcache's files shared by the workers (served while the
    # database is down, procurement_portal.outage), bounded in bytes
    # (tests/test_page_cache_storage.py).
    assert caches["default"]["BACKEND"] == "procurement_portal.disk_cache.PageDiskCache"
    assert caches["default"]["LOCATION"] == str(ROOT / "var" / "pagecache")
    assert f"'size_limit': {256 * 2**20}," in caches["default"]["OPTIONS"]


def test_a_relative_directory_is_read_from_the_project_root(run):
    caches = last_json_line(run(CACHES, PORTAL_RATE_LIMIT_CACHE_DIR="var/limites"))

    assert caches["ratelimit"]["LOCATION"] == str(ROOT / "var" / "limites")


def test_a_file_in_place_of_the_directory_stops_start_up(tmp_path, run):
    (tmp_path / "ratelimit").write_text("")

    result = run(CACHES, PORTAL_RATE_LIMIT_CACHE_DIR=str(tmp_path / "ratelimit"))

    assert result.returncode != 0
    assert "PORTAL_RATE_LIMIT_CACHE_DIR must be a directory" in result.stderr


def test_redis_url_shares_the_count_between_app_servers(run):
    caches = last_json_line(run(CACHES, "--fake-redis", REDIS_URL="redis://cache.internal:6379/0"))

    for alias in ("default", "ratelimit"):
        assert caches[alias]["BACKEND"].endswith("RedisCache")
        assert caches[alias]["LOCATION"] == "redis://cache.internal:6379/0"
    assert caches["default"]["KEY_PREFIX"] != caches["ratelimit"]["KEY_PREFIX"]


@pytest.mark.django_db
def test_each_test_starts_with_no_proposal_counted(client):
    # Tests count in memory, cleared before each test (tests/conftest.py): counts from
    # an earlier test, or from a browser test's live server, never reach this one.
    from django.test import RequestFactory

    from procurement_portal.rate_limit import RateLimit

    limit = RateLimit(RequestFactory().post("/proposer/"), "proposals", 1)
    assert not limit.exceeded()
    assert limit.hit()
    assert limit.exceeded()
    assert not limit.hit()
