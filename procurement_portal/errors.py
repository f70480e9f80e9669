"""Error handlers: the API answers its errors in JSON, the pages in French HTML."""

from django.views import defaults

from practices.api import json_error

API_PREFIX = "/api/"


def bad_request(request, exception):
    # Raised before any view (too many fields, bad Host header…): the API's clients
    # still expect JSON.
    if request.path.startswith(API_PREFIX):
        return json_error(400, "Requête invalide : le portail n'a pas pu la lire.")
    return defaults.bad_request(request, exception)


def server_error(request):
    if request.path.startswith(API_PREFIX):
        return json_error(500, "Erreur du serveur : réessayez dans quelques minutes.")
    return defaults.server_error(request)
