"""Client address behind reverse proxies, for django-axes' brute-force protection."""

import ipaddress

from django.conf import settings


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
