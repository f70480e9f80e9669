"""Absolute links to the portal's own pages, for the API, the CSV export and emails."""

from django.conf import settings


def absolute_url(request, path):
    """`path` ("/pratiques/…") as a full URL: under DJANGO_SITE_URL when it is set (an
    email or a document outlives the request, and the host it came through may be an
    internal one), else on the scheme and host of the request."""
    if settings.SITE_URL:
        return settings.SITE_URL + path
    return request.build_absolute_uri(path)
