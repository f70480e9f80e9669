"""/healthz, for load balancers: 200 "ok" when the database answers, 503 otherwise."""

import logging

from django.db import connection
from django.http import HttpResponse

logger = logging.getLogger(__name__)

PATH = "/healthz"


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def health_response():
    try:
        check_database()
    except Exception:
        logger.exception("Health check: the database does not answer")
        response = HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    else:
        response = HttpResponse("ok\n", content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answers /healthz before any middleware that reads the Host header.

    Load balancers probe app servers by address, over plain HTTP: answering here skips
    the ALLOWED_HOSTS check, sessions and cookies, which all belong to real visitors
    (the HTTPS redirect exempts /healthz). Only the security headers' middleware sit
    above it, so that its answers carry them like every other response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == PATH and request.method in ("GET", "HEAD"):
            return health_response()
        return self.get_response(request)
