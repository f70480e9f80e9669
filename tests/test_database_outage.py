"""While the database is unreachable (simulated: every cursor raises OperationalError),
cached pages are still served, with their ETag; everything else answers 503 in French
(JSON for the API), never 500, and nothing is saved. tests/test_database_outage_postgres.py
does it for real, against gunicorn and PostgreSQL."""

import json

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

from practices.models import Practice
from procurement_portal.content_version import ContentVersion
from tests.conftest import database_down
from tests.factories import make_practice


@pytest.fixture
def client():
    # Handled errors reach the test client as responses, as they reach visitors.
    return Client(raise_request_exception=False)


@pytest.fixture
def practice(content, page_cache):
    return make_practice(title="Pratique en cache")


def assert_unavailable_page(response, saving=False):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert "Le portail est momentanément indisponible" in body
    assert ("rien n&#x27;a été enregistré" in body) == saving


def test_a_cached_page_is_served_with_its_etag_while_the_database_is_down(client, practice):
    url = f"/pratiques/{practice.slug}/"
    fresh = client.get(url)
    assert fresh.status_code == 200

    with database_down():
        stale = client.get(url)
        not_modified = client.get(url, HTTP_IF_NONE_MATCH=fresh["ETag"])

    assert stale.status_code == 200
    assert stale.content == fresh.content
    assert stale["ETag"] == fresh["ETag"]
    assert not_modified.status_code == 304


def test_the_last_version_is_served_after_a_change(client, practice):
    url = f"/pratiques/{practice.slug}/"
    client.get(url)
    practice.title = "Titre modifié"
    practice.save()
    ContentVersion.objects.bump()  # as on commit, which the test's transaction never reaches
    assert "Titre modifié" in client.get(url).content.decode()

    with database_down():
        assert "Titre modifié" in client.get(url).content.decode()


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_page_not_in_the_cache_answers_503_in_french(client, practice, error):
    with database_down(error):
        response = client.get("/pratiques/?tri=titre")
    assert_unavailable_page(response)


def test_a_view_that_loses_the_database_answers_503(client, practice, settings):
    # The page cache off: the error comes from the view itself, not the version read.
    settings.PAGE_CACHE_SECONDS = 0
    with database_down():
        response = client.get(f"/pratiques/{practice.slug}/")
    assert_unavailable_page(response)


def test_a_staff_request_answers_503_not_500(client, practice, admin_user):
    client.force_login(admin_user)
    with database_down():
        response = client.get("/admin/practices/practice/")
    assert response.status_code == 503


def test_the_api_answers_json_503(client, practice):
    with database_down():
        response = client.get("/api/pratiques/?levier=marches-reserves")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("application/json")
    assert "momentanément indisponible" in json.loads(response.content)["message"]


@pytest.mark.parametrize(
    "url, data",
    [
        (
            "/proposer/",
            {"title": "Une pratique", "summary": "Résumé", "contact_email": "a@example.org"},
        ),
        ("/alertes/", {"email": "lecteur@example.org", "frequency": "weekly"}),
        (
            "/contact/",
            {
                "name": "Lectrice",
                "email": "l@example.org",
                "subject": "Objet",
                "message": "Bonjour",
            },
        ),
        (
            "/pratiques/{slug}/contacter/",
            {
                "sender_name": "Lectrice",
                "sender_email": "l@ville.example.org",
                "sender_organisation": "Ville d'Exemple",
                "message": "Bonjour, comment avez-vous rédigé la clause ?",
            },
        ),
    ],
)
def test_a_post_answers_503_saying_nothing_was_saved(client, practice, url, data):
    url = url.format(slug=practice.slug)
    before = Practice.objects.count()
    with database_down():
        response = client.post(url, data)
    assert_unavailable_page(response, saving=True)
    assert Practice.objects.count() == before


def test_healthz_answers_503(client, db):
    with database_down():
        assert client.get("/healthz").status_code == 503
    assert client.get("/healthz").status_code == 200


def test_pages_are_built_again_once_the_database_is_back(client, practice):
    with database_down():
        assert client.get("/pratiques/?tri=titre").status_code == 503
    response = client.get("/pratiques/?tri=titre")
    assert response.status_code == 200
    assert "Pratique en cache" in response.content.decode()


def test_the_unavailable_page_is_never_cached(client, practice):
    with database_down():
        client.get("/leviers/")
    assert client.get("/leviers/").status_code == 200
