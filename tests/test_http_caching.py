"""What browsers and shared caches (proxies, CDNs) see of anonymous pages: HEAD is
answered like GET, from the page cache, and pages vary on nothing that splits them."""

import pytest
from django.db import connection

from levers.models import Lever
from practices.models import Practice
from tests.factories import make_practice

PAGES = [
    "/",
    "/pratiques/",
    "/pratiques/?levier=marches-reserves",
    "/leviers/",
    "/pratiques/{slug}/",
]


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600


@pytest.fixture
def practice(content):
    return make_practice(levers=[Lever.objects.get(slug="marches-reserves")], title="Titre initial")


def retitle_behind_the_cache(practice, title):
    table = Practice._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET title = %s WHERE id = %s", [title, practice.pk])  # noqa: S608


@pytest.mark.parametrize("url", PAGES)
def test_head_gets_the_etag_and_cache_headers_of_get(client, practice, url):
    url = url.format(slug=practice.slug)
    head = client.head(url)
    get = client.get(url)

    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == get["ETag"]
    assert head["Cache-Control"] == get["Cache-Control"]
    assert "public" in head["Cache-Control"]


def test_head_is_answered_from_the_page_cache(client, practice, django_assert_num_queries):
    url = practice.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(1):  # the content version only
        assert client.head(url).status_code == 200


def test_a_page_cached_by_head_serves_get_whole(client, practice):
    url = practice.get_absolute_url()
    client.head(url)
    retitle_behind_the_cache(practice, "Titre changé en douce")

    response = client.get(url)

    assert "Titre initial" in response.content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_pages_vary_neither_on_language_nor_on_cookies(client, practice, url):
    response = client.get(url.format(slug=practice.slug), headers={"accept-language": "en"})

    vary = response.get("Vary", "")
    assert "Accept-Language" not in vary
    assert "Cookie" not in vary
    assert '<html lang="fr">' in response.content.decode()


def test_the_admin_stays_in_french_whatever_the_browser_asks(client, db):
    response = client.get("/admin/login/", headers={"accept-language": "en"})

    assert "Nom d’utilisateur" in response.content.decode()
    assert "Accept-Language" not in response.get("Vary", "")
