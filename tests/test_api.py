"""/api/: read-only JSON of published practices, levers and departments."""

import json

import pytest
from django.http import QueryDict
from django.test import Client
from django.utils import timezone

from practices.api import PAGE_SIZE
from practices.filters import PracticeFilter
from practices.models import Contribution, Practice

from .conftest import BAD_FILTER_QUERIES, FILTER_QUERIES
from .factories import make_fiche, make_lever, make_practice, make_sector

ILLE_ET_VILAINE = "ille-et-vilaine-territoire-commerce-equitable"


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json"
    return response.json()


def warm_up(client):
    """A first request, so that one-off set-up (the page cache's content version row) is
    not counted in a query budget."""
    client.get("/api/")


def all_slugs(client, query):
    """Every practice the API lists for these parameters, following its pages."""
    slugs = []
    url = f"/api/pratiques/?{query}"
    while url:
        data = get_json(client, url)
        slugs += [item["slug"] for item in data["resultats"]]
        url = data["suivante"]
    assert data["nombre"] == len(slugs)
    return slugs


def list_filter_slugs(query):
    """What the list page shows for the same parameters (its FilterSet, built the same way)."""
    params = QueryDict(query)
    filterset = PracticeFilter(params or None, queryset=Practice.objects.published())
    return list(filterset.qs.values_list("slug", flat=True))


# On the reference content ---------------------------------------------------------------


def test_commerce_equitable_lever_gives_ille_et_vilaine_only(client, content):
    data = get_json(client, "/api/pratiques/?levier=commerce-equitable")

    assert data["nombre"] == 1
    (practice,) = data["resultats"]
    assert practice["slug"] == ILLE_ET_VILAINE
    assert practice["departement"] == {"code": "35", "nom": "Ille-et-Vilaine"}
    assert practice["region"] == {"code": "53", "nom": "Bretagne"}
    assert {"slug": "commerce-equitable", "nom": "Commerce équitable"} in practice["leviers"]
    assert practice["url"] == f"http://testserver/pratiques/{ILLE_ET_VILAINE}/"
    assert practice["collectivite"]["type"] == "departement"
    assert practice["fiche_source"]["numero"] == 12
    assert practice["publiee_le"].startswith("20")


@pytest.mark.parametrize("query", FILTER_QUERIES)
def test_api_lists_the_same_practices_as_the_list_filter(client, content, query):
    expected = list_filter_slugs(query)

    assert all_slugs(client, query) == expected


@pytest.mark.parametrize(
    "query", ["", "levier=clauses-sociales", "region=53&tri=titre", "q=insertion"]
)
def test_api_lists_what_the_html_list_page_shows(client, content, query):
    page = client.get(f"/pratiques/?{query}")

    assert all_slugs(client, query) == [p.slug for p in page.context["practices"]]


def test_detail_gives_one_published_practice_with_its_description(client, content):
    data = get_json(client, f"/api/pratiques/{ILLE_ET_VILAINE}/")

    assert data["slug"] == ILLE_ET_VILAINE
    assert data["description"]
    # The fiche's figures: 100 % fair-trade coffee at receptions and in vending machines.
    assert [(f["valeur"], f["unite"]) for f in data["chiffres_cles"]] == [(100, "%"), (100, "%")]


def test_levers_come_with_their_legal_bases(client, content):
    data = get_json(client, "/api/leviers/")

    levers = {lever["slug"]: lever for lever in data["resultats"]}
    assert "commerce-equitable" in levers
    reserved = levers["marches-reserves"]
    assert reserved["bases_legales"], "marchés réservés rest on articles of the code"
    assert {"reference", "texte", "intitule", "url"} <= set(reserved["bases_legales"][0])
    assert levers["commerce-equitable"]["nombre_pratiques"] == 1
    assert reserved["url"] == "http://testserver/leviers/marches-reserves/"


