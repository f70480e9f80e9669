"""Absolute links to the portal's own pages: canonical links, share links, robots.txt,
the API, the CSV export and emails."""

from django.conf import settings


def site_origin(request):
    """« https://host », without a trailing slash: DJANGO_SITE_URL when it is set (an
    email or a document outlives the request, and the host it came through may be an
    internal one), else the scheme and host of the request."""
    return settings.SITE_URL or f"{request.scheme}://{request.get_host()}"


def absolute_url(request, path):
    """`path` ("/pratiques/…") as a full URL on site_origin()."""
    return site_origin(request) + path
