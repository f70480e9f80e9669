"""Synonym groups as tokens, so that PostgreSQL finds a group through an index instead of
testing each of its phrases in every practice.

``Practice.search_synonyms`` holds, in tsvector syntax (``zsyn12:1A,7D zsyn3:2C``), the
token of each synonym group at each place one of the group's terms stands in the
practice's texts, with that text's weight (title A, summary B, places and levers C, the
rest D); PostgreSQL keeps it as a generated tsvector with a GIN index, ``synonym_vector``
(migration 0018). Queries match a group there and rank it by its phrases in
``search_vector``, as before. A term matches where
the stems of its words follow each other, stop words left out, as a phrase matches in
SQLite's full-text table.

A group is ``indexed`` once every practice that mentions it carries its token; only then
do queries look for the token (``practices.search.Clause.token``), otherwise for the
group's terms, so that a group is searchable as soon as it is saved. Saving a group
unmarks it (``Synonym.save``); ``reindex()`` brings the practices that mention it, before
or after the change, in step and marks it, in the caller's transaction.
"""

from django.db import connections, transaction

from . import search_index
from .search import Synonyms, content_stems, load_synonyms, search_practices

# Tokens follow the texts' weights, in FTS_COLUMNS' order.
WEIGHTS = "ABCD"
# A tsvector keeps 256 positions per lexeme, and positions up to 16,383.
MAX_POSITIONS = 256
MAX_POSITION = 16383
BATCH = 500
TEXT_FIELDS = ("title", "summary", "search_places", "search_text")
# Any constant of the application's own: the key of reindex()'s lock on PostgreSQL.
ADVISORY_LOCK = 0x5359_4E4F  # "SYNO"


def load_matcher(using="default"):
    """Synonyms.matcher of the groups editors keep (one query; parsed once per process)."""
    return load_synonyms(using).matcher


def vector(texts, matcher) -> str:
    """The tokens of the groups whose terms stand in `texts` (title, summary, places,
    rest), at one position per occurrence, weighted by the text they stand in."""
    positions = {}
    n = 0
    for text, weight in zip(texts, WEIGHTS, strict=True):
        stems = search_index.stems(text).split() if text else []
        for i, first in enumerate(stems):
            for term, token in matcher.get(first, ()):
                if tuple(stems[i : i + len(term)]) == term:
                    n = min(n + 1, MAX_POSITION)
                    positions.setdefault(token, []).append(f"{n}{weight}")
    return " ".join(
        f"{token}:{','.join(places[:MAX_POSITIONS])}" for token, places in sorted(positions.items())
    )


def vector_of(practice, matcher) -> str:
    return vector([getattr(practice, field) for field in TEXT_FIELDS], matcher)


def _mentioning(practices, words):
    """The ids of the practices holding every word of a term (a superset of those where
    the term stands, found through the search index)."""
    return set(
        search_practices(practices, " ".join(words), Synonyms()).values_list("pk", flat=True)
    )


def reindex(using="default", removed=(), everything=False):
    """Give the practices the tokens of the groups not indexed yet (of every group with
    `everything`) and mark those groups indexed; `removed`: tokens of deleted groups,
    taken off the practices that carry them. Returns how many practices changed."""
    from .models import Practice
    from .search_models import Synonym

    practices = Practice.objects.using(using)
    with transaction.atomic(using=using):
        _one_at_a_time(using)
        pending = Synonym.objects.using(using).all()
        if not everything:
            pending = pending.filter(indexed=False)
        pending = list(pending.values_list("terms", "pk", "indexed"))
        if not (pending or removed or everything):
            return 0
        ids = None if everything else _naming(practices, pending, removed)
        changed = rewrite(practices, ids, load_matcher(using))
        Synonym.objects.using(using).filter(pk__in=[pk for _, pk, _ in pending]).update(
            indexed=True
        )
    return changed


def _naming(practices, pending, removed):
    """The ids of the practices that carry the token of a pending group or of a removed
    one, or that hold the words of a pending group's term (a query per term)."""
    tokens = [search_index.synonym_token(pk) for _, pk, _ in pending] + list(removed)
    ids = set()
    for token in tokens:
        carrying = practices.filter(search_synonyms__contains=f"{token}:")
        ids |= set(carrying.values_list("pk", flat=True))
    for group in Synonyms.from_rows(pending).groups:
        for words in group:
            if content_stems(words):
                ids |= _mentioning(practices, words)
    return ids


def _one_at_a_time(using):
    """Wait for any other reindex to commit: two groups saved at once would each write
    the tokens of a practice naming both without the other's (on SQLite, writes already
    wait for each other). Raw SQL: the ORM has no advisory lock, and a row lock taken
    after each admin's own save could deadlock the two."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])


def rewrite(practices, ids, matcher):
    """Rewrite the tokens of the practices `ids` (all of them if None), by batch of ids:
    SQLite cannot write a table it is reading through a cursor."""
    if ids is None:
        ids = practices.values_list("pk", flat=True)
    ids = sorted(ids)
    changed = 0
    for start in range(0, len(ids), BATCH):
        batch = []
        rows = practices.filter(pk__in=ids[start : start + BATCH]).only(
            *TEXT_FIELDS, "search_synonyms"
        )
        for practice in rows:
            tokens = vector_of(practice, matcher)
            if tokens != practice.search_synonyms:
                practice.search_synonyms = tokens
                batch.append(practice)
        if batch:
            practices.bulk_update(batch, ["search_synonyms"])
            changed += len(batch)
    return changed
