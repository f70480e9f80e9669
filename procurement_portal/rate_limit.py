"""The per-address rate limit shared by every public form (proposals today).

    limit = RateLimit(request, "proposals", settings.PORTAL_PROPOSALS_PER_HOUR)
    if limit.exceeded():
        return too_many_requests(request, limit, noun="propositions")
    …validate…
    if not limit.hit():           # counts this submission
        return too_many_requests(request, limit, noun="propositions")

Counted in the "ratelimit" cache (settings.CACHES): Redis when REDIS_URL is set, else
files shared by all the worker processes of one server. Each scope (one per form) has
its own counts. The client address (procurement_portal.security.client_ip, proxies
honoured) is keyed with the secret key (HMAC): a plain hash of an IPv4 address is
reversed by trying all 2^32 of them.

A failing cache lets submissions through, with a warning: the other defences (CSRF,
honeypot, field limits, editors' review) still hold, and a visitor never gets a 500.
"""

import logging

from django.core.cache import caches
from django.shortcuts import render
from django.utils.crypto import salted_hmac

from .security import client_ip

logger = logging.getLogger(__name__)

HOUR = 3600


class RateLimit:
    """At most `limit` submissions per client address and `window` seconds, per `scope`."""

    def __init__(self, request, scope, limit, window=HOUR):
        address = client_ip(request) or "unknown"
        digest = salted_hmac(f"{scope}-rate-limit", address, algorithm="sha256").hexdigest()
        self.key = f"{scope}:{digest[:32]}"
        self.scope = scope
        self.limit = limit
        self.window = window
        self.cache = caches["ratelimit"]

    def exceeded(self):
        """Whether the limit is already reached (counts nothing)."""
        try:
            return (self.cache.get(self.key) or 0) >= self.limit
        except Exception as error:
            logger.warning("Rate limit %s unavailable, submission allowed: %r", self.scope, error)
            return False

    def hit(self):
        """Count one submission; False when it goes over the limit.

        add() starts the window only if it is not running yet; incr() is atomic in Redis,
        so concurrent submissions cannot all slip under the limit (with files, two workers
        counting at the same instant may count one; the limit is a brake, not a quota).
        """
        try:
            self.cache.add(self.key, 0, self.window)
            try:
                count = self.cache.incr(self.key)
            except ValueError:  # expired between add() and incr()
                self.cache.set(self.key, 1, self.window)
                count = 1
        except Exception as error:
            logger.warning("Rate limit %s unavailable, submission allowed: %r", self.scope, error)
            return True
        return count <= self.limit


def too_many_requests(request, limit, noun, template="429.html"):
    """The French 429 page (« `limit.limit` `noun` au plus par heure… »), with Retry-After."""
    context = {"limit": limit.limit, "noun": noun, "window_minutes": limit.window // 60}
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(limit.window)
    return response
