"""Without REDIS_URL the page cache lives in diskcache's files under
PORTAL_PAGE_CACHE_DIR, shared by the server's workers and bounded in bytes."""

import json

import pytest

# A worker process: stores `count` entries of 100 KB each (a list page weighs 20–100 KB),
# then says which ones the cache still holds and how much it weighs (diskcache's public
# API, as another process would read it).
FILL = """
import json, sys, django
django.setup()
from diskcache import FanoutCache
from django.conf import settings
from django.core.cache import cache
count = int(sys.argv[1])
for n in range(count):
    cache.set(f"page-{n}", bytes(100 * 2**10), 600)
default = settings.CACHES["default"]
with FanoutCache(default["LOCATION"], default["SHARDS"], **default["OPTIONS"]) as stored:
    volume = stored.volume()
kept = [n for n in range(count) if cache.get(f"page-{n}") is not None]
print(json.dumps({"kept": kept, "volume": volume, "limit": default["OPTIONS"]["size_limit"]}))
"""


@pytest.fixture
def fill(run_portal, tmp_path):
    def run(count, **env):
        result = run_portal(
            "-c",
            FILL,
            str(count),
            DJANGO_SECRET_KEY="x" * 50,
            PORTAL_PAGE_CACHE_DIR=str(tmp_path / "pagecache"),
            **env,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])

    return run


def test_the_page_cache_is_bounded_in_megabytes_from_the_environment(fill):
    filled = fill(300, DJANGO_PAGE_CACHE_MAX_MB="16")

    assert filled["limit"] == 16 * 2**20
    # 30 MB written, 16 MB kept at most (each shard culls its ten oldest entries when
    # over its share): the entries stored first went first, the last ones are there.
    assert filled["volume"] <= 16 * 2**20
    assert 100 <= len(filled["kept"]) < 160
    assert set(range(290, 300)) <= set(filled["kept"])
    assert not set(range(10)) & set(filled["kept"])


def test_below_its_bound_the_page_cache_keeps_every_entry(fill):
    filled = fill(300)

    assert filled["limit"] == 256 * 2**20
    assert filled["kept"] == list(range(300))
    assert filled["volume"] >= 300 * 100 * 2**10


@pytest.mark.parametrize(
    ("env", "messages"),
    [
        # Each shard's share must hold the largest page.
        ({"DJANGO_PAGE_CACHE_MAX_MB": "2"}, ["DJANGO_PAGE_CACHE_MAX_MB must be at least 16"]),
        # A deployment that bounded its cache in entries must not silently lose its bound.
        (
            {"DJANGO_PAGE_CACHE_MAX_ENTRIES": "2000"},
            [
                "ImproperlyConfigured",
                "DJANGO_PAGE_CACHE_MAX_ENTRIES is no longer read",
                "DJANGO_PAGE_CACHE_MAX_MB",
            ],
        ),
    ],
)
def test_a_bound_the_page_cache_cannot_keep_stops_start_up_saying_why(run_portal, env, messages):
    result = run_portal(
        "-c", "import procurement_portal.settings", DJANGO_SECRET_KEY="x" * 50, **env
    )

    assert result.returncode != 0
    for message in messages:
        assert message in result.stderr


def test_the_cache_connections_stay_open_after_a_request(client, content, settings):
    # Django closes every cache after each request; closing diskcache's SQLite connections
    # checkpoints their write-ahead log (fsync) and the next request opens them again:
    # 2.3 ms a write instead of 0.5 (procurement_portal.disk_cache). While a connection
    # is open its log file stays; SQLite deletes it when the last one closes.
    settings.PAGE_CACHE_SECONDS = 600
    directory = settings.CACHES["default"]["LOCATION"]

    assert client.get("/leviers/").status_code == 200

    assert list(directory.glob("*/cache.db-wal"))


def test_a_write_lock_held_elsewhere_costs_the_page_its_storage_not_its_answer(
    client, content, settings
):
    # A process holding every shard's write lock (a paused worker, a shell left in a
    # transaction): pages still answer, at once, and are simply not stored. diskcache's
    # own DjangoCache waits for the lock forever: the alarm turns that into a failure.
    import signal
    import sqlite3

    from django.core.cache import caches

    def waited(signum, frame):
        raise TimeoutError("the request waited for the cache's write lock")

    settings.PAGE_CACHE_SECONDS = 600
    assert client.get("/leviers/").status_code == 200  # opens this thread's connections
    directory = settings.CACHES["default"]["LOCATION"]
    holders = [sqlite3.connect(path, isolation_level=None) for path in directory.glob("*/cache.db")]
    assert len(holders) == settings.CACHES["default"]["SHARDS"]
    previous = signal.signal(signal.SIGALRM, waited)
    try:
        for holder in holders:
            holder.execute("BEGIN IMMEDIATE")
        # Every 10 s, so that a wait the request's own error handling swallows (a cache
        # failure is a miss) cannot hang the test either.
        signal.setitimer(signal.ITIMER_REAL, 10, 10)
        stored = caches["default"].set("une-page", "contenu")
        response = client.get("/pratiques/")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        for holder in holders:
            holder.execute("ROLLBACK")
            holder.close()

    assert response.status_code == 200
    assert stored is False
    assert caches["default"].get("une-page") is None
    assert caches["default"].set("une-page", "contenu") is True


def test_the_page_cache_directory_is_created_for_its_owner_alone(tmp_path):
    # Its values are pickled: whoever could write there could run code as the portal.
    from procurement_portal.disk_cache import PageDiskCache

    directory = tmp_path / "pagecache"
    PageDiskCache(str(directory), {"SHARDS": 2}).set("une-page", "contenu")

    assert directory.stat().st_mode & 0o777 == 0o700
