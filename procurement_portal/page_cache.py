"""A page cache for anonymous visitors, invalidated whenever public content changes.

Each entry holds the content version it was built under (procurement_portal.content_version:
one database row, bumped after any committed change to public content, see
procurement_portal.invalidation, and when a scheduled publication becomes due) and is
fresh only under that version, so an edit shows at once on every app server, whatever
the cache backend. The cache is shared by the workers (files, or Redis with REDIS_URL):
while the database is unreachable, the last version of a page is served from it
(stale-if-error, procurement_portal.outage).

Only responses that depend on nothing but the URL are stored: a request with a session
cookie (staff) is never served from the cache, and a response that set a cookie, varies
on cookies (session read, CSRF token) or is marked private is never stored.

A cache that fails (Redis unreachable) is a miss, never an error: the page is built
as if nothing were cached (safe_cache_get and safe_cache_set).

Views keep data of their own under the same version with cached_for_content() (the
facet labels of list pages).

Memory stays bounded whatever the query strings: a view declares the query parameters
it reads (@query_parameters); the others are removed from the request before the view
runs and the key holds the declared ones in a canonical order, so `?x=1`, `?x=2`… are one
entry (a view that declares none, like the sitemap, has one key). A response over
settings.PAGE_CACHE_MAX_ENTRY_BYTES is not stored, and the disk cache is bounded in
bytes (settings.CACHES, DJANGO_PAGE_CACHE_MAX_MB).
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import QueryDict
from django.urls import Resolver404, resolve
from django.utils.cache import has_vary_header, patch_cache_control, set_response_etag

from .content_version import ContentVersion
from .outage import DATABASE_ERRORS

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


def query_parameters(*names):
    """View decorator: the query parameters the view reads. For anonymous visitors the
    page cache removes the others from the request (they cannot change the page, so they
    must not make it a new cache entry); a view without it reads none."""

    def decorate(view):
        view.page_cache_parameters = frozenset(names)
        return view

    return decorate


def canonicalize_query(request):
    """Keep only the parameters the view declares, sorted by name (each one's values in
    their order), in request.GET and the query string the view and its links see."""
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        known = frozenset()
    else:
        known = getattr(view, "page_cache_parameters", frozenset())
    if settings.PORTAL_BENCH:
        # `make bench` builds pages from scratch by giving each request its own `bench=<n>`.
        known |= {"bench"}
    query = QueryDict(mutable=True)
    for name in sorted(known & request.GET.keys()):
        query.setlist(name, request.GET.getlist(name))
    query_string = query.urlencode()
    if query_string != request.META.get("QUERY_STRING", ""):
        request.GET = QueryDict(query_string, encoding=request.encoding)
        request.META["QUERY_STRING"] = query_string


def is_cacheable_response(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and len(response.content) <= settings.PAGE_CACHE_MAX_ENTRY_BYTES
        and not response.cookies
        and not has_vary_header(response, "Cookie")
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
    )


def cache_key(request):
    # Scheme and host too: pages hold absolute links (canonical, feed, sitemap). Hashed,
    # so that a 10,000-character query string makes a key of the usual size.
    url = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"page:{url}"


class AnonymousPageCacheMiddleware:
    """One entry per canonical URL: (content version, time stored, response).

    Fresh while the content version is the one stored and PAGE_CACHE_SECONDS have not
    passed; a newer version simply replaces it. Kept PAGE_CACHE_STALE_SECONDS longer for
    stale-if-error: while the database is unreachable, the last version of the page is
    served, with its ETag (procurement_portal.outage).
    """

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

        canonicalize_query(request)
        key = cache_key(request)
        try:
            # Kept on the request for cached_for_content().
            request.content_version = tuple(ContentVersion.objects.current())
        except DATABASE_ERRORS:
            stale = self.stale(key)
            if stale is None:
                raise  # answered 503 by handler500 (procurement_portal.outage)
            return stale
        entry = safe_cache_get(key)
        if entry is not None:
            version, stored_at, response = entry
            if version == request.content_version and (
                time.time() - stored_at < settings.PAGE_CACHE_SECONDS
            ):
                return response
        response = self.get_response(request)
        if getattr(response, "database_unavailable", False):
            # The database went away while the view ran.
            return self.stale(key) or response
        if is_cacheable_response(response):
            # Visitors and shared caches may keep the page but must ask again each time:
            # the ETag then answers 304 while the content is unchanged.
            patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
            set_response_etag(response)
            safe_cache_set(
                key,
                (request.content_version, time.time(), response),
                settings.PAGE_CACHE_SECONDS + settings.PAGE_CACHE_STALE_SECONDS,
            )
        return response

    @staticmethod
    def stale(key):
        entry = safe_cache_get(key)
        if entry is None:
            return None
        logger.warning("Database unavailable: serving the cached page %s", key)
        return entry[2]


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
