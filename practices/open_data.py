"""What the feed and the CSV export share: the list's filters, or a plain-text 400."""

from django.http import HttpResponseBadRequest

from .filters import PracticeFilter
from .models import Practice


def published_filterset(request, what):
    """The list page's FilterSet over published practices, and a 400 when a parameter is bad.

    Built exactly as the list page builds it, so a feed or a file holds what the list shows.
    `what` completes « Paramètres invalides pour … » in the error.
    """
    filterset = PracticeFilter(
        request.GET or None, queryset=Practice.objects.published(), request=request
    )
    return filterset, invalid_parameters(filterset, what)


def invalid_parameters(filterset, what):
    """A plain-text 400 listing the filter set's bad parameters, or None when all are valid."""
    if not filterset.is_bound or filterset.is_valid():
        return None
    lines = [
        f"{name} : {message}" for name, messages in filterset.errors.items() for message in messages
    ]
    return HttpResponseBadRequest(
        f"Paramètres invalides pour {what} :\n" + "\n".join(lines) + "\n",
        content_type="text/plain; charset=utf-8",
    )
