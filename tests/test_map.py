"""The map of practices per département: /carte/ (the list's filters), /departements/, home."""

import json
import re
from html import unescape
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from practices import landscape
from practices.models import Department
from tests.conftest import as_read

from .factories import make_lever, make_practice, make_sector

URL = reverse("practices:map")
GEO_SOURCE = Path("/work/shared/data/geo/departements-avec-outre-mer.geojson")


def html(response):
    assert response.status_code == 200
    return as_read(response.content.decode())


def shape_links(body):
    """{accessible name: href} of the map's linked shapes."""
    return {
        unescape(title): unescape(href)
        for href, title in re.findall(
            r'<a href="([^"]*)" tabindex="-1" class="dep-map__link"><title>([^<]*)</title>', body
        )
    }


def unlinked_shapes(body):
    return {unescape(t) for t in re.findall(r'role="img" d="[^"]*"><title>([^<]*)</title>', body)}


def table_rows(body):
    table = re.search(r'<table class="data-table">.*?</table>', body, re.S).group(0)
    return [
        (unescape(name), int(count), unescape(href))
        for name, href, count in re.findall(
            r'<th scope="row">([^<]*)</th><td class="num"><a href="([^"]*)">(\d+)', table
        )
    ]


# Done-when of the issue, on the reference content ----------------------------------------


def test_fair_trade_colours_and_links_ille_et_vilaine_alone(client, content):
    response = client.get(URL, {"levier": "commerce-equitable"})
    body = html(response)
    assert shape_links(body) == {
        "Ille-et-Vilaine (35) : 1 pratique": "/pratiques/?levier=commerce-equitable&departement=35"
    }
    coloured = [s["code"] for s in response.context["map"]["shapes"] if s["css"] != "map-c0"]
    assert coloured == ["35"]
    assert table_rows(body) == [
        ("Ille-et-Vilaine (35)", 1, "/pratiques/?levier=commerce-equitable&departement=35")
    ]
    assert "Aucune pratique" in body and "1 pratique" in body  # legend


def test_every_department_has_a_shape_named_with_its_count(client, content):
    body = html(client.get(URL))
    names = set(shape_links(body)) | unlinked_shapes(body)
    assert len(names) == 101
    assert "Corse-du-Sud (2A) : aucune pratique" in names
    assert "Haute-Corse (2B) : aucune pratique" in names
    assert "Guadeloupe (971) : aucune pratique" in names
    assert shape_links(body)["Mayotte (976) : 1 pratique"] == "/pratiques/?departement=976"
    # A département without practices is not a link.
    assert not any(name.startswith("Corse-du-Sud") for name in shape_links(body))


def test_followed_links_give_the_counted_practices(client, content):
    body = html(client.get(URL, {"levier": "clauses-sociales"}))
    rows = table_rows(body)
    assert [count for _, count, _ in rows] == [1, 1, 1]
    for _, count, href in rows:
        assert client.get(href).context["count"] == count


def test_links_keep_the_evidence_level_so_the_list_shows_the_counted_practices(client, db):
    make_practice(department="35", evidence_level="evalue")
    make_practice(department="35")
    body = html(client.get(URL, {"preuve": "evalue"}))

    (href,) = shape_links(body).values()
    assert href == "/pratiques/?preuve=evalue&departement=35"
    assert client.get(href).context["count"] == 1
    assert '<a href="/pratiques/?preuve=evalue">' in body


def test_links_replace_the_department_filter_and_keep_the_others(client, db):
    lever = make_lever(slug="insertion")
    make_practice(department="35", levers=[lever])
    make_practice(department="62", levers=[lever])
    make_practice(department="62")
    query = {"levier": "insertion", "departement": ["35", "62"], "tri": "titre", "page": "3"}
    links = shape_links(html(client.get(URL, query)))
    assert links == {
        "Ille-et-Vilaine (35) : 1 pratique": "/pratiques/?levier=insertion&departement=35",
        "Pas-de-Calais (62) : 1 pratique": "/pratiques/?levier=insertion&departement=62",
    }


