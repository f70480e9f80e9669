"""The practice list /pratiques/ given bad input: each bad value reported in French and
ignored, the rest applied, never a 500 (unknown slugs, control and invisible characters,
repeated or huge parameters)."""

from html import unescape

import pytest
from django.urls import reverse

from practices.filters import PracticeFilter
from practices.models import Practice

from .conftest import as_read, html, listed

URL = reverse("practices:list")
MAYOTTE = "mayotte-achat-socialement-responsable"


def text(response):
    return as_read(unescape(html(response)))


PARAMETERS = ["levier", "departement", "region", "secteur", "type_collectivite", "annee", "q"]
PARAMETERS += ["tri", "page"]


def test_unknown_lever_is_reported_and_ignored(client, content):
    response = client.get(URL, {"levier": "inconnu", "departement": "976"})
    assert listed(response) == [MAYOTTE]
    assert "« inconnu » ne fait pas partie des choix proposés." in text(response)


def test_an_unknown_value_among_known_ones_is_reported_and_the_others_still_apply(client, content):
    # A shared link whose second lever no longer exists keeps filtering on the first.
    response = client.get(URL, {"levier": ["commerce-equitable", "inconnu"]})
    assert listed(response) == ["ille-et-vilaine-territoire-commerce-equitable"]
    assert "« inconnu » ne fait pas partie des choix proposés." in text(response)
    assert "Certains critères n'ont pas pu être appliqués" in text(response)
    chips = [chip["label"] for chip in response.context["chips"]]
    assert chips == ["Levier : Commerce équitable"]
    response = client.get(URL, {"departement": ["976", "999"], "secteur": "nope"})
    assert listed(response) == [MAYOTTE]


@pytest.mark.parametrize(
    "values", [["inconnu"], ["inconnu", "disparu"], ["inconnu", "commerce-equitable"]]
)
def test_each_unknown_value_is_reported_once(client, content, values):
    response = client.get(URL, {"levier": values})

    errors = response.context["filter"].errors["levier"]
    unknown = sorted(set(values) - {"commerce-equitable"})
    assert errors == [f"« {value} » ne fait pas partie des choix proposés." for value in unknown]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"departement": "999"}, "ne fait pas partie des choix"),
        ({"region": "99"}, "Cette région n'existe pas."),
        ({"secteur": "nope"}, "ne fait pas partie des choix"),
        ({"type_collectivite": "empire"}, "« empire » ne fait pas partie des choix"),
        ({"preuve": "x"}, "« x » ne fait pas partie des choix"),
        ({"annee": "deux mille"}, "Indiquez une année en chiffres"),
        ({"annee": "1200"}, "à partir de 1990"),
        ({"annee": "NaN"}, "Indiquez une année en chiffres"),
        ({"q": "x" * 5000}, "limitée à 200 caractères"),
    ],
)
def test_invalid_values_get_a_french_message_and_the_list(client, content, query, message):
    response = client.get(URL, query)
    assert response.status_code == 200
    assert message in text(response)
    assert len(listed(response)) == 4


@pytest.mark.parametrize("name", PARAMETERS)
def test_nul_byte_in_any_parameter_never_fails(client, content, name):
    response = client.get(
        URL, {name: "a\x00b", "departement": "976"} if name != "departement" else {name: "9\x0076"}
    )
    assert response.status_code == 200
    if name not in {"tri", "page"}:
        assert "caractères non autorisés" in html(response)


@pytest.mark.parametrize("name", PARAMETERS)
def test_repeated_parameters_never_fail(client, content, name):
    response = client.get(URL, {name: ["976", "2A", "commerce-equitable", "abc"]})
    assert response.status_code == 200


def test_very_long_values_in_every_parameter_never_fail(client, content):
    response = client.get(URL, dict.fromkeys(PARAMETERS, "é" * 5000))
    assert response.status_code == 200


def test_form_rejects_nul_bytes_before_any_query(db, django_assert_num_queries):
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for name in PARAMETERS:
        data.setlist(name, ["\x00", "ok\x00"])
    filterset = PracticeFilter(data, queryset=Practice.objects.published())
    with django_assert_num_queries(0):
        errors = filterset.errors
    assert set(errors) == {n for n in PARAMETERS if n != "page"}
    assert errors["q"] == ["La recherche contient des caractères non autorisés."]


def test_a_search_that_would_read_backwards_is_refused(client, content):
    html_ = as_read(client.get(URL, {"q": "cafe\u202eelbatiuqe"}).content.decode())

    assert "La recherche contient des caractères non autorisés." in html_
    assert "\u202e" not in html_


@pytest.mark.postgres
@pytest.mark.parametrize("name", PARAMETERS)
def test_nul_byte_never_reaches_postgresql(client, content, name):
    response = client.get(URL, {name: "\x00", "q": "cafe\x00" if name == "q" else "cafe"})
    assert response.status_code == 200


@pytest.mark.postgres
def test_bad_input_on_postgresql(client, content):
    for query in [
        {"levier": "inconnu"},
        {"page": "abc"},
        {"page": "9999"},
        {"q": "x" * 5000},
        {"q": "' OR 1=1 --"},
        {"q": "café & | ! :* <->"},
        {"tri": "unknown"},
        {"annee": "99999999999999999999"},
    ]:
        assert client.get(URL, query).status_code == 200, query


@pytest.mark.parametrize("query", ["x", "le", "d'", "  de la  "])
def test_a_search_without_a_word_to_look_up_says_so_and_names_no_search(client, content, query):
    response = client.get(URL, {"q": query})

    page = text(response)
    assert "ne contient aucun mot pris en compte" in page
    assert response.context["description"] == ""  # « 4 pratiques – « x » » claimed matches
    assert "<h1>Pratiques des collectivités</h1>" in page
    assert len(listed(response)) == 4
    # « AI » is a stop word and an acronym (association intermédiaire): it is searched.
    assert "ne contient aucun mot" not in text(client.get(URL, {"q": "AI"}))
