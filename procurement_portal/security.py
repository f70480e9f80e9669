"""Client address behind reverse proxies (django-axes, rate limits); the admin's NUL
guard; the French page for a failed CSRF check."""

import ipaddress

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.shortcuts import render


def _valid_ip(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request):
    """The address of the client, as seen by the outermost trusted proxy.

    Each of the DJANGO_TRUSTED_PROXY_COUNT proxies appends the address it received the
    request from to X-Forwarded-For, so the client is that many entries from the right;
    anything further left was written by the client and cannot be trusted. With no
    proxy configured the header is ignored and the socket address is used.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [
            part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(forwarded) >= count:
            address = _valid_ip(forwarded[-count])
            if address:
                return address
    return _valid_ip(remote) or remote


class AdminNulGuardMiddleware:
    """A 400 for a NUL character in an admin query string, rather than a 500.

    The admin hands list-filter values to the database as they come, and PostgreSQL
    refuses NUL outright. Public pages need no such guard: their forms report NUL with
    a French message; admin forms refuse it by default (ProhibitNullCharactersValidator).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/admin/") and "\x00" in "".join(
            key + "".join(values) for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(
                "Caractère nul dans l'adresse : retirez-le de la barre d'adresse.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def csrf_failure(request, reason=""):
    """French 403 page for a form that failed the CSRF check (CSRF_FAILURE_VIEW).

    Django's own page is English, and rendered without the request, so it could not
    extend the portal's layout.
    """
    return render(request, "403_csrf.html", status=403)
