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
ranked with ts_rank (title A, summary B, places and levers C, the rest D). A synonym
group the practices carry as a token of their own (practices.search_synonyms) is
matched by that token, in ``synonym_vector`` and its GIN index, instead of by testing
each of its phrases in every practice; it is ranked by its phrases all the same.

SQLite: the FTS5 table ``practice_search`` (practices.search_index), whose texts and
queries are stemmed in Python with the Snowball French stemmer PostgreSQL also uses;
ranked with bm25 and the same column weights.

Queries never reach SQL as syntax: they are folded and cut into ``[0-9a-z]`` words
first, so NUL bytes, punctuation or operators cannot break a query.
"""

import functools
import re
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

from .search_index import FTS_WEIGHTS, SYNONYM_TOKEN, stem, synonym_token
from .text import STOP_WORDS, fold, normalize_legal_references

SEARCH_CONFIG = "french_unaccent"
VECTOR_COLUMN = "search_vector"
SYNONYM_VECTOR_COLUMN = "synonym_vector"
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
_ARTICLE_WORD = re.compile(r"\b(?:articles?|art)\b\.?(?=\s*[ldr]\d{4}x)")


# The columns exist in the database only (see migrations 0004 and 0018), so the ORM never
# writes or selects them; these detached fields let a Col point at them.
def _detached_vector(column):
    field = SearchVectorField()
    field.set_attributes_from_name(column)
    return field


class PracticeSearchVector(Expression):
    """practices_practice.search_vector, under whatever alias the query gives the table."""

    output_field = SearchVectorField()
    field = _detached_vector(VECTOR_COLUMN)

    def resolve_expression(self, query=None, *args, **kwargs):
        # A Col is relabelled like any other column when the query becomes a subquery.
        return Col(query.get_initial_alias(), self.field)


class PracticeSynonymVector(PracticeSearchVector):
    """practices_practice.synonym_vector: the synonym groups' tokens (search_synonyms)."""

    field = _detached_vector(SYNONYM_VECTOR_COLUMN)


# Parsing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Clause:
    """One part of a query: any of its alternatives (tuples of folded words) must match.

    `token`: the synonym group's token, once every practice naming the group carries it
    (PostgreSQL matches it in synonym_vector, then ranks the alternatives; SQLite ignores it).
    """

    alternatives: tuple[tuple[str, ...], ...]
    prefix: bool = False
    token: str | None = None


def query_words(text) -> list[str]:
    """The folded words of a query or a synonym term, article references as one word."""
    folded = normalize_legal_references(fold(str(text or "")[:MAX_QUERY_LENGTH]))
    # « article L2113-12 »: texts cite articles without the word.
    folded = _ARTICLE_WORD.sub("", folded)
    return [
        word[:MAX_TERM_LENGTH]
        for word in _QUERY_WORD.findall(folded)
        # A synonym group's token is the index's, not a word anyone searches for.
        if not SYNONYM_TOKEN.fullmatch(word)
    ]


def _key(words) -> tuple[str, ...]:
    """What a term is compared by: its stems, stop words aside (« AI » is one)."""
    return tuple(stem(w) for w in words if w not in STOP_WORDS) or tuple(words)


@dataclass(frozen=True)
class Synonyms:
    """The synonym groups, indexed by the stems of each term.

    `tokens`: each group's token (practices.search_synonyms); `indexed`: whether every
    practice naming the group carries it, else a query looks for the group's terms.
    """

    groups: tuple[tuple[tuple[str, ...], ...], ...] = ()
    tokens: tuple[str, ...] = ()
    indexed: tuple[bool, ...] = ()

    @functools.cached_property
    def by_key(self):
        """{a term's key: (the terms a query must look for, the group's token or None)}:
        every term is recognised, fewer are looked for (see _without_redundant_terms).

        Built by load_synonyms(), so that the copy kept in the cache carries it: built
        after each unpickling, it took ~1.5 ms of every search request (30 groups)."""
        return {
            _key(term): (_without_redundant_terms(group), token if indexed else None)
            for group, token, indexed in zip(self.groups, self.tokens, self.indexed, strict=True)
            for term in group
        }

    @functools.cached_property
    def matcher(self):
        """{first stem of a term: ((the term's stems, its group's token), …)} over every
        group, indexed or not: what practices.search_synonyms looks for in a practice's
        texts, the terms a query would look for (a longer term holds a shorter one)."""
        found = {}
        for group, token in zip(self.groups, self.tokens, strict=True):
            for term in _without_redundant_terms(group):
                stems = content_stems(term)
                if stems:  # « AI » alone is a stop word: no text holds it either
                    found.setdefault(stems[0], []).append((stems, token))
        return {first: tuple(terms) for first, terms in found.items()}

    @classmethod
    def from_rows(cls, rows):
        """The groups of Synonym rows (terms, pk, indexed); a row with fewer than two
        distinct terms is no group."""
        from .search_models import split_terms

        groups, tokens, indexed = [], [], []
        for text, pk, is_indexed in rows:
            terms = tuple(dict.fromkeys(tuple(query_words(t)) for t in split_terms(text)))
            terms = tuple(t for t in terms if t)
            if len(terms) > 1:
                groups.append(terms)
                tokens.append(synonym_token(pk))
                indexed.append(bool(is_indexed))
        return cls(tuple(groups), tuple(tokens), tuple(indexed))


