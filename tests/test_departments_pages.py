"""Departments: /departements/ and /departements/<code>/."""

import pytest

from practices.models import Department, Practice

from .conftest import as_read
from .factories import make_practice


def test_department_list_shows_all_101_grouped_by_region_with_counts(client, content):
    response = client.get("/departements/")
    assert response.status_code == 200
    html = response.content.decode()
    assert len(response.context["departments"]) == 101
    assert html.count('class="region"') == 18
    for code in ["01", "2A", "2B", "971", "976"]:
        assert f'href="/departements/{code}/"' in html
    counts = {d.code: d.n for d in response.context["departments"]}
    assert counts["62"] == 1 and counts["976"] == 1 and counts["75"] == 0
    assert "1 pratique<" in html


def test_department_list_counts_only_published_practices(client, db):
    make_practice(department="2A")
    make_practice(department="2A", status=Practice.Status.DRAFT, published_at=None)
    counts = {d.code: d.n for d in client.get("/departements/").context["departments"]}
    assert counts["2A"] == 1


def test_department_list_takes_a_constant_number_of_queries(
    client, db, django_assert_max_num_queries
):
    for code in ["01", "2A", "62", "976", "35"] * 6:
        make_practice(department=code)
    with django_assert_max_num_queries(4):
        client.get("/departements/")


def test_department_page_lists_its_practices(client, content):
    response = client.get("/departements/976/")
    assert response.status_code == 200
    assert [p.slug for p in response.context["practices"]] == [
        "mayotte-achat-socialement-responsable"
    ]
    html = response.content.decode()
    assert "<h1>Mayotte</h1>" in html
    assert 'href="/pratiques/?departement=976"' in html


def test_department_without_practice_says_so_and_links_to_the_contribution_form(client, content):
    response = client.get("/departements/2A/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Corse-du-Sud" in html
    assert "Aucune pratique n'est encore publiée" in html
    assert 'href="/proposer/"' in html


def test_empty_department_points_to_its_region_only_when_the_region_has_practices(
    client, content, django_assert_max_num_queries
):
    # Corse-du-Sud offered « Voir les pratiques de la région Corse », a list as empty as
    # the page the visitor came from.
    with django_assert_max_num_queries(5):
        html = client.get("/departements/2A/").content.decode()
    assert "?region=94" not in html
    assert "Aucune pratique n'est publiée non plus dans la région Corse" in as_read(html)
    assert 'href="/carte/"' in html
    # Nord's region, Hauts-de-France, has the Pas-de-Calais practice.
    html = client.get("/departements/59/").content.decode()
    assert 'href="/pratiques/?region=32">Voir la pratique de la région Hauts-de-France' in html


@pytest.mark.parametrize("code", ["00", "20", "999", "ZZ", "abcd", "%00", "9%0076"])
def test_unknown_department_code_is_a_404(client, db, code):
    response = client.get(f"/departements/{code}/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_lower_case_corsican_code_redirects_to_the_official_one(client, db):
    response = client.get("/departements/2a/")
    assert response.status_code == 301
    assert response["Location"] == "/departements/2A/"


def test_department_page_query_count_does_not_grow(client, db, django_assert_max_num_queries):
    for _ in range(30):
        make_practice(department="62")
    url = Department.objects.get(code="62").get_absolute_url()
    with django_assert_max_num_queries(4):
        response = client.get(url)
    assert len(response.context["practices"]) == 12


def test_department_page_shows_the_newest_practices_and_links_to_all_of_them(client, db):
    practices = [make_practice(department="35") for _ in range(14)]
    response = client.get("/departements/35/")
    html = response.content.decode()
    assert [p.slug for p in response.context["practices"]] == [p.slug for p in practices[:12]]
    assert "14 pratiques</h2>" in html
    assert "Les 12 plus récentes sur 14." in html
    assert (
        '<a href="/pratiques/?departement=35">Voir les 14 pratiques de ce département</a>' in html
    )
