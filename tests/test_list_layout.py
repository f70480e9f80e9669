"""The list page's filter panel on a phone and with a keyboard (server side; the browser
scenarios are in tests/browser/test_list_phone_keyboard.py)."""

import re
from html import unescape

from django.urls import reverse

from practices.views import canonical_query

URL = reverse("practices:list")


def html(response):
    return response.content.decode()


def canonical(response):
    return unescape(re.search(r'<link rel="canonical" href="([^"]+)">', html(response)).group(1))


def test_filters_fold_behind_a_summary_that_counts_the_active_ones(client, content):
    page = unescape(html(client.get(URL, {"levier": ["spaser", "clauses-sociales"], "q": "x"})))
    assert '<details class="filters" id="filtres-panneau">' in page
    assert 'Filtrer <span class="filters__count">(2 actifs)</span></summary>' in page
    assert '<summary class="filters__toggle">Filtrer</summary>' in html(client.get(URL))


def test_the_panel_is_open_when_a_filter_needs_correcting(client, content):
    assert '<details class="filters" id="filtres-panneau" open>' in html(
        client.get(URL, {"annee": "abc"})
    )


def test_departments_are_one_select_with_unambiguous_counts(client, content):
    page = html(client.get(URL))
    assert '<select name="departement" id="id_departement">' in page
    assert 'type="checkbox" name="departement"' not in page
    assert '<option value="35">Ille-et-Vilaine (35) — 1 pratique</option>' in page
    assert "Bretagne — 1 pratique</option>" in page


def test_a_shared_link_with_several_departments_keeps_them_all(client, content):
    page = html(client.get(URL, {"departement": ["35", "976"]}))
    assert '<option value="35" selected>' in page
    assert re.search(r'name="departement" value="976" id="[^"]+" checked', page)
    assert "Autres départements choisis" in page


def test_the_canonical_link_has_no_empty_or_default_parameters(client, content):
    response = client.get(URL + "?q=&annee=&tri=recent&levier=spaser&region=&page=1")
    assert canonical(response) == "http://testserver/pratiques/?levier=spaser"
    response = client.get(URL + "?q=cafe&tri=pertinence&tri2=")
    assert canonical(response) == "http://testserver/pratiques/?q=cafe"
    response = client.get(URL + "?tri=pertinence&levier=spaser")  # nothing to rank
    assert canonical(response) == "http://testserver/pratiques/?levier=spaser"
    response = client.get(URL + "?q=cafe&tri=recent&page=2")  # one page of results
    assert canonical(response) == "http://testserver/pratiques/?q=cafe&tri=recent"
    assert 'href="/pratiques/flux/?q=cafe&amp;tri=recent"' in html(response)


def test_the_canonical_link_names_the_page_shown(client, db):
    from .factories import make_practice

    for _ in range(13):
        make_practice()
    assert canonical(client.get(URL, {"page": "2", "annee": ""})).endswith("/pratiques/?page=2")
    assert canonical(client.get(URL, {"page": "99"})).endswith("/pratiques/?page=2")


def test_canonical_query_keeps_repeated_values(rf, content):
    from practices.filters import PracticeFilter
    from practices.models import Practice

    request = rf.get(URL, {"levier": ["spaser", "", "clauses-sociales"], "annee": ""})
    filterset = PracticeFilter(request.GET, queryset=Practice.objects.published(), request=request)
    assert canonical_query(request.GET, filterset) == "levier=spaser&levier=clauses-sociales"


def test_the_list_loads_its_script_from_the_site_only(client, content):
    page = html(client.get(URL))
    assert re.search(r'<script src="/static/js/practice-list[^"]*\.js" defer></script>', page)
    assert "<script>" not in page
