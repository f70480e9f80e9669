"""A page cache for anonymous visitors, invalidated whenever public content changes.

Keys carry the content version (procurement_portal.content_version: one database row,
bumped after any committed change to public content, see procurement_portal.invalidation,
and when a scheduled publication becomes due), so an edit shows at once on every app
server, whatever the cache backend. Only responses that depend on nothing but the URL are stored:
a request with a session cookie (staff) is never served from the cache, and a
response that set a cookie, varies on cookies (session read, CSRF token) or is
marked private is never stored.

A cache that fails (Redis unreachable) is a miss, never an error: the page is built
as if nothing were cached (safe_cache_get and safe_cache_set).

Views keep data of their own under the same version with cached_for_content() (the
facet labels of list pages).
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import has_vary_header, patch_cache_control, set_response_etag

from .content_version import ContentVersion

logger = logging.getLogger(__name__)

# HEAD too: monitors and proxies that probe with it get the same ETag and headers,
# from the cache. Views answer HEAD as GET (require_safe), with the whole body, which
# the server drops: a response built for HEAD is a valid one for GET.
CACHED_METHODS = frozenset({"GET", "HEAD"})
EXCLUDED_PREFIXES = ("/admin/", "/bench/")


def safe_cache_get(key, default=None):
    """cache.get(), with a failing cache read as a miss: a cache outage must cost
    speed, not pages."""
    try:
        return cache.get(key, default)
    except Exception as error:
        logger.warning("Cache unavailable, read as a miss: %r", error)
        return default


def safe_cache_set(key, value, timeout):
    """cache.set(), skipped with a warning when the cache fails."""
    try:
        cache.set(key, value, timeout)
    except Exception as error:
        logger.warning("Cache unavailable, nothing stored: %r", error)


def is_cacheable_request(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in CACHED_METHODS
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path_info.startswith(EXCLUDED_PREFIXES)
    )


def is_cacheable_response(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not has_vary_header(response, "Cookie")
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
    )


def cache_key(request, version, next_due):
    due = next_due.timestamp() if next_due else 0
    # Scheme and host too: pages hold absolute links (canonical, feed, sitemap). Hashed,
    # so that a 10,000-character query string makes a key of the usual size.
    url = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"page:{version}:{due}:{url}"


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES and not response.has_header(
                "Cache-Control"
            ):
                patch_cache_control(response, private=True)
            return response

        # Kept on the request for cached_for_content().
        request.content_version = ContentVersion.objects.current()
        key = cache_key(request, *request.content_version)
        response = safe_cache_get(key)
        if response is not None:
            return response
        response = self.get_response(request)
        if is_cacheable_response(response):
            # Visitors and shared caches may keep the page but must ask again each time:
            # the ETag then answers 304 while the content is unchanged.
            patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
            set_response_etag(response)
            safe_cache_set(key, response, settings.PAGE_CACHE_SECONDS)
        return response


def cached_for_content(request, name, build):
    """build(), kept in the cache until public content changes.

    Only when this middleware read the content version for the request (an anonymous
    visitor, page cache on); otherwise (editors, cache off) built afresh each time.
    """
    version = getattr(request, "content_version", None)
    if version is None:
        return build()
    key = f"{name}:{version[0]}"
    value = safe_cache_get(key)
    if value is None:
        value = build()
        safe_cache_set(key, value, settings.PAGE_CACHE_SECONDS)
    return value