def test_departments_give_all_101_with_region_and_published_counts(client, content):
    data = get_json(client, "/api/departements/")

    assert data["nombre"] == 101
    departments = {d["code"]: d for d in data["resultats"]}
    assert departments["35"]["region"] == {"code": "53", "nom": "Bretagne"}
    assert departments["35"]["nombre_pratiques"] == 1
    assert departments["2A"]["nom"] == "Corse-du-Sud"
    assert departments["01"]["nombre_pratiques"] == 0


# Published only ------------------------------------------------------------------------------


@pytest.fixture
def hidden(db):
    """One practice in each state visitors must never see."""
    lever = make_lever(slug="cache")
    now = timezone.now()
    return [
        make_practice(levers=[lever], slug="brouillon", status=Practice.Status.DRAFT),
        make_practice(levers=[lever], slug="proposee", status=Practice.Status.PROPOSED),
        make_practice(levers=[lever], slug="en-relecture", status=Practice.Status.REVIEW),
        make_practice(levers=[lever], slug="archivee", status=Practice.Status.ARCHIVED),
        make_practice(levers=[lever], slug="programmee", published_at=now + timezone.timedelta(1)),
        make_practice(levers=[lever], slug="supprimee", deleted_at=now),
    ]


def test_unpublished_practices_never_appear(client, hidden):
    visible = make_practice(slug="visible", levers=[hidden[0].levers.get()])

    assert all_slugs(client, "") == [visible.slug]
    assert all_slugs(client, "levier=cache") == [visible.slug]
    for practice in hidden:
        data = get_json(client, f"/api/pratiques/{practice.slug}/", status=404)
        assert data["message"]
    lever = get_json(client, "/api/leviers/")["resultats"][0]
    assert lever["nombre_pratiques"] == 1
    department = {d["code"]: d for d in get_json(client, "/api/departements/")["resultats"]}
    assert department["62"]["nombre_pratiques"] == 1


def test_contributors_personal_data_is_never_exposed(client, db):
    practice = make_practice(slug="proposee-puis-publiee")
    Contribution.objects.create(
        practice=practice,
        contributor_name="Camille Secret",
        contributor_email="camille.secret@ville.example",
        contributor_role="Acheteuse",
    )

    for url in ["/api/pratiques/", f"/api/pratiques/{practice.slug}/"]:
        body = client.get(url).content.decode()
        assert practice.slug in body
        assert "Camille Secret" not in body
        assert "camille.secret" not in body


# Pagination and query budget ------------------------------------------------------------------


@pytest.fixture
def many(db):
    lever, other = make_lever(slug="a"), make_lever(slug="b")
    sector = make_sector()
    fiche = make_fiche()
    return [
        make_practice(
            levers=[lever, other],
            sectors=[sector],
            figures=[("personnes", 10 + n), ("euros", "1500.50")],
            source_fiche=fiche,
        )
        for n in range(PAGE_SIZE + 5)
    ]


def test_pages_have_count_next_and_previous(client, many):
    first = get_json(client, "/api/pratiques/?levier=a")
    second = get_json(client, first["suivante"])

    assert first["nombre"] == second["nombre"] == PAGE_SIZE + 5
    assert (first["page"], first["pages"]) == (1, 2)
    assert len(first["resultats"]) == PAGE_SIZE
    assert len(second["resultats"]) == 5
    assert first["precedente"] is None
    assert first["suivante"] == "http://testserver/api/pratiques/?levier=a&page=2"
    assert second["suivante"] is None
    assert second["precedente"] == "http://testserver/api/pratiques/?levier=a&page=1"
    figures = first["resultats"][0]["chiffres_cles"]
    assert [f["valeur"] for f in figures][1] == 1500.5


def test_list_page_runs_a_constant_number_of_queries(client, many, django_assert_max_num_queries):
    warm_up(client)
    # Content version (page cache), count, page, then one prefetch each for levers,
    # sectors, partners and key figures.
    with django_assert_max_num_queries(7):
        data = get_json(client, "/api/pratiques/")
    assert len(data["resultats"]) == PAGE_SIZE


