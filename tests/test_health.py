"""/healthz tells a load balancer whether this app server can serve."""

from unittest import mock

from django.db import OperationalError


def test_health_check_answers_ok_when_the_database_answers(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"


def test_health_check_answers_503_when_the_database_is_down(client, db):
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert b"database unavailable" in response.content


def test_health_check_sets_no_cookie_and_opens_no_session(client, db):
    response = client.get("/healthz")
    assert not response.cookies
    assert "Vary" not in response


def test_health_check_works_over_plain_http_and_any_host(client, db, settings):
    # Load balancers probe each server by its address, without TLS.
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["portail.example.org"]
    response = client.get("/healthz", headers={"host": "10.0.0.5:8000"})
    assert response.status_code == 200
    # Real pages still get the redirect and the host check.
    assert client.get("/admin/login/", headers={"host": "10.0.0.5"}).status_code == 400
