"""The per-address rate limit shared by every public form.

    limit = RateLimit(request, "proposals", settings.PORTAL_PROPOSALS_PER_HOUR)
    if limit.exceeded():
        return too_many_requests(request, limit, noun="propositions")
    …validate…
    if not limit.hit():           # counts this submission
        return too_many_requests(request, limit, noun="propositions")

Counted by django-ratelimit in the "ratelimit" cache (settings.RATELIMIT_USE_CACHE):
Redis when REDIS_URL is set, else files shared by all the worker processes of one
server. Each scope (one per form) has its own counts. The client address
(procurement_portal.security.client_ip, proxies honoured) is keyed with the secret key
(HMAC): a plain hash of an IPv4 address is reversed by trying all 2^32 of them. The
limit is part of django-ratelimit's key: changing it starts the counts afresh.

A failing cache lets submissions through, with a warning: the other defences (CSRF,
honeypot, field limits, editors' review) still hold, and a visitor never gets a 500.
"""

import ipaddress
import logging

from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django_ratelimit.core import get_usage

from .security import client_ip

logger = logging.getLogger(__name__)

HOUR = 3600


def rate_limit_client(request):
    """Who a rate limit counts: the client address, an IPv6 one as its /64 network (one
    subscriber or host usually holds a whole /64 and picks any address in it)."""
    address = client_ip(request) or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped is not None:  # ::ffff:203.0.113.9 is the IPv4 client
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class RateLimit:
    """At most `limit` submissions per client (rate_limit_client) and `window` seconds,
    per `scope`, counted by django-ratelimit (core.get_usage: a fixed window per client,
    atomic add() and incr() in Redis)."""

    def __init__(self, request, scope, limit, window=HOUR):
        address = rate_limit_client(request)
        # What django-ratelimit counts: its cache key is a plain hash of this value.
        self.client_key = salted_hmac(
            f"{scope}-rate-limit", address, algorithm="sha256"
        ).hexdigest()[:32]
        self.request = request
        self.scope = scope
        self.limit = limit
        self.window = window
        # Seconds until the client's window ends, as the last count said (the whole
        # window until then).
        self.seconds_left = window

    def _usage(self, increment):
        """django-ratelimit's count, or None when the cache fails: it lets only socket
        errors through (RATELIMIT_FAIL_OPEN), and Redis down raises ConnectionError."""
        try:
            usage = get_usage(
                self.request,
                group=self.scope,
                key=lambda group, request: self.client_key,
                rate=(self.limit, self.window),
                increment=increment,
            )
        except Exception as error:
            logger.warning("Rate limit %s unavailable, submission allowed: %r", self.scope, error)
            return None
        if usage is not None:
            # time_left counts to the window's last second, which still belongs to it.
            self.seconds_left = min(self.window, max(1, usage["time_left"] + 1))
        return usage

    @property
    def minutes_left(self):
        """The wait before a submission is accepted again, in whole minutes (at least 1)."""
        return max(1, -(-self.seconds_left // 60))

    def exceeded(self):
        """Whether the limit is already reached (counts nothing)."""
        usage = self._usage(increment=False)
        return usage is not None and usage["count"] >= self.limit

    def hit(self):
        """Count one submission; False when it goes over the limit.

        Concurrent submissions cannot all slip under the limit with Redis (atomic incr());
        with files, two workers counting at the same instant may count one: the limit is
        a brake, not a quota.
        """
        usage = self._usage(increment=True)
        return usage is None or not usage["should_limit"]


def too_many_requests(request, limit, noun, template="429.html", feminine=True):
    """The French 429 page (« `limit.limit` `noun` au plus par heure… réessayez dans 12
    minutes »), with Retry-After: when the client's hourly window ends. `feminine`: the
    noun's gender, for « envoyées » or « envoyés »."""
    context = {
        "limit": limit.limit,
        "noun": noun,
        "sent": "envoyées" if feminine else "envoyés",
        "minutes_left": limit.minutes_left,
    }
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(limit.seconds_left)
    return response
