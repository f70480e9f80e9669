"""Client address behind reverse proxies (django-axes, rate limits); the admin's NUL
guard; the French pages for a failed CSRF check and a locked-out admin login."""

import ipaddress

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.shortcuts import render

from .forms import has_control_characters


def _valid_ip(value):
    value = value.strip()
    # Some load balancers append the client's port: "203.0.113.7:51234",
    # "[2001:db8::1]:51234". Without this, every client would share the proxy's address.
    if value.startswith("[") and "]" in value:
        host, _, port = value[1:].partition("]")
        value = host if port == "" or (port[:1] == ":" and port[1:].isdigit()) else ""
    elif value.count(":") == 1:
        host, _, port = value.partition(":")
        value = host if port.isdigit() else ""
    try:
        return str(ipaddress.ip_address(value))
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
    """A 400 for a NUL or control character in an admin query string, rather than a 500.

    The admin hands list-filter values to the database as they come, and PostgreSQL
    refuses NUL outright. Public pages need no such guard: their forms report NUL with
    a French message; admin forms refuse it by default (ProhibitNullCharactersValidator).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/admin/") and any(
            has_control_characters([key, *values]) for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(
                "Caractère nul dans l'adresse : retirez-le de la barre d'adresse.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out client (AXES_LOCKOUT_CALLABLE): the French
    page, with Retry-After as for the proposal rate limit."""
    from axes.helpers import get_cool_off, get_failure_limit

    cool_off = get_cool_off(request)
    context = {"failure_limit": get_failure_limit(request, credentials)}
    if cool_off:
        context["cooloff_minutes"] = max(1, round(cool_off.total_seconds() / 60))
    response = render(request, "axes/lockout.html", context, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


def csrf_failure(request, reason=""):
    """French 403 page for a form that failed the CSRF check (CSRF_FAILURE_VIEW).

    Django's own page is English, and rendered without the request, so it could not
    extend the portal's layout.
    """
    return render(request, "403_csrf.html", status=403)
