"""Error handlers: the API answers its errors in JSON, the pages in French HTML; an
unreachable database is a 503 (procurement_portal.outage), not a 500."""

import sys

from django.shortcuts import render
from django.views import defaults

from practices.api import json_error

from .outage import is_database_error, unavailable_response

API_PREFIX = "/api/"


def bad_request(request, exception):
    # Raised before any view (too many fields, bad Host header…): the API's clients
    # still expect JSON.
    if request.path.startswith(API_PREFIX):
        return json_error(400, "Requête invalide : le portail n'a pas pu la lire.")
    return defaults.bad_request(request, exception)


def server_error(request):
    # Django calls this inside its `except`: a database outage met by a middleware
    # (sessions, the page cache's version read) is a 503, like one met by a view.
    if is_database_error(sys.exc_info()[1]):
        return unavailable_response(request)
    if request.path.startswith(API_PREFIX):
        return json_error(500, "Erreur du serveur : réessayez dans quelques minutes.")
    return defaults.server_error(request)


class MethodNotAllowedPage:
    """A 405 answer without a body (Django's require_safe and require_http_methods) gets
    the French page, with its Allow header: a visitor saw a blank page. The API's 405 is
    already JSON, and a HEAD keeps no body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.content or request.method == "HEAD":
            return response
        page = render(request, "405.html", status=405)
        page["Allow"] = response.get("Allow", "")
        return page