def test_table_is_sorted_by_count_and_lists_only_departments_with_practices(client, db):
    for code in ["35", "62", "62", "976", "976", "976"]:
        make_practice(department=code)
    rows = table_rows(html(client.get(URL)))
    assert [(name, count) for name, count, _ in rows] == [
        ("Mayotte (976)", 3),
        ("Pas-de-Calais (62)", 2),
        ("Ille-et-Vilaine (35)", 1),
    ]


def test_no_result_says_so_and_draws_an_empty_map(client, content):
    body = html(client.get(URL, {"levier": "spaser", "region": "53"}))
    assert "Aucune pratique ne correspond à ces critères" in body
    assert shape_links(body) == {}
    assert len(unlinked_shapes(body)) == 101


@pytest.mark.parametrize(
    "query",
    [
        {"levier": "inconnu"},
        {"annee": "abc"},
        {"annee": "99999999999999999999"},
        {"q": "café\x00"},
        {"departement": ["35", "xx"]},
    ],
)
def test_bad_parameters_get_a_french_message_and_are_ignored(client, content, query):
    response = client.get(URL, query)
    body = html(response)
    assert "Certains critères n'ont pas pu être appliqués" in body
    # The valid part still applies; the bad value never reaches a link.
    for href in shape_links(body).values():
        assert "inconnu" not in href and "abc" not in href and "xx" not in href


def test_a_repeated_single_valued_parameter_counts_as_on_the_list(client, content):
    # As on the list: the last value of a repeated `region` applies.
    response = client.get(URL, {"region": ["53", "32"]})
    assert html(response) and response.context["total"] == 1
    assert client.get("/pratiques/", {"region": ["53", "32"]}).context["count"] == 1


def test_shapes_are_out_of_the_tab_order_and_nothing_is_inline(client, content):
    body = html(client.get(URL))
    links = re.findall(r"<a [^>]*dep-map__link[^>]*>", body)
    assert links and all('tabindex="-1"' in link for link in links)
    assert "style=" not in body
    assert "<script" not in body
    assert "IGN – Admin Express" in body


def test_map_page_costs_at_most_five_queries_whatever_the_filters(
    client, page_cache, django_assert_max_num_queries
):
    # The page cache's own lookup counts too.
    levers = [make_lever() for _ in range(3)]
    sector = make_sector()
    for i, code in enumerate(["62", "35", "54", "976", "2A"] * 4):
        make_practice(department=code, levers=levers[: 1 + i % 3], sectors=[sector])
    every_filter = {
        "levier": [levers[0].slug, levers[1].slug],
        "secteur": sector.slug,
        "departement": ["62", "35"],
        "region": "32",
        "type_collectivite": "departement",
        "annee": "2020",
        "q": "pratique",
    }
    for query in ({}, {"levier": levers[0].slug}, every_filter):
        with django_assert_max_num_queries(5):
            response = client.get(URL, query)
        assert response.status_code == 200


def test_map_is_cached_and_answers_304_with_its_etag(client, content, page_cache):
    first = client.get(URL, {"levier": "commerce-equitable"})
    again = client.get(
        URL, {"levier": "commerce-equitable"}, headers={"if-none-match": first["ETag"]}
    )
    assert again.status_code == 304


# The other pages ------------------------------------------------------------------------


def test_departments_page_map_links_every_shape_to_its_department(client, content):
    body = html(client.get("/departements/"))
    links = shape_links(body)
    assert len(links) == 101
    assert links["Corse-du-Sud (2A) : aucune pratique"] == "/departements/2A/"
    assert links["Mayotte (976) : 1 pratique"] == "/departements/976/"
    assert "IGN – Admin Express" in body


def test_home_shows_a_small_map_as_one_image_linking_to_the_map_page(client, content):
    body = html(client.get("/"))
    svg = r'<svg class="dep-map__svg"[^>]*role="img" [^>]*aria-labelledby="carte-accueil'
    assert re.search(svg, body)
    assert 'href="/carte/"' in body
    assert shape_links(body) == {}


