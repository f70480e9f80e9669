"""While the database is unreachable: the one place that answers for it.

A read-mostly portal must get through a database restart or a failover without showing
errors to readers:

- pages already in the page cache are served from it, stale if need be
  (procurement_portal.page_cache: the last version of each URL, with its ETag, in a
  cache shared by every worker);
- anything else that needs the database answers 503 with Retry-After: a French HTML
  page that needs no database, JSON for the API, and for a POST (proposal, alert,
  contact…) a French message saying that nothing was saved;
- /healthz answers 503 (procurement_portal.health), so load balancers know.

Every view is covered without knowing it: DatabaseUnavailableMiddleware turns a
django.db.OperationalError or InterfaceError raised by a view into that 503, and
handler500 (procurement_portal.errors) does the same for one raised by a middleware
(sessions saved after a POST, the content version read by the page cache). When the
database answers again, Django opens a new connection at the next request
(CONN_HEALTH_CHECKS drops one that broke; settings.DATABASES): nothing to restart.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
# Seconds: a restart or a failover usually takes under a minute.
RETRY_AFTER = 30
API_PREFIX = "/api/"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

MESSAGE = "Le portail est momentanément indisponible. Réessayez dans quelques instants."
NOTHING_SAVED = (
    "Le portail est momentanément indisponible : rien n'a été enregistré. "
    "Vos informations n'ont pas été reçues ; renvoyez le formulaire dans quelques instants."
)


def is_database_error(error):
    return isinstance(error, DATABASE_ERRORS)


def unavailable_response(request):
    """The 503 for a request the database could not serve; reads nothing from it."""
    saving = request.method not in SAFE_METHODS
    message = NOTHING_SAVED if saving else MESSAGE
    if request.path.startswith(API_PREFIX):
        # Imported here: practices.api imports models, which import this app's modules.
        from practices.api import json_error

        response = json_error(503, message)
    else:
        # Rendered without the request: no context processor, so no database.
        body = loader.render_to_string("503.html", {"message": message, "saving": saving})
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    response.database_unavailable = True
    return response


class DatabaseUnavailableMiddleware:
    """A view that meets an unreachable database answers 503, never 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_error(exception):
            return None
        logger.error("Database unavailable (%s %s): %r", request.method, request.path, exception)
        return unavailable_response(request)