def test_filtered_list_runs_a_constant_number_of_queries(
    client, many, django_assert_max_num_queries
):
    warm_up(client)
    # The filter form also checks the chosen lever and department (one query for every
    # choice, the one that labels the list page's facets).
    with django_assert_max_num_queries(9):
        get_json(client, "/api/pratiques/?levier=a&departement=62&annee=2020&tri=titre")


def test_detail_levers_and_departments_run_few_queries(client, many, django_assert_max_num_queries):
    warm_up(client)
    with django_assert_max_num_queries(6):
        get_json(client, f"/api/pratiques/{many[0].slug}/")
    with django_assert_max_num_queries(3):
        get_json(client, "/api/leviers/")
    with django_assert_max_num_queries(2):
        get_json(client, "/api/departements/")


# Bad input --------------------------------------------------------------------------------------


PAGE_QUERIES = [
    ("page=0", "page", "Les pages sont numérotées à partir de 1."),
    ("page=deux", "page", "Indiquez un numéro de page en chiffres, par exemple 2."),
    ("page=99999999999999999999999", "page", "Ce numéro de page est trop grand."),
]


@pytest.mark.parametrize(("query", "field", "message"), BAD_FILTER_QUERIES + PAGE_QUERIES)
def test_bad_parameters_get_a_400_with_french_messages(client, db, query, field, message):
    data = get_json(client, f"/api/pratiques/?{query}", status=400)

    assert data["message"] == "Paramètres invalides."
    assert field in data["erreurs"]
    if message:
        assert message in data["erreurs"][field]


def test_page_beyond_the_last_is_a_json_404(client, db):
    make_practice()
    data = get_json(client, "/api/pratiques/?page=2", status=404)

    assert "il y en a 1" in data["message"]


@pytest.mark.parametrize("slug", ["inconnue", "a%00b", "x" * 300, "%C3%A9t%C3%A9"])
def test_unknown_practice_is_a_json_404(client, db, slug):
    get_json(client, f"/api/pratiques/{slug}/", status=404)


def test_unknown_api_path_is_a_json_404_and_missing_slash_redirects(client, db):
    get_json(client, "/api/inconnu/", status=404)
    get_json(client, "/api/pratiques/a/b/", status=404)
    response = client.get("/api/pratiques?levier=spaser")
    assert response.status_code == 301
    assert response["Location"] == "/api/pratiques/?levier=spaser"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_api_is_read_only(db, method):
    response = getattr(Client(enforce_csrf_checks=True), method)("/api/pratiques/")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert "lecture seule" in response.json()["message"]


def test_head_is_allowed_and_cors_is_open(client, db):
    assert client.head("/api/pratiques/").status_code == 200
    response = client.get("/api/leviers/")
    assert response["Access-Control-Allow-Origin"] == "*"


# OpenAPI ----------------------------------------------------------------------------------------


def test_openapi_document_describes_every_endpoint(client, db):
    document = get_json(client, "/api/openapi.json")

    assert document["openapi"].startswith("3.")
    assert document["info"]["license"]["name"].startswith("Licence Ouverte")
    assert document["servers"] == [{"url": "http://testserver/api"}]
    assert set(document["paths"]) == {
        "/pratiques/",
        "/pratiques/{slug}/",
        "/leviers/",
        "/departements/",
    }
    parameters = {p["name"] for p in document["paths"]["/pratiques/"]["get"]["parameters"]}
    assert parameters == set(PracticeFilter.base_filters) | {"page"}


def test_api_index_links_the_endpoints(client, db):
    data = get_json(client, "/api/")

    assert data["openapi"] == "http://testserver/api/openapi.json"
    assert data["pratiques"] == "http://testserver/api/pratiques/"
    json.dumps(data)
