"""Text search over practices.

SQLite: every folded query word must appear in Practice.search_text (accent- and
case-insensitive, crude singular). PostgreSQL full-text search with a French
configuration replaces it where available.
"""

from .text import search_terms


def search_practices(queryset, query):
    terms = search_terms(query)
    if not terms:
        return queryset
    for term in terms:
        queryset = queryset.filter(search_text__contains=term)
    return queryset


def order_by_relevance(queryset, query):
    """Without a ranking function on SQLite, the most recent matches come first."""
    return queryset.order_by("-published_at", "-pk")


def highlight(text, query):
    """Escaped text; matched words wrapped in <mark> (placeholder until the search issue lands)."""
    from django.utils.html import escape

    return escape(text or "")