def test_home_map_says_in_words_which_departments_have_practices(client, content):
    # The small map is one image: its name alone (« Départements ayant des pratiques
    # publiées (en couleur) ») told a screen reader, or someone who cannot tell the
    # colours apart, nothing of what it shows.
    body = html(client.get("/"))
    summary = re.search(r'<p id="carte-accueil-liste" class="dep-map__summary">(.*?)</p>', body)
    assert summary, "no text alternative next to the home map"
    assert unescape(summary.group(1)) == (
        "Ille-et-Vilaine (35), Meurthe-et-Moselle (54), Pas-de-Calais (62) et Mayotte (976)."
    )
    assert re.search(r'<svg class="dep-map__svg"[^>]*aria-describedby="carte-accueil-liste"', body)


def test_home_map_summary_names_the_first_departments_then_how_many_others(client, db):
    departments = ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"]
    for code in departments:
        make_practice(department=code)
    make_practice(department="12")
    body = html(client.get("/"))
    summary = re.search(r'<p id="carte-accueil-liste" class="dep-map__summary">(.*?)</p>', body)
    text = unescape(summary.group(1))
    assert text.startswith("Aveyron (12), Ain (01), Aisne (02)")
    assert text.endswith("Ardennes (08), Ariège (09) et 2 autres départements.")


def test_home_map_summary_says_when_nothing_is_published(client, db):
    body = html(client.get("/"))
    assert '<p id="carte-accueil-liste" class="dep-map__summary">Aucune pratique publiée' in body


def test_list_page_links_to_the_map_and_statistics_with_its_filters(client, content):
    body = unescape(html(client.get("/pratiques/", {"levier": "clauses-sociales", "page": "1"})))
    assert '<a href="/carte/?levier=clauses-sociales">Voir sur la carte</a>' in body
    assert '<a href="/statistiques/?levier=clauses-sociales">Statistiques</a>' in body


def test_unfiltered_pages_are_in_the_sitemap_and_filtered_ones_not_crawled(client, db):
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/carte/</loc>" in sitemap and "/statistiques/</loc>" in sitemap
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /carte/?" in robots and "Disallow: /statistiques/?" in robots


# The geometry ---------------------------------------------------------------------------


def test_geometry_has_the_101_departments_of_the_database_under_150_kb(db):
    data = landscape.geometry()
    codes = [d["code"] for d in data["departements"]]
    assert sorted(codes) == sorted(Department.objects.values_list("code", flat=True))
    assert {inset["code"] for inset in data["insets"]} == {"971", "972", "973", "974", "976"}
    assert sum(len(d["d"]) for d in data["departements"]) < 150 * 1024
    path = re.compile(r"(M-?\d+ -?\d+l[-\d ]+z)+")
    assert all(path.fullmatch(d["d"]) and path.fullmatch(d["small"]) for d in data["departements"])
    # The home page's small map weighs a third of the full one.
    assert sum(len(d["small"]) for d in data["departements"]) < 40 * 1024
    names = dict(Department.objects.values_list("code", "name"))
    assert {d["code"]: d["name"] for d in data["departements"]} == names


@pytest.mark.skipif(not GEO_SOURCE.exists(), reason="IGN outlines not on this machine")
def test_build_department_map_regenerates_the_committed_file(tmp_path):
    output = tmp_path / "departements.svg.json"
    call_command("build_department_map", str(GEO_SOURCE), output=str(output), verbosity=0)
    assert json.loads(output.read_text()) == json.loads(landscape.MAP_FILE.read_text())


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({}, []),
        ({"35": 1}, [(1, 1)]),
        ({"a": 1, "b": 1, "c": 0}, [(1, 1)]),
        ({"a": 1, "b": 1, "c": 1, "d": 2, "e": 5, "f": 30}, [(1, 1), (2, 2), (3, 5), (6, 30)]),
    ],
)
def test_colour_classes_are_at_most_five_count_ranges(counts, expected):
    assert landscape.colour_classes(counts) == expected
