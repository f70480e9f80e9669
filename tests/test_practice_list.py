"""The practice list /pratiques/: filters, facets, sort, pagination, search (bad input:
tests/test_list_bad_input.py)."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from practices.filters import PracticeFilter
from practices.models import Practice

from .conftest import as_read, html, listed
from .factories import make_lever, make_practice, make_sector

URL = reverse("practices:list")
PAS_DE_CALAIS = "pas-de-calais-marche-insertion-colleges"
ILLE_ET_VILAINE = "ille-et-vilaine-territoire-commerce-equitable"
MEURTHE_ET_MOSELLE = "meurthe-et-moselle-spaser-2021-2026"
MAYOTTE = "mayotte-achat-socialement-responsable"


def text(response):
    return as_read(unescape(html(response)))


# Done-when of the issue, on the reference content ----------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"levier": "commerce-equitable"}, [ILLE_ET_VILAINE]),
        ({"departement": "976"}, [MAYOTTE]),
        ({"region": "32"}, [PAS_DE_CALAIS]),
        ({"q": "cafe"}, [ILLE_ET_VILAINE]),
    ],
)
def test_reference_content_filters_list_the_expected_department_alone(
    client, content, query, expected
):
    assert listed(client.get(URL, query)) == expected


def test_list_without_filters_shows_every_published_practice_most_recent_first(client, content):
    response = client.get(URL)
    assert sorted(listed(response)) == sorted(
        [PAS_DE_CALAIS, ILLE_ET_VILAINE, MEURTHE_ET_MOSELLE, MAYOTTE]
    )
    assert "4 pratiques" in html(response)


def test_unpublished_and_deleted_practices_are_never_listed(client, db):
    visible = make_practice(title="Visible")
    make_practice(title="Brouillon", status=Practice.Status.DRAFT, published_at=None)
    make_practice(title="Programmée", published_at=timezone.now() + timezone.timedelta(days=3))
    make_practice(title="Supprimée", deleted_at=timezone.now())
    assert listed(client.get(URL)) == [visible.slug]


# Each filter ----------------------------------------------------------------


def test_filter_by_lever_lists_only_matching_practices(client, db):
    lever, other = make_lever(), make_lever()
    match = make_practice(levers=[lever, other])
    make_practice(levers=[other])
    assert listed(client.get(URL, {"levier": lever.slug})) == [match.slug]


def test_repeated_lever_means_any_of_them(client, db):
    a, b, c = make_lever(), make_lever(), make_lever()
    pa, pb = make_practice(levers=[a]), make_practice(levers=[b, a])
    make_practice(levers=[c])
    assert set(listed(client.get(URL, {"levier": [a.slug, b.slug]}))) == {pa.slug, pb.slug}


def test_filter_by_repeated_department(client, db):
    p62 = make_practice(department="62")
    p2a = make_practice(department="2A")
    make_practice(department="35")
    response = client.get(URL, {"departement": ["62", "2A"]})
    assert set(listed(response)) == {p62.slug, p2a.slug}


def test_filter_by_region(client, db):
    corse = make_practice(department="2B")
    make_practice(department="62")
    assert listed(client.get(URL, {"region": "94"})) == [corse.slug]


def test_filter_by_sector(client, db):
    sector = make_sector()
    match = make_practice(sectors=[sector])
    make_practice(sectors=[make_sector()])
    assert listed(client.get(URL, {"secteur": sector.slug})) == [match.slug]


def test_filter_by_authority_type(client, db):
    commune = make_practice(authority_type=Practice.AuthorityType.COMMUNE)
    make_practice(authority_type=Practice.AuthorityType.DEPARTMENT)
    assert listed(client.get(URL, {"type_collectivite": "commune"})) == [commune.slug]


def test_filter_by_year_keeps_practices_running_that_year(client, db):
    running = make_practice(start_year=2015, end_year=None)
    ended = make_practice(start_year=2010, end_year=2016)
    make_practice(start_year=2019)
    assert set(listed(client.get(URL, {"annee": "2016"}))) == {running.slug, ended.slug}
    assert listed(client.get(URL, {"annee": "2017"})) == [running.slug]


def test_filters_combine_with_and(client, db):
    lever = make_lever()
    sector = make_sector()
    match = make_practice(levers=[lever], sectors=[sector], department="62")
    make_practice(levers=[lever], sectors=[sector], department="35")
    make_practice(levers=[lever], department="62")
    make_practice(sectors=[sector], department="62")
    query = {"levier": lever.slug, "secteur": sector.slug, "region": "32", "annee": "2020"}
    assert listed(client.get(URL, query)) == [match.slug]


def test_search_combines_with_filters(client, content):
    assert listed(client.get(URL, {"q": "clauses", "departement": "976"})) == [MAYOTTE]
    assert listed(client.get(URL, {"q": "cafe", "levier": "spaser"})) == []


# Search through the page ----------------------------------------------------


@pytest.mark.parametrize("query", ["equitable", "Équitable", "EQUITABLE", "équitables"])
def test_search_is_accent_and_case_insensitive(client, content, query):
    assert ILLE_ET_VILAINE in listed(client.get(URL, {"q": query}))


def test_search_plural_finds_singular(client, content):
    slugs = listed(client.get(URL, {"q": "clause sociale"}))
    assert MAYOTTE in slugs and PAS_DE_CALAIS in slugs


def test_search_with_only_spaces_lists_everything(client, content):
    assert len(listed(client.get(URL, {"q": "   "}))) == 4


def test_search_words_are_highlighted_or_at_least_escaped(client, db):
    make_practice(title="Achat <b>équitable</b>", summary="Du café équitable.")
    body = html(client.get(URL, {"q": "equitable"}))
    assert "<b>équitable</b>" not in body
    assert "&lt;b&gt;" in body


def test_cards_escape_every_text_on_every_page_that_shows_them(client, db):
    lever = make_lever(name="Clauses <i>sociales</i>", slug="clauses-i")
    make_practice(
        title='Achat <b>"équitable"</b>',
        summary="Café & <script>thé</script>",
        authority_name="Ville d'<em>Arras</em>",
        end_year=2024,
        levers=[lever],
    )
    for url in (URL, "/", lever.get_absolute_url()):
        body = html(client.get(url))
        assert "<b>" not in body and "<script>thé" not in body and "<em>" not in body
        assert "<i>sociales" not in body
        assert "Achat &lt;b&gt;&quot;équitable&quot;&lt;/b&gt;" in body, url
        assert "Café &amp; &lt;script&gt;thé&lt;/script&gt;" in body, url
        assert "Ville d&#x27;&lt;em&gt;Arras&lt;/em&gt; · " in body, url
        assert "depuis 2020, jusqu'en 2024</p>" in body, url
        assert "<li>Clauses &lt;i&gt;sociales&lt;/i&gt;</li>" in body, url
    # Only the list page can add a card to the comparison.
    assert 'form="comparer"> <label for="comparer-' in html(client.get(URL))
    assert 'name="pratique"' not in html(client.get("/"))


# Result count, chips, empty result --------------------------------------------


def test_result_count_is_singular_or_plural(client, content):
    assert "1 pratique<" in html(client.get(URL, {"departement": "976"}))
    assert "4 pratiques" in html(client.get(URL))


def test_active_filters_appear_as_chips_that_remove_one_value(client, content):
    response = client.get(URL, {"levier": ["clauses-sociales", "spaser"], "q": "clause"})
    chips = {chip["label"]: chip["url"] for chip in response.context["chips"]}
    assert set(chips) == {
        "« clause »",
        "Levier : Clauses sociales",
        "Levier : SPASER",
    }
    assert chips["Levier : SPASER"] == "?levier=clauses-sociales&q=clause"
    assert chips["« clause »"] == "?levier=clauses-sociales&levier=spaser"
    assert 'href="?levier=clauses-sociales&amp;q=clause"' in html(response)


def test_removing_the_last_chip_goes_back_to_the_plain_list(client, content):
    chips = client.get(URL, {"departement": "976", "page": "1"}).context["chips"]
    assert [chip["url"] for chip in chips] == [URL]


def test_empty_result_says_so_and_offers_to_widen(client, content):
    response = client.get(URL, {"q": "cafe", "levier": "spaser"})
    body = html(response)
    assert "Aucune pratique ne correspond" in body
    assert 'href="?q=cafe"' in body
    assert f'href="{URL}"' in body


def test_feed_and_export_links_keep_the_filters_but_not_the_page(client, content):
    body = html(client.get(URL, {"levier": "spaser", "page": "1"}))
    assert 'href="/pratiques/flux/?levier=spaser"' in body
    assert 'href="/pratiques/export.csv?levier=spaser"' in body
    assert "Suivre ces pratiques (flux Atom)" in body
    assert "Télécharger la liste (CSV)" in body
    assert re.search(
        r'<link rel="alternate" type="application/atom\+xml"[^>]*'
        r'href="/pratiques/flux/\?levier=spaser"',
        body,
    )


# Sort -----------------------------------------------------------------------


def test_sort_by_title(client, db):
    for title in ["Zèbre", "Abeille", "Mésange"]:
        make_practice(title=title)
    titles = [p.title for p in client.get(URL, {"tri": "titre"}).context["practices"]]
    assert titles == ["Abeille", "Mésange", "Zèbre"]


def test_sort_by_most_recent(client, db):
    old = make_practice(published_at=timezone.now() - timezone.timedelta(days=300))
    new = make_practice(published_at=timezone.now() - timezone.timedelta(days=1))
    for sort in ["recent", "récent"]:
        assert listed(client.get(URL, {"tri": sort})) == [new.slug, old.slug]


def test_relevance_is_the_default_sort_of_a_search(client, content):
    response = client.get(URL, {"q": "clauses"})
    assert response.context["sort"] == "pertinence"
    assert 'value="pertinence" selected' in html(response)


def test_relevance_without_a_search_is_shown_as_the_most_recent_order(client, db):
    old = make_practice(published_at=timezone.now() - timezone.timedelta(days=300))
    new = make_practice(published_at=timezone.now() - timezone.timedelta(days=1))
    response = client.get(URL, {"tri": "pertinence", "levier": ""})

    assert listed(response) == [new.slug, old.slug]
    assert response.context["sort"] == "recent"
    assert 'value="recent" selected' in html(response)
    assert 'value="pertinence" selected' not in html(response)


def test_unknown_sort_is_reported_and_falls_back_to_the_default_order(client, db):
    old = make_practice(published_at=timezone.now() - timezone.timedelta(days=300))
    new = make_practice(published_at=timezone.now() - timezone.timedelta(days=1))
    response = client.get(URL, {"tri": "n'importe-quoi"})
    assert listed(response) == [new.slug, old.slug]
    assert "« n'importe-quoi » n'est pas un tri proposé" in as_read(unescape(html(response)))
    assert response.context["sort"] == "recent"
    assert client.get(URL, {"tri": "x", "q": "cafe"}).context["sort"] == "pertinence"
    assert client.get(URL, {"tri": "récent"}).context["sort"] == "recent"


# Pagination -----------------------------------------------------------------


@pytest.fixture
def thirty(db):
    lever = make_lever(slug="insertion")
    return [make_practice(levers=[lever]) for _ in range(30)]


def test_pagination_splits_results_and_keeps_the_filters(client, thirty):
    first = client.get(URL, {"levier": "insertion"})
    assert len(listed(first)) == 12
    assert "30 pratiques" in html(first)
    assert 'href="?levier=insertion&amp;page=2"' in html(first)
    third = client.get(URL, {"levier": "insertion", "page": "3"})
    assert len(listed(third)) == 6
    seen = listed(first) + listed(client.get(URL, {"levier": "insertion", "page": "2"}))
    assert len(set(seen + listed(third))) == 30


def test_list_page_query_count_does_not_grow_with_practices(
    client, thirty, django_assert_max_num_queries
):
    with django_assert_max_num_queries(7):
        response = client.get(URL, {"levier": "insertion", "page": "2"})
    assert len(listed(response)) == 12


def test_cards_name_their_levers_in_lever_order_without_a_query_of_their_own(client, page_cache):
    second = make_lever(name="Zèbre", position=1)
    first = make_lever(name="Achat", position=2)
    third = make_lever(name="Alpaga", position=2)
    make_practice(levers=[third, first, second], title="Trois leviers")
    make_practice(title="Sans levier")
    client.get(URL)  # the levers' names, kept under the content version
    with CaptureQueriesContext(connection) as queries:
        page = client.get(URL, {"q": "leviers"}).content.decode()
    assert not any("levers_lever" in query["sql"] for query in queries.captured_queries)
    tags = re.findall(r'<ul class="tags" aria-label="Leviers">(.*?)</ul>', page, re.S)
    assert [re.findall(r"<li>(.*?)</li>", tag) for tag in tags] == [["Zèbre", "Achat", "Alpaga"]]


@pytest.mark.parametrize(("page", "expected"), [("abc", 1), ("9999", 3), ("-1", 1), ("0", 1)])
def test_bad_page_numbers_show_a_page_instead_of_failing(client, thirty, page, expected):
    response = client.get(URL, {"page": page})
    assert response.status_code == 200
    assert response.context["page_obj"].number == expected


def test_public_interface_for_feed_api_and_export(db):
    """Others reuse the filter set exactly like this; it must keep working."""
    from django.http import QueryDict

    make_practice(department="976")
    filterset = PracticeFilter(
        QueryDict("departement=976&tri=titre"), queryset=Practice.objects.published()
    )
    assert filterset.qs.count() == 1
    assert not filterset.errors
    assert "departement" in filterset.form.fields