def content_stems(words):
    """The stems of a term's words, stop words left out: how a text holds the term."""
    return tuple(stem(w) for w in words if w not in STOP_WORDS)


def _contains(longer, shorter):
    n = len(shorter)
    return any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def _without_redundant_terms(terms):
    """A group's terms without those that contain another one: whatever « clause sociale
    d'insertion » finds, « clause sociale » finds too, and phrases cost a check each."""
    keys = {term: content_stems(term) for term in terms}
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

    return _synonyms_of(tuple(Synonym.objects.using(using).values_list("terms", "pk", "indexed")))


# Every practice saved reads the groups (for its synonym tokens), as does every search
# the page cache does not serve: parsed once per process for the same rows (36 groups:
# 1.24 ms parsed, 0.18 ms with the query alone, medians of 200).
@functools.lru_cache(maxsize=8)
def _synonyms_of(rows) -> Synonyms:
    synonyms = Synonyms.from_rows(rows)
    synonyms.by_key  # noqa: B018 - built before the cache pickles the groups (see by_key)
    return synonyms


def parse(query, synonyms: Synonyms | None = None) -> list[Clause]:
    """The clauses of a query, every one of which must match."""
    return list(_parse(str(query or ""), synonyms))


# A request reads its query four or five times (filter, ranking, facets, suggestion).
@functools.lru_cache(maxsize=64)
def _parse(query, synonyms) -> tuple[Clause, ...]:
    words = query_words(query)
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
            clause = Clause(group[0], token=group[1])
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
    """The clauses as a tsquery of search_vector: phrases with phraseto_tsquery, each
    stemmed by french_unaccent (the synonym groups looked up by token aside)."""
    combined = None
    for clause in clauses:
        if clause.token:
            continue  # token_tsquery()
        either = None
        for _, part in _alternative_queries(clause):
            either = part if either is None else either | part
        if either is not None:
            combined = either if combined is None else combined & either
    return combined


def token_tsquery(clauses) -> SearchQuery | None:
    """The synonym groups of the clauses that practices carry as tokens, as a tsquery of
    synonym_vector (the "simple" configuration keeps a [0-9a-z] token as it is)."""
    combined = None
    for clause in clauses:
        if clause.token:
            part = SearchQuery(clause.token, config="simple", search_type="raw")
            combined = part if combined is None else combined & part
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
    if not query_words(query):
        return [], synonyms  # nothing to look up
    synonyms = synonyms or load_synonyms(queryset.db)
    return parse(query, synonyms), synonyms


def search_practices(queryset, query, synonyms: Synonyms | None = None):
    """Practices matching every part of the query; all of them when it has no word.

    `synonyms` (load_synonyms()) spares a query to callers that search several times.
    """
    clauses, synonyms = _clauses(queryset, query, synonyms)
    if _on_postgresql(queryset):
        parsed, tokens = tsquery(clauses), token_tsquery(clauses)
        if parsed is None and tokens is None:
            return queryset
        if tokens is not None:
            # Through synonym_vector's GIN index: the synonym search at 10,000 practices,
            # where the phrases were tested in every row, 16.9 -> 11.3 ms (psycopg2 alone,
            # median of 15; ranking unchanged).
            queryset = queryset.filter(SearchVectorExact(PracticeSynonymVector(), tokens))
        if parsed is not None:
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
