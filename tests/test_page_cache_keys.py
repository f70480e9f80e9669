"""The page cache's keys and memory: unknown parameters, large pages, a bound in bytes."""

import pytest

from practices.models import Practice
from tests.conftest import as_read, retitle_behind_the_cache, stored_bytes

pytestmark = pytest.mark.usefixtures("page_cache")


def test_unknown_parameters_neither_make_new_entries_nor_reach_the_page(client, practice):

    first = client.get("/pratiques/?levier=marches-reserves")
    size = stored_bytes()
    assert size > 0
    for n in range(20):
        response = client.get(f"/pratiques/?utm_source=lettre-{n}&levier=marches-reserves&x={n}")
        assert response.content == first.content  # links keep no unknown parameter
    assert stored_bytes() == size
    assert "utm_source" not in first.content.decode()


def test_known_parameters_make_one_key_whatever_their_order(client, practice, content):

    client.get("/pratiques/?levier=marches-reserves&tri=titre")
    size = stored_bytes()
    assert size > 0
    response = client.get("/pratiques/?tri=titre&zzz=1&levier=marches-reserves")
    assert response.status_code == 200
    assert stored_bytes() == size
    assert client.get("/pratiques/?tri=recent&levier=marches-reserves").status_code == 200
    assert stored_bytes() > size


@pytest.mark.parametrize("url", ["/sitemap.xml", "/leviers/", "/pratiques/{slug}/", "/api/"])
def test_pages_that_read_no_parameter_have_one_key(client, practice, url):

    url = url.format(slug=practice.slug)
    client.get(url)
    size = stored_bytes()
    assert size > 0
    for n in range(5):
        assert client.get(f"{url}?x={n}&p={n}&page={n}").status_code == 200
    assert stored_bytes() == size


def test_a_page_over_the_size_limit_is_built_each_time_not_stored(client, practice, settings):

    settings.PAGE_CACHE_MAX_ENTRY_BYTES = 1000
    response = client.get("/pratiques/")
    assert response.status_code == 200
    assert stored_bytes() < len(response.content)  # the facet labels only
    retitle_behind_the_cache(practice, "Titre hors cache")
    assert "Titre hors cache" in client.get("/pratiques/").content.decode()


def test_pages_keep_the_parameters_they_read(client, practice, content):
    # The page cache drops undeclared parameters for visitors: each view that reads one
    # declares it (@query_parameters), or the page silently loses it.
    second = Practice.objects.published().exclude(pk=practice.pk).first()
    compared = client.get(f"/pratiques/comparer/?pratique={practice.slug}&pratique={second.slug}")
    assert practice.title in as_read(compared.content.decode())
    assert second.title in as_read(compared.content.decode())

    contact_done = client.get(f"/pratiques/{practice.slug}/contacter/merci/?transmis=0")
    assert "sera transmis dès que possible" in contact_done.content.decode()

    alert_form = client.get("/alertes/?levier=clauses-sociales")
    assert 'value="clauses-sociales"' in alert_form.content.decode()
