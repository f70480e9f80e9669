"""The practice list's facets: counts that apply every filter but their own, with and
without a search, their checkboxes, and their cost in queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from practices.models import Practice

from .conftest import facet, html, listed
from .factories import make_lever, make_practice, make_sector

URL = reverse("practices:list")


def test_facet_counts_on_reference_content(client, content):
    response = client.get(URL)
    levers = facet(response, "levier")
    assert levers["clauses-sociales"] == 3
    assert levers["commerce-equitable"] == 1
    assert levers["marches-reserves"] == 0
    assert facet(response, "region")["32"] == 1
    assert facet(response, "departement") == {"35": 1, "54": 1, "62": 1, "976": 1}
    assert facet(response, "type_collectivite")["departement"] == 4
    assert 'Commerce équitable <span class="count">— 1 pratique</span>' in html(response)


def test_region_choices_are_in_french_alphabetical_order(client, db):
    # Sorted on the raw name, « Île-de-France » came after « Provence-Alpes-Côte d'Azur »,
    # where nobody looks for it; the departments page and the site map file it under I.
    names = re.findall(r'<option value="\d+">([^<]+?) —', html(client.get(URL)))
    assert names.index("Hauts-de-France") + 1 == names.index("Île-de-France")
    assert names.index("Île-de-France") + 1 == names.index("La Réunion")
    assert names[-1] == "Provence-Alpes-Côte d&#x27;Azur"


def test_facet_counts_apply_the_other_filters_but_not_their_own(client, content):
    response = client.get(URL, {"levier": "commerce-equitable"})
    # Other levers still show how many practices they would add.
    assert facet(response, "levier")["clauses-sociales"] == 3
    # Other facets only count within the chosen lever.
    assert facet(response, "departement") == {"35": 1}
    assert facet(response, "region")["53"] == 1
    assert facet(response, "region")["32"] == 0
    sectors = facet(response, "secteur")
    assert sectors["alimentation"] == 1 and sectors["travaux"] == 0


def test_facet_counts_follow_the_search(client, content):
    response = client.get(URL, {"q": "cafe"})
    assert facet(response, "levier")["commerce-equitable"] == 1
    assert facet(response, "levier")["clauses-sociales"] == 0


@pytest.mark.parametrize("search", ["", "cantine"])
def test_lever_and_sector_filters_in_facets_match_whole_ids_only(client, db, search):
    # The facets read each practice's lever and sector ids from its row ("1,11"): lever 1
    # must not match a practice of lever 11 alone, nor 11 one of lever 1.
    one = make_lever(pk=1, slug="un")
    eleven = make_lever(pk=11, slug="onze")
    other = make_lever(pk=21, slug="vingt-et-un")
    sector = make_sector(pk=1, slug="cantines")
    wide_sector = make_sector(pk=111, slug="cantines-larges")
    summary = "Une cantine responsable."
    make_practice(levers=[eleven], sectors=[wide_sector], department="62", summary=summary)
    make_practice(levers=[one, other], sectors=[sector], department="35", summary=summary)
    make_practice(levers=[other], sectors=[sector, wide_sector], department="54", summary=summary)
    make_practice(levers=[one], department="976", summary=summary)

    response = client.get(URL, {"q": search, "levier": "un"})
    assert response.context["count"] == 2
    assert facet(response, "departement") == {"35": 1, "976": 1}
    assert facet(response, "secteur") == {"cantines": 1, "cantines-larges": 0}
    assert facet(response, "levier") == {"un": 2, "onze": 1, "vingt-et-un": 2}

    response = client.get(
        URL, {"q": search, "levier": ["onze", "vingt-et-un"], "secteur": "cantines"}
    )
    assert response.context["count"] == 2
    assert facet(response, "departement") == {"35": 1, "54": 1}
    assert facet(response, "levier") == {"un": 1, "onze": 0, "vingt-et-un": 2}
    assert facet(response, "secteur") == {"cantines": 2, "cantines-larges": 2}


def test_a_search_with_a_lever_ranks_the_practices_of_that_lever_by_relevance(client, db):
    # The facet query ranks only the matches that pass the lever filter (the others are
    # counted in the lever facet, never shown).
    chosen, other = make_lever(slug="choisi"), make_lever(slug="autre")
    make_practice(levers=[other], title="Cantine bio, cantine locale", slug="hors-levier")
    # Newer (the factory dates each practice a day before the previous one): first if the
    # results were sorted by date rather than by relevance.
    make_practice(levers=[chosen], summary="Une cantine parmi d'autres achats.", slug="moins")
    make_practice(levers=[chosen, other], title="Cantine solidaire", slug="plus")
    make_practice(levers=[chosen], title="Voirie", slug="sans-rapport")

    response = client.get(URL, {"q": "cantine", "levier": "choisi", "tri": "pertinence"})

    assert listed(response) == ["plus", "moins"]
    assert facet(response, "levier") == {"choisi": 2, "autre": 2}


def test_selected_department_without_results_stays_in_its_facet(client, content):
    response = client.get(URL, {"departement": "2A"})
    assert listed(response) == []
    choices = {c["value"]: c for c in response.context["facets"]["departement"]}
    assert choices["2A"]["selected"] and choices["2A"]["count"] == 0


def test_facet_checkboxes_are_labelled_escaped_and_ticked_when_chosen(client, db):
    chosen = make_sector(name="Cafés & <bistrots>", slug="cafes")
    other = make_sector(name="Nettoyage")
    make_practice(sectors=[chosen])
    page = html(client.get(URL, {"secteur": "cafes"}))
    assert "Cafés &amp; &lt;bistrots&gt;" in page and "<bistrots>" not in page
    boxes = re.findall(
        r'<input type="checkbox" name="secteur" value="([^"]+)" id="([^"]+)"([^>]*)>', page
    )
    assert {value: checked.strip() for value, _, checked in boxes} == {
        "cafes": "checked",
        other.slug: "",
    }
    ids = re.findall(r'<input type="checkbox"[^>]* id="([^"]+)"', page)
    assert len(ids) == len(set(ids)) > 2
    for id_ in ids:
        assert f'<label for="{id_}">' in page
    # A choice without results is greyed out, a chosen one never.
    assert '<li class="facet__choice facet__choice--empty">' in page


def test_facet_counts_take_a_constant_number_of_queries(
    client, page_cache, django_assert_max_num_queries
):
    # At most 8 with the page cache's own lookup, whatever the filters in use.
    levers = [make_lever() for _ in range(5)]
    sectors = [make_sector() for _ in range(5)]
    for i in range(30):
        make_practice(
            levers=levers[: 1 + i % 5],
            sectors=sectors[i % 5 : i % 5 + 2],
            department=["62", "35", "54", "976", "2A"][i % 5],
        )
    query = {"levier": levers[0].slug, "secteur": sectors[0].slug, "q": "pratique"}
    with django_assert_max_num_queries(8):
        response = client.get(URL, query)
    assert response.context["count"] > 0
    every_filter = {
        "levier": [levers[0].slug, levers[1].slug],
        "secteur": [sectors[0].slug, sectors[1].slug],
        "departement": ["62", "35"],
        "region": "32",
        "type_collectivite": "departement",
        "annee": "2020",
        "q": "pratique",
        "tri": "titre",
    }
    with django_assert_max_num_queries(8):
        response = client.get(URL, every_filter)
    assert response.context["count"] > 0
    with django_assert_max_num_queries(8):
        client.get(URL, {"page": "2"})


def test_other_pages_and_sorts_of_a_filter_set_reuse_its_facet_counts_until_content_changes(
    client, page_cache, committed
):
    lever = make_lever()
    for i in range(30):
        make_practice(levers=[lever], department=["62", "35"][i % 2], title=f"Pratique {i}")
    query = {"levier": lever.slug, "q": "pratique"}
    with CaptureQueriesContext(connection) as built:
        first = client.get(URL, query)
    assert first.context["count"] == 30
    # The same filters, another page and sort: the page's own query, not the facets'.
    with CaptureQueriesContext(connection) as reused:
        second = client.get(URL, {**query, "page": "2", "tri": "titre"})
    assert [q for q in built.captured_queries if "'rows:'" in q["sql"]]
    assert not [q for q in reused.captured_queries if "'rows:'" in q["sql"]]
    assert len(reused) < len(built)
    assert facet(second, "departement") == facet(first, "departement") == {"62": 15, "35": 15}
    assert second.context["count"] == 30
    # A search's ranked page, once the counts are cached: still every practice once.
    pages = [client.get(URL, {**query, "page": str(n)}) for n in (2, 3)]
    shown = listed(first) + [slug for page in pages for slug in listed(page)]
    assert sorted(shown) == sorted(p.slug for p in Practice.objects.all())
    with committed():
        make_practice(levers=[lever], department="62", title="Pratique nouvelle")
    third = client.get(URL, {**query, "page": "2", "tri": "titre"})
    assert facet(third, "departement") == {"62": 16, "35": 15}
