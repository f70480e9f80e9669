"""The statistics page /statistiques/ and its CSV, over the list's filters."""

import csv
import io
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from practices.models import Practice
from tests.conftest import as_read

from .factories import make_lever, make_practice, make_sector

URL = reverse("practices:statistics")
CSV_URL = reverse("practices:statistics_csv")


def series(response, parameter):
    """{label: value} of one chart's rows."""
    assert response.status_code == 200
    for item in response.context["stats"]["series"]:
        if item["parameter"] == parameter:
            return {row["label"]: row["value"] for row in item["rows"]}
    raise AssertionError(f"no series {parameter}")


def table_links(body):
    """[(label, number, href)] of every statistics table row."""
    return [
        (unescape(label), int(n), unescape(href))
        for label, href, n in re.findall(
            r'<th scope="row">([^<]*)</th><td class="num"><a href="([^"]*)">(\d+)<', body
        )
    ]


# Done-when of the issue, on the reference content -----------------------------------------


def test_reference_content_statistics(client, content):
    response = client.get(URL)
    assert series(response, "levier")["Clauses sociales"] == 3
    assert series(response, "region")["Hauts-de-France"] == 1
    assert response.context["stats"]["total"] == 4


def test_statistics_of_one_region(client, content):
    response = client.get(URL, {"region": "32"})
    assert series(response, "levier") == {"Clauses sociales": 1}
    assert series(response, "region") == {"Hauts-de-France": 1}


def test_every_number_links_to_a_list_showing_that_many_practices(client, content):
    rows = table_links(client.get(URL).content.decode())
    assert len(rows) > 15
    for label, n, href in rows:
        assert client.get(href).context["count"] == n, (label, href)


def test_numbers_link_with_the_other_filters_kept(client, content):
    body = client.get(URL, {"region": "32", "page": "2", "tri": "titre"}).content.decode()
    assert ("Clauses sociales", 1, "/pratiques/?region=32&levier=clauses-sociales") in (
        table_links(body)
    )


def test_numbers_filtered_by_evidence_level_link_to_lists_showing_that_many(client, db):
    lever = make_lever()
    make_practice(levers=[lever], evidence_level="evalue")
    make_practice(levers=[lever])

    rows = table_links(client.get(URL, {"preuve": "evalue"}).content.decode())

    assert rows
    for label, n, href in rows:
        assert "preuve=evalue" in href, (label, href)
        assert client.get(href).context["count"] == n, (label, href)


# Counting ---------------------------------------------------------------------------------


def test_a_practice_counts_in_every_year_from_its_start_to_its_end_or_today(client, db):
    this_year = timezone.localdate().year
    make_practice(start_year=2018, end_year=2020)
    make_practice(start_year=this_year - 1, end_year=None)
    years = series(client.get(URL), "annee")
    assert years == {"2018": 1, "2019": 1, "2020": 1, str(this_year - 1): 1, str(this_year): 1}
    # Each year's number is the list's count for that year.
    for year, n in years.items():
        assert client.get("/pratiques/", {"annee": year}).context["count"] == n


def test_practices_count_in_each_of_their_levers_and_sectors(client, db):
    insertion, equitable = make_lever(name="Insertion"), make_lever(name="Équitable")
    textile = make_sector(name="Textile")
    make_practice(levers=[insertion, equitable], sectors=[textile])
    make_practice(levers=[insertion], department="976")
    response = client.get(URL)
    assert series(response, "levier") == {"Insertion": 2, "Équitable": 1}
    assert series(response, "secteur") == {"Textile": 1}
    assert series(response, "region") == {"Hauts-de-France": 1, "Mayotte": 1}
    assert series(response, "type_collectivite") == {"Département": 2}
    assert response.context["stats"]["total"] == 2


def test_unpublished_and_deleted_practices_are_not_counted(client, db):
    make_practice()
    make_practice(status=Practice.Status.DRAFT, published_at=None)
    make_practice(deleted_at=timezone.now())
    assert client.get(URL).context["stats"]["total"] == 1


