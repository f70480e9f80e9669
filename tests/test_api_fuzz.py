"""The API, driven by its own OpenAPI document (schemathesis): no input makes it fail.

Every operation of /api/openapi.json gets generated requests (valid and invalid
parameters, odd characters, NUL bytes), sent to the Django WSGI application. None may
answer a server error, and every answer must match the document (status code,
content type, body schema). Bounded to stay well under a minute.
"""

from functools import cache

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from practices.openapi import openapi_document


@cache
def _django():
    return get_wsgi_application()


def application(environ, start_response):
    # Built at the first request, inside a test: middleware reads some settings once, and
    # the tests' settings (plain HTTP, no SSL redirect) are not in place at import time.
    return _django()(environ, start_response)


schema = schemathesis.openapi.from_dict(openapi_document("/api/"))
schema.app = application
schema.config.generation.update(
    modes=["positive", "negative"],
    max_examples=60,
    deterministic=True,
    allow_x00=True,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def _api_host(settings):
    # Schemathesis' WSGI client calls the application as "localhost".
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]


@pytest.fixture
def _keep_test_connection():
    # As Django's test client does: the end of a request must not close the connection
    # that holds the test's transaction (PostgreSQL would lose it).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.usefixtures("content", "_api_host", "_keep_test_connection")
def test_api_answers_every_generated_request_without_server_error(case):
    # The WSGI client would not decompress a gzipped answer (GZipMiddleware).
    case.call_and_validate(headers={"Accept-Encoding": "identity"}, checks=CHECKS)
