"""What a filtered list says it shows: <title>, <h1>, feed title (practices/describe.py)."""

import re
from html import unescape

import pytest
from django.urls import reverse

from practices.describe import (
    ActiveFilter,
    count_label,
    describe_filters,
    describe_results,
    search_label,
)
from tests.conftest import as_read

URL = reverse("practices:list")


def title_and_h1(response):
    body = as_read(unescape(response.content.decode()))
    title = re.search(r"<title>(.*?)</title>", body, re.S).group(1).strip()
    h1 = re.sub(r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S).group(1)).strip()
    return title, h1


def test_a_lever_and_a_region_give_the_count_and_their_names(client, content):
    response = client.get(URL, {"levier": "clauses-sociales", "region": "32"})
    title, h1 = title_and_h1(response)
    assert title == "1 pratique – Clauses sociales, Hauts-de-France – Commande publique responsable"
    assert h1 == "1 pratique – Clauses sociales, Hauts-de-France"


def test_a_search_comes_first_in_quotes(client, content):
    response = client.get(URL, {"q": "commerce équitable", "region": "53"})
    title, h1 = title_and_h1(response)
    assert title == "1 pratique – « commerce équitable », Bretagne – Commande publique responsable"
    assert h1 == "1 pratique – « commerce équitable », Bretagne"


def test_no_result_is_said_in_words(client, content):
    _title, h1 = title_and_h1(client.get(URL, {"q": "cafe", "levier": "spaser"}))
    assert h1 == "Aucune pratique – « cafe », SPASER"


def test_the_unfiltered_list_keeps_its_plain_title_and_later_pages_say_so(client, content):
    title, h1 = title_and_h1(client.get(URL))
    assert (title, h1) == (
        "Pratiques des collectivités – Commande publique responsable",
        "Pratiques des collectivités",
    )


def test_unknown_values_are_not_described(client, content):
    _title, h1 = title_and_h1(client.get(URL, {"levier": ["spaser", "inconnu"]}))
    assert h1 == "1 pratique – SPASER"


def test_title_and_chips_share_their_labels(client, content):
    response = client.get(
        URL, {"departement": "976", "annee": "2020", "type_collectivite": "departement"}
    )
    chips = [chip["label"] for chip in response.context["chips"]]
    assert chips == ["Collectivité : Département", "Département : Mayotte (976)", "Année : 2020"]
    assert title_and_h1(response)[1] == (
        "1 pratique – Collectivité : Département, Mayotte (976), Année : 2020"
    )


def test_the_feed_title_names_the_same_criteria(client, content):
    body = client.get(reverse("practices:feed"), {"q": "commerce équitable", "region": "53"})
    assert (
        "<title>Nouvelles pratiques – « commerce équitable », Bretagne – "
        "Commande publique responsable</title>"
    ) in body.content.decode()


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "Aucune pratique"),
        (1, "1 pratique"),
        (2, "2 pratiques"),
        (12345, "12\u202f345 pratiques"),
    ],
)
def test_count_label(count, expected):
    assert count_label(count) == expected


def test_many_criteria_are_summed_up_and_long_searches_shortened():
    active = [ActiveFilter("q", "x" * 100, search_label("x" * 100))] + [
        ActiveFilter("levier", f"l{n}", f"Levier {n}") for n in range(5)
    ]
    described = describe_filters(active)
    assert described == f"« {'x' * 59}… », Levier 0, Levier 1, et 3 autres critères"
    assert describe_results(2, []) == "2 pratiques"
