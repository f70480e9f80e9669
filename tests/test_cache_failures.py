"""A cache that fails (Redis down, or not installed) never turns a page into a 500."""

from pathlib import Path

import pytest
from django.core.cache.backends.base import BaseCache
from django.urls import reverse

from levers.models import Lever
from practices.models import Practice
from tests.factories import make_practice

ROOT = Path(__file__).resolve().parent.parent
BROKEN = {"BACKEND": "tests.test_cache_failures.BrokenCache"}


class BrokenCache(BaseCache):
    """Raises on every read and write, as RedisCache does while Redis is unreachable."""

    calls = []

    def __init__(self, location, params):
        super().__init__(params)

    def _fail(self, operation):
        BrokenCache.calls.append(operation)
        raise ConnectionError(f"cache {operation}: connection refused")

    def get(self, key, default=None, version=None):
        self._fail("get")

    def set(self, key, value, timeout=None, version=None):
        self._fail("set")

    def add(self, key, value, timeout=None, version=None):
        self._fail("add")

    def incr(self, key, delta=1, version=None):
        self._fail("incr")

    def touch(self, key, timeout=None, version=None):
        self._fail("touch")

    def delete(self, key, version=None):
        self._fail("delete")

    def has_key(self, key, version=None):
        self._fail("has_key")

    def clear(self):
        self._fail("clear")


@pytest.fixture
def broken_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.CACHES = {"default": BROKEN, "ratelimit": BROKEN}
    BrokenCache.calls = []
    return BrokenCache.calls


@pytest.fixture
def practice(content):
    return make_practice(levers=[Lever.objects.get(slug="marches-reserves")], title="Titre sûr")


@pytest.mark.parametrize(
    "url", ["/", "/pratiques/", "/pratiques/?levier=marches-reserves", "/pratiques/{slug}/"]
)
def test_pages_answer_when_every_cache_call_fails(client, practice, broken_cache, url, caplog):
    response = client.get(url.format(slug=practice.slug))

    assert response.status_code == 200
    assert "Titre sûr" in response.content.decode()
    # The page cache did try (and so did the facet labels on list pages).
    assert {"get", "set"} <= set(broken_cache)
    assert "cache" in caplog.text.lower()
    assert "connection refused" in caplog.text


def test_filtered_lists_still_label_their_facets_when_the_cache_fails(
    client, practice, broken_cache
):
    response = client.get("/pratiques/?levier=marches-reserves")

    assert response.status_code == 200
    # Three reads (the page, the facet labels, the facet counts) and three writes, each
    # failing.
    assert broken_cache.count("get") == 3
    assert broken_cache.count("set") == 3
    assert "Marchés réservés" in response.content.decode()


def test_proposals_are_accepted_when_the_rate_limit_cache_fails(
    client, content, broken_cache, caplog
):
    from tests.factories import proposal_data

    lever = Lever.objects.get(slug="marches-reserves")
    response = client.post(reverse("practices:propose"), proposal_data(lever))

    assert response.status_code == 302
    assert Practice.objects.filter(status=Practice.Status.PROPOSED).count() == 1
    # Both the check before validation and the count after it were tried, and failed.
    assert broken_cache.count("add") == 2
    assert caplog.text.count("Rate limit proposals unavailable, submission allowed") == 2


def test_redis_url_without_the_redis_package_stops_start_up(run_portal):
    # As if `pip install '.[redis]'` had been forgotten, whether or not it is installed here.
    code = "import sys; sys.modules['redis'] = None; import procurement_portal.settings"
    result = run_portal(
        "-c", code, DJANGO_SECRET_KEY="x" * 50, REDIS_URL="redis://127.0.0.1:6379/0"
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "REDIS_URL" in result.stderr
    assert ".[redis]" in result.stderr


# The default backend's own failures: diskcache raises (OSError, sqlite3 errors) and the
# page cache reads that as a miss, as for Redis.


def on_disk(settings, location):
    settings.PAGE_CACHE_SECONDS = 600
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "LOCATION": location},
    }
    return location


def test_pages_answer_when_the_cache_directory_cannot_be_created(
    client, practice, settings, tmp_path, caplog
):
    (tmp_path / "blocked").write_text("a file where a directory should be")
    on_disk(settings, tmp_path / "blocked" / "pagecache")

    response = client.get("/pratiques/")

    assert response.status_code == 200
    assert "Titre sûr" in response.content.decode()
    assert "Cache unavailable, read as a miss" in caplog.text
    assert "Cache unavailable, nothing stored" in caplog.text


def test_a_corrupt_cache_database_is_a_miss_and_the_page_is_built(
    client, practice, settings, tmp_path, caplog
):
    disk_cache = on_disk(settings, tmp_path / "pagecache-corrupt")
    assert client.get("/pratiques/").status_code == 200
    databases = sorted(disk_cache.glob("*/cache.db"))
    assert databases  # diskcache's shards, each a SQLite database
    for database in databases:
        database.write_bytes(b"not a database" * 512)
        for journal in database.parent.glob("cache.db-*"):
            journal.unlink()
    # As a worker started on the damaged directory (this one keeps its connections).
    on_disk(settings, disk_cache)
    Practice.objects.filter(pk=practice.pk).update(title="Titre reconstruit")

    response = client.get("/pratiques/")

    assert response.status_code == 200
    assert "Titre reconstruit" in response.content.decode()
    assert "file is not a database" in caplog.text