def test_key_figures_sharing_a_label_and_unit_are_summed_per_lever(client, db):
    lever = make_lever(name="Clauses sociales")
    first = make_practice(levers=[lever], figures=[("salariés en insertion", 913)])
    second = make_practice(levers=[lever], figures=[("Salariés en insertion", 87)])
    make_practice(levers=[lever], figures=[("de café équitable", 100)])
    for practice in (first, second):
        practice.key_figures.update(unit="personnes")
    Practice.objects.get(key_figures__label="de café équitable").key_figures.update(unit="%")
    figures = client.get(URL).context["stats"]["figures"]
    assert [entry["lever"] for entry in figures] == ["Clauses sociales"]
    [summed] = figures[0]["figures"]  # the percentage is not summed
    assert (summed["total"], summed["unit"], summed["practices"]) == (1000, "personnes", 2)
    body = client.get(URL).content.decode()
    assert "1\u202f000 personnes" in body


def test_no_matching_practice_says_so(client, content):
    body = client.get(URL, {"q": "introuvable"}).content.decode()
    assert "Aucune pratique ne correspond à ces critères" in body
    assert "<svg" not in body.split("<main", 1)[1]


# Charts -----------------------------------------------------------------------------------


def test_each_chart_is_a_named_svg_with_values_as_text_then_a_captioned_table(client, content):
    body = as_read(client.get(URL).content.decode())
    figures = re.findall(r'<figure class="chart">.*?</figure>\s*<table.*?</table>', body, re.S)
    assert len(figures) == 5
    for figure in figures:
        name_id = re.search(r'<svg [^>]*role="img" aria-labelledby="([^"]+)"', figure).group(1)
        assert re.search(rf'<title id="{name_id}">[^<]+ : [^<]+, \d+', figure)
        assert re.search(r'<text class="chart__value"[^>]*>\d+</text>', figure)
        assert "<caption>" in figure
    assert "style=" not in body


@pytest.mark.parametrize(
    "query",
    [
        {"levier": "inconnu"},
        {"annee": "abc"},
        {"annee": "-99999999999999999999999"},
        {"q": "\x00"},
        {"secteur": ["x" * 300]},
    ],
)
def test_bad_parameters_get_a_french_message_and_are_ignored(client, content, query):
    response = client.get(URL, query)
    assert response.status_code == 200
    assert "Certains critères n'ont pas pu être appliqués" in response.content.decode()
    assert response.context["stats"]["total"] == 4


def test_statistics_page_query_budget(client, page_cache, django_assert_max_num_queries):
    # Four with the page cache's own lookup: the filters' choices (labels too), the counts,
    # the key figures.
    levers = [make_lever() for _ in range(3)]
    sector = make_sector()
    for i, code in enumerate(["62", "35", "54", "976", "2A"] * 4):
        make_practice(
            department=code,
            levers=levers[: 1 + i % 3],
            sectors=[sector],
            figures=[("salariés en insertion", i)],
        )
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
        with django_assert_max_num_queries(4):
            response = client.get(URL, query)
        assert response.context["stats"]["total"] > 0


# CSV --------------------------------------------------------------------------------------


def test_csv_gives_the_same_tables(client, content):
    response = client.get(CSV_URL, {"region": "32"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == ["Tableau", "Libellé", "Pratiques", "Somme", "Unité"]
    assert ["Pratiques par levier", "Clauses sociales", "1", "", ""] in rows
    assert ["Pratiques par région", "Hauts-de-France", "1", "", ""] in rows
    assert any(row[0] == "Chiffres clés : Clauses sociales" for row in rows)


def test_csv_answers_bad_parameters_with_a_french_400(client, content):
    response = client.get(CSV_URL, {"annee": "abc"})
    assert response.status_code == 400
    assert "annee : Indiquez une année en chiffres" in response.content.decode()


def test_statistics_csv_query_budget(client, content, django_assert_max_num_queries):
    # The filters' choices, the counts, the key figures; a search reads the synonyms too.
    for query, budget in [
        ({}, 3),
        ({"levier": "clauses-sociales", "departement": ["62", "976"]}, 3),
        ({"levier": "clauses-sociales", "q": "achat"}, 4),
    ]:
        with django_assert_max_num_queries(budget):
            response = client.get(CSV_URL, query)
        assert response.status_code == 200
        assert response.content.decode("utf-8-sig").startswith("Tableau;Libellé;Pratiques")
