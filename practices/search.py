"""Text search over practices, French and accent-insensitive, ranked on every database.

A query is read the same way on both databases (``parse``): folded words, article
references as one token (« L. 2113-12 » → ``l2113x12``), stop words dropped, and each
word or phrase that belongs to a synonym group (``Synonym``, edited in the admin)
replaced by « any term of the group ». Every part must match; the last plain word of
4 letters or more also matches as a prefix (shorter ones, acronyms above all, match
whole words only).

PostgreSQL: full-text search on ``practices_practice.search_vector``, a stored
generated tsvector with a GIN index, built with the ``french_unaccent`` configuration
(migrations 0004 and 0011), which stems the query's words and phrases like the index;
ranked with ts_rank (title A, summary B, places and levers C, the rest D).

SQLite: the FTS5 table ``practice_search`` (practices.search_index), whose texts and
queries are stemmed in Python with the Snowball French stemmer PostgreSQL also uses;
ranked with bm25 and the same column weights.

Queries never reach SQL as syntax: they are folded and cut into ``[0-9a-z]`` words
first, so NUL bytes, punctuation or operators cannot break a query.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorExact,
    SearchVectorField,
)
from django.db import connections
from django.db.models import Case, Expression, F, FloatField, Value, When
from django.db.models.expressions import Col
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .search_index import FTS_WEIGHTS, stem
from .text import STOP_WORDS, fold, normalize_legal_references

SEARCH_CONFIG = "french_unaccent"
VECTOR_COLUMN = "search_vector"
MAX_QUERY_LENGTH = 1000
MAX_TERMS = 12
MAX_TERM_LENGTH = 60
# A shorter last word would match too many lexemes as a prefix; 2- and 3-letter words
# are mostly acronyms (RSA, ESS, EA), which must match whole words only.
PREFIX_MIN_LENGTH = 4
# The longest synonym term looked for in a query, in words.
MAX_PHRASE_WORDS = 24
# ts_rank divided by 1 + log(length): long practices do not win by length alone, as
# with bm25 on SQLite.
RANK_NORMALIZATION = 1

_QUERY_WORD = re.compile(r"[0-9a-z]+")
_TEXT_WORD = re.compile(r"\w+")
_ARTICLE_WORD = re.compile(r"\b(?:articles?|art)\b\.?(?=\s*[ldr]\d{4}x)")

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


# Parsing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Clause:
    """One part of a query: any of its alternatives (tuples of folded words) must match."""

    alternatives: tuple[tuple[str, ...], ...]
    prefix: bool = False


def _words(text) -> list[str]:
    folded = normalize_legal_references(fold(str(text or "")[:MAX_QUERY_LENGTH]))
    # « article L2113-12 »: texts cite articles without the word.
    folded = _ARTICLE_WORD.sub("", folded)
    return [word[:MAX_TERM_LENGTH] for word in _QUERY_WORD.findall(folded)]


def _key(words) -> tuple[str, ...]:
    """What a term is compared by: its stems, stop words aside (« AI » is one)."""
    return tuple(stem(w) for w in words if w not in STOP_WORDS) or tuple(words)


@dataclass(frozen=True)
class Synonyms:
    """The synonym groups, indexed by the stems of each term."""

    groups: tuple[tuple[tuple[str, ...], ...], ...] = ()

    @functools.cached_property
    def by_key(self):
        """{a term's key: the terms a query must look for}: every term is recognised,
        fewer are looked for (see _without_redundant_terms).

        Built by load_synonyms(), so that the copy kept in the cache carries it: built
        after each unpickling, it took ~1.5 ms of every search request (30 groups)."""
        return {
            _key(term): _without_redundant_terms(group) for group in self.groups for term in group
        }

    @classmethod
    def from_texts(cls, texts):
        from .search_models import split_terms

        groups = []
        for text in texts:
            terms = tuple(dict.fromkeys(tuple(_words(t)) for t in split_terms(text)))
            terms = tuple(t for t in terms if t)
            if len(terms) > 1:
                groups.append(terms)
        return cls(tuple(groups))


def _stems_of(words):
    return tuple(stem(w) for w in words if w not in STOP_WORDS)


def _contains(longer, shorter):
    n = len(shorter)
    return any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def _without_redundant_terms(terms):
    """A group's terms without those that contain another one: whatever « clause sociale
    d'insertion » finds, « clause sociale » finds too, and phrases cost a check each."""
    keys = {term: _stems_of(term) for term in terms}
    return tuple(
        term
        for term in terms
        if not any(
            other != term
            and keys[other]
            and keys[other] != keys[term]
            and _contains(keys[term], keys[other])
            for other in terms
        )
    )


def load_synonyms(using="default") -> Synonyms:
    """The groups editors keep in the admin (one small query; PracticeFilter.synonyms()
    keeps them in the cache under the content version)."""
    from .search_models import Synonym

    synonyms = Synonyms.from_texts(Synonym.objects.using(using).values_list("terms", flat=True))
    synonyms.by_key  # noqa: B018 - built before the cache pickles the groups (see by_key)
    return synonyms


def parse(query, synonyms: Synonyms | None = None) -> list[Clause]:
    """The clauses of a query, every one of which must match."""
    return list(_parse(str(query or ""), synonyms))


# A request reads its query four or five times (filter, ranking, facets, suggestion).
@functools.lru_cache(maxsize=64)
def _parse(query, synonyms) -> tuple[Clause, ...]:
    words = _words(query)
    by_key = synonyms.by_key if synonyms else {}
    clauses = []
    seen = set()
    i = 0
    while i < len(words) and len(clauses) < MAX_TERMS:
        group, end = None, i + 1
        for j in range(min(len(words), i + MAX_PHRASE_WORDS), i, -1):
            span = words[i:j]
            # A phrase neither starts nor ends with a stop word: « de l'ESS » is « ESS ».
            if j - i > 1 and (span[0] in STOP_WORDS or span[-1] in STOP_WORDS):
                continue
            group = by_key.get(_key(span))
            if group:
                end = j
                break
        if group:
            clause = Clause(group)
        elif len(words[i]) < 2 or words[i] in STOP_WORDS:
            clause = None
        else:
            clause = Clause(((words[i],),))
        i = end
        if clause and clause.alternatives not in seen:
            seen.add(clause.alternatives)
            clauses.append(clause)
    if clauses and len(clauses[-1].alternatives) == 1:
        (last,) = clauses[-1].alternatives
        if len(last) == 1 and len(last[0]) >= PREFIX_MIN_LENGTH and last[0].isalpha():
            clauses[-1] = Clause(clauses[-1].alternatives, prefix=True)
    return tuple(clauses)


def _content(words) -> tuple[str, ...]:
    return tuple(w for w in words if w not in STOP_WORDS)


# PostgreSQL ------------------------------------------------------------------------


def _alternative_queries(clause) -> list[tuple[tuple[str, ...], SearchQuery]]:
    """[(words, their tsquery)] of a clause's alternatives."""
    queries = []
    for words in clause.alternatives:
        if not _content(words):
            continue  # only stop words: the index has none of them
        if len(words) == 1:
            # Only [0-9a-z] words: to_tsquery cannot meet a syntax error.
            text = words[0] + (":*" if clause.prefix else "")
            query = SearchQuery(text, config=SEARCH_CONFIG, search_type="raw")
        else:
            query = SearchQuery(" ".join(words), config=SEARCH_CONFIG, search_type="phrase")
        queries.append((words, query))
    return queries


def tsquery(clauses) -> SearchQuery | None:
    """The clauses as a tsquery: phrases with phraseto_tsquery, each stemmed by french_unaccent."""
    combined = None
    for clause in clauses:
        either = None
        for _, part in _alternative_queries(clause):
            either = part if either is None else either | part
        if either is not None:
            combined = either if combined is None else combined & either
    return combined


def ts_rank(clauses):
    """The sum, over the clauses, of the ranks of the alternatives that match.

    One ts_rank of the whole query would score every word of every synonym phrase where
    it stands alone (« achats » and « responsables » for SPASER): a practice citing the
    acronym in its title would rank below one that uses those common words. Like bm25
    on SQLite, a phrase counts only where it matches.
    """
    vector = PracticeSearchVector()
    total = None
    for clause in clauses:
        queries = _alternative_queries(clause)
        if not queries:
            continue
        # Summed like bm25 sums its phrases: each synonym used adds to the score.
        score = None
        for words, query in queries:
            rank = SearchRank(vector, query, normalization=RANK_NORMALIZATION)
            if len(queries) > 1 and len(words) > 1:
                # A phrase that does not match would still score its words.
                rank = Case(
                    When(SearchVectorExact(vector, query), then=rank),
                    default=Value(0.0),
                    output_field=FloatField(),
                )
            score = rank if score is None else score + rank
        total = score if total is None else total + score
    return total


# SQLite ----------------------------------------------------------------------------


def fts_query(clauses) -> str | None:
    """The clauses as an FTS5 query over stems: ("siae" OR "structur insert activ econom")."""
    parts = []
    for clause in clauses:
        alternatives = []
        for words in clause.alternatives:
            content = _content(words)
            if content:
                # Stems are [0-9a-z] only: nothing in them can end the quoted string.
                phrase = '"' + " ".join(stem(w) for w in content) + '"'
                alternatives.append(phrase + ("*" if clause.prefix else ""))
        if alternatives:
            parts.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(parts) or None


def bm25():
    """The relevance of a searched queryset's matches on SQLite (see SearchEntry)."""
    from .search_models import Bm25

    return Bm25(F("search_entry__document"), *(Value(w) for w in FTS_WEIGHTS))


# Both ------------------------------------------------------------------------------


def _on_postgresql(queryset) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def _clauses(queryset, query, synonyms):
    """(the query's clauses, the synonyms they were read with)."""
    if not _words(query):
        return [], synonyms  # nothing to look up
    synonyms = synonyms or load_synonyms(queryset.db)
    return parse(query, synonyms), synonyms


def search_practices(queryset, query, synonyms: Synonyms | None = None):
    """Practices matching every part of the query; all of them when it has no word.

    `synonyms` (load_synonyms()) spares a query to callers that search several times.
    """
    clauses, synonyms = _clauses(queryset, query, synonyms)
    if _on_postgresql(queryset):
        parsed = tsquery(clauses)
        if parsed is None:
            return queryset
        queryset = queryset.filter(SearchVectorExact(PracticeSearchVector(), parsed))
    else:
        match = fts_query(clauses)
        if match is None:
            return queryset
        # bm25 ranks only the rows a MATCH found (see order_by_relevance).
        queryset = queryset.filter(search_entry__document__match=match)
    return queryset


# Best matches first, most recent first among equals.
RELEVANCE_ORDER = ("-search_rank", "-published_at", "-pk")


def relevance(queryset, query, synonyms: Synonyms | None = None):
    """The ranking of a query's matches in a searched queryset, or None without words."""
    clauses, _ = _clauses(queryset, query, synonyms)
    if _on_postgresql(queryset):
        return ts_rank(clauses)
    return None if fts_query(clauses) is None else bm25()


def order_by_relevance(
    queryset, query, synonyms: Synonyms | None = None, *, searched: bool = False
):
    """Best matches first (ts_rank, bm25), most recent first among equals.

    On SQLite only the matches can be ranked: the queryset is searched first unless the
    caller says it was (`searched`, as PracticeFilter does). Searched twice, it finds
    the same rows in the same order (one more MATCH condition on the same row).
    """
    _, synonyms = _clauses(queryset, query, synonyms)  # read once for both
    if not _on_postgresql(queryset) and not searched:
        queryset = search_practices(queryset, query, synonyms)
    rank = relevance(queryset, query, synonyms)
    if rank is None:
        return queryset.order_by("-published_at", "-pk")
    return queryset.annotate(search_rank=rank).order_by(*RELEVANCE_ORDER)


# Highlighting ----------------------------------------------------------------------


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
    for word in _words(query):
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
