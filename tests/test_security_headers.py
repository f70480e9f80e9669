"""Every response carries the security headers: /healthz and the error pages too."""

from unittest import mock

import pytest
from django.test import Client

from tests.factories import make_practice

TOO_MANY_FIELDS = "/pratiques/?" + "&".join(f"a{i}=1" for i in range(1500))


def assert_security_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("label", "request_kwargs", "status"),
    [
        ("health", {"path": "/healthz"}, 200),
        ("not found", {"path": "/nulle-part/"}, 404),
        ("unpublished", {"path": "/pratiques/inconnue/"}, 404),
        ("API not found", {"path": "/api/inconnu/"}, 404),
        ("bad host", {"path": "/", "HTTP_HOST": "evil.example"}, 400),
        ("bad host, API", {"path": "/api/", "HTTP_HOST": "evil.example"}, 400),
        ("too many fields", {"path": TOO_MANY_FIELDS}, 400),
        ("bad filter, export", {"path": "/pratiques/export.csv?annee=abc"}, 400),
    ],
)
def test_errors_and_health_carry_the_security_headers(client, label, request_kwargs, status):
    response = client.get(**request_kwargs)
    assert response.status_code == status, label
    assert_security_headers(response)


def test_the_health_check_failure_carries_the_security_headers(client, db):
    with mock.patch("procurement_portal.health.check_database", side_effect=OSError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert_security_headers(response)


def test_a_server_error_carries_the_security_headers(db):
    client = Client(raise_request_exception=False)
    with mock.patch("practices.views.render", side_effect=RuntimeError("boom")):
        response = client.get("/departements/")
    assert response.status_code == 500
    assert_security_headers(response)


def test_a_too_large_body_carries_the_security_headers(client, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/proposer/", {"title": "x" * 5000}, HTTP_X_CSRFTOKEN="x")
    assert response.status_code in {400, 403, 413}
    assert_security_headers(response)


def test_rate_limit_pages_carry_the_security_headers(client, db, settings):
    settings.PORTAL_EXPORTS_PER_HOUR = 1
    make_practice()
    client.get("/pratiques/export.csv?annee=2020")
    response = client.get("/pratiques/export.csv?annee=2020")
    assert response.status_code == 429
    assert_security_headers(response)
