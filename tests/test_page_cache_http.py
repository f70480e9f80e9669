"""What anonymous visitors and shared caches get: no cookie, ETag and 304, HEAD, Vary,
gzip, one page per host; and the pages never cached."""

import pytest

from procurement_portal.page_cache import cache_key
from tests.conftest import retitle_behind_the_cache

pytestmark = pytest.mark.usefixtures("page_cache")

PUBLIC_PAGES = ["/", "/pratiques/", "/pratiques/?levier=marches-reserves", "/leviers/"]


@pytest.mark.parametrize("url", [*PUBLIC_PAGES, "/pratiques/{slug}/"])
def test_anonymous_pages_open_no_session_set_no_cookie_and_do_not_vary_on_cookies(
    client, practice, url
):
    response = client.get(url.format(slug=practice.slug))
    assert response.status_code == 200
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert "public" in response["Cache-Control"]


@pytest.mark.parametrize("url", [*PUBLIC_PAGES, "/pratiques/{slug}/"])
def test_unchanged_pages_are_answered_304_with_their_etag(client, practice, url):
    url = url.format(slug=practice.slug)
    etag = client.get(url)["ETag"]
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""


def test_a_cached_page_costs_one_query(client, practice, django_assert_num_queries):
    client.get("/pratiques/")
    with django_assert_num_queries(1):
        assert client.get("/pratiques/").status_code == 200


def cached_page(client, url):
    """The page the cache holds for this address (None if it holds none)."""
    from django.core.cache import cache
    from django.test import RequestFactory

    request = RequestFactory().get(url)  # the test client's host and scheme
    entry = cache.get(cache_key(request))  # (content version, time stored, response)
    return None if entry is None else entry[2]


def test_pages_with_a_csrf_token_are_never_cached(client, content):
    first = client.get("/proposer/")
    assert first.status_code == 200
    assert "csrfmiddlewaretoken" in first.content.decode()
    assert "public" not in first.get("Cache-Control", "")
    assert cached_page(client, "/proposer/") is None
    # Whereas a page without a form is there, under the key looked up above.
    client.get("/leviers/")
    assert cached_page(client, "/leviers/") is not None


def test_nothing_is_cached_when_the_page_cache_is_off(client, practice, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = practice.get_absolute_url()
    client.get(url)
    retitle_behind_the_cache(practice, "Titre sans cache")
    assert "Titre sans cache" in client.get(url).content.decode()


def test_pages_are_gzipped_for_browsers_that_accept_it(client, practice):
    response = client.get("/pratiques/", headers={"accept-encoding": "gzip, br"})
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]


def test_each_host_gets_its_own_absolute_links_and_unknown_hosts_a_400(client, practice, settings):
    settings.ALLOWED_HOSTS = ["portail.example.org", "www.portail.example.org"]
    url = practice.get_absolute_url()
    first = client.get(url, headers={"host": "portail.example.org"})
    assert "http://portail.example.org/" in first.content.decode()
    second = client.get(url, headers={"host": "www.portail.example.org"})
    assert "http://www.portail.example.org/" in second.content.decode()
    assert client.get(url, headers={"host": "pirate.example"}).status_code == 400


# HEAD, and what shared caches (proxies, CDNs) see ------------------------------


@pytest.mark.parametrize("url", [*PUBLIC_PAGES, "/pratiques/{slug}/"])
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


@pytest.mark.parametrize("url", [*PUBLIC_PAGES, "/pratiques/{slug}/"])
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
