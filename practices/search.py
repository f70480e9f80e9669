"""Text search over practices, French and accent-insensitive on every database.

PostgreSQL: full-text search on ``practices_practice.search_vector``, a stored
generated tsvector with a GIN index, built with the ``french_unaccent`` text
search configuration (migration 0004). French stemming matches singular and
plural, the last query word also matches as a prefix, and results can be ranked
(title above summary above the rest).

Other databases (SQLite): every folded query word, reduced to a crude singular,
must appear in the folded ``Practice.search_text``.

Queries never reach SQL as syntax: they are folded and cut into ``[0-9a-z]`` words
first, so NUL bytes, punctuation or tsquery operators cannot break a query.
"""

import functools
import re
import unicodedata

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorExact,
    SearchVectorField,
)
from django.db import connections
from django.db.models import Expression
from django.db.models.expressions import Col
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .text import STOP_WORDS, fold, search_terms

SEARCH_CONFIG = "french_unaccent"
VECTOR_COLUMN = "search_vector"
MAX_QUERY_LENGTH = 1000
MAX_TERMS = 12
MAX_TERM_LENGTH = 60
# A shorter last word would match too many lexemes as a prefix.
PREFIX_MIN_LENGTH = 3

_QUERY_WORD = re.compile(r"[0-9a-z]+")
_TEXT_WORD = re.compile(r"\w+")

# The column exists in the database only (see migration 0004), so the ORM never
# writes or selects it; this detached field lets a Col point at it.
_VECTOR_FIELD = SearchVectorField()
_VECTOR_FIELD.set_attributes_from_name(VECTOR_COLUMN)


class PracticeSearchVector(Expression):
    """practices_practice.search_vector, under whatever alias the query gives the table."""

    output_field = SearchVectorField()

    def resolve_expression(self, query=None, *args, **kwargs):
        # A Col is relabelled like any other column when the query becomes a subquery.
        return Col(query.get_initial_alias(), _VECTOR_FIELD)


def _query_words(query) -> list[str]:
    """Folded words of a query, without stop words, duplicates or absurd lengths."""
    words = []
    for word in _QUERY_WORD.findall(fold(str(query or "")[:MAX_QUERY_LENGTH])):
        word = word[:MAX_TERM_LENGTH]
        if len(word) >= 2 and word not in STOP_WORDS and word not in words:
            words.append(word)
    return words[:MAX_TERMS]


def tsquery(query) -> SearchQuery | None:
    """All words must match (French stems), the last one also as a prefix; None if no word."""
    words = _query_words(query)
    if not words:
        return None
    if len(words[-1]) >= PREFIX_MIN_LENGTH:
        words[-1] += ":*"
    # Only [0-9a-z] words joined by "&": to_tsquery cannot meet a syntax error.
    return SearchQuery(" & ".join(words), config=SEARCH_CONFIG, search_type="raw")


def _on_postgresql(queryset) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def search_practices(queryset, query):
    """Practices matching every word of the query; all of them when it has no word."""
    if _on_postgresql(queryset):
        parsed = tsquery(query)
        if parsed is None:
            return queryset
        return queryset.filter(SearchVectorExact(PracticeSearchVector(), parsed))
    for term in search_terms(str(query or "")[:MAX_QUERY_LENGTH], limit=MAX_TERMS):
        queryset = queryset.filter(search_text__contains=term)
    return queryset


# Best matches first, most recent first among equals.
RELEVANCE_ORDER = ("-search_rank", "-published_at", "-pk")


def relevance(queryset, query) -> SearchRank | None:
    """The ranking of a query's matches (ts_rank), or None without one (SQLite, no word)."""
    parsed = tsquery(query) if _on_postgresql(queryset) else None
    return None if parsed is None else SearchRank(PracticeSearchVector(), parsed)


def order_by_relevance(queryset, query):
    """Best matches first on PostgreSQL (ts_rank), most recent first among equals.

    Without a ranking function on SQLite, the most recent matches come first.
    """
    rank = relevance(queryset, query)
    if rank is None:
        return queryset.order_by("-published_at", "-pk")
    return queryset.annotate(search_rank=rank).order_by(*RELEVANCE_ORDER)


def crude_stem(word: str) -> str:
    """A folded word without its French plural or feminine ending: sociales, sociaux → social."""
    if len(word) > 4 and word.endswith("aux"):
        return word[:-3] + "al"
    if len(word) > 3 and word[-1] in "sx":
        word = word[:-1]
    if len(word) > 4 and word[-1] == "e":
        word = word[:-1]
    return word


@functools.lru_cache(maxsize=256)
def highlight_stems(query) -> tuple[str, ...]:
    # Cached: a results page highlights the same query in every title and summary.
    stems = []
    for word in _query_words(query):
        stem = crude_stem(word)
        if stem not in stems:
            stems.append(stem)
    return tuple(stems)


@functools.lru_cache(maxsize=8192)
def _word_stem(word: str) -> str:
    # Cards repeat the same words from page to page: fold each one once per process.
    return crude_stem(fold(word))


def _matches(word: str, stems: tuple[str, ...]) -> bool:
    stem = _word_stem(word)
    # Short stems must match whole words: "pri" (prix) should not light up "principal".
    return any(stem.startswith(s) if len(s) > PREFIX_MIN_LENGTH else stem == s for s in stems)


def highlight(text, query) -> SafeString:
    """The text, HTML-escaped, with the words matching the query wrapped in <mark>.

    Matching is accent- and case-insensitive and tolerates plurals: a text word
    matches when its crude stem starts with a query word's crude stem. The text is
    treated as plain text (escaped even when marked safe); the query is never output.
    """
    text = unicodedata.normalize("NFC", "" if text is None else str(text))
    stems = highlight_stems(query)
    if not stems:
        return escape(text)
    parts = []
    position = 0
    for match in _TEXT_WORD.finditer(text):
        if _matches(match.group(), stems):
            parts += [escape(text[position : match.start()]), "<mark>", escape(match.group())]
            parts.append("</mark>")
            position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above
