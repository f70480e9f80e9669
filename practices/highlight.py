"""Search highlighting: the words of a text that match a query, wrapped in <mark>.

Matching here is for the eye, not for finding (practices.search finds): accent- and
case-insensitive, tolerant of plurals by a crude French singular, on both databases.
"""

import functools
import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .search import MAX_TERMS, PREFIX_MIN_LENGTH, query_words
from .text import STOP_WORDS, fold

_TEXT_WORD = re.compile(r"\w+")


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
    for word in query_words(query):
        if len(word) < 2 or word in STOP_WORDS:
            continue
        word_stem = crude_stem(word)
        if word_stem not in stems:
            stems.append(word_stem)
    return tuple(stems[:MAX_TERMS])


@functools.lru_cache(maxsize=8192)
def _word_stem(word: str) -> str:
    # Cards repeat the same words from page to page: fold each one once per process.
    return crude_stem(fold(word))


# Cached too: a page's cards test ~700 words against the same stems (24 highlighted
# titles and summaries: 0.76 -> 0.30 ms, best of 200).
@functools.lru_cache(maxsize=16384)
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
