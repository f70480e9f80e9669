"""« Vouliez-vous dire : … ? » when a search finds few practices.

Each query word that no published practice uses is replaced by the closest word of the
vocabulary (``SearchWord``, the words of published practices): by trigram similarity,
with pg_trgm and its index on PostgreSQL, and in Python with the same measure on SQLite,
over the few hundred words that share its first letter and about its length. The
correction is proposed only if it finds practices, at least as many as the query did.
"""

import re

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connections
from django.db.models.functions import Length

from .search import load_synonyms, search_practices
from .search_index import stem
from .search_models import SearchWord
from .text import STOP_WORDS, fold

# Below this many results, a correction is looked for.
FEW_RESULTS = 3
# pg_trgm's default similarity threshold (pg_trgm.similarity_threshold).
MIN_SIMILARITY = 0.3
MAX_CORRECTED_WORDS = 4
# SQLite: the candidates compared in Python, most frequent first.
MAX_CANDIDATES = 2000
_WORD = re.compile(r"[^\W\d_]+")


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of a folded word: padded with two spaces before, one after."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(): shared trigrams over all trigrams."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta or tb else 0.0


def _closest_in_python(word, using):
    candidates = (
        SearchWord.objects.using(using)
        .annotate(length=Length("word"))
        .filter(word__startswith=word[0], length__range=(len(word) - 3, len(word) + 3))
        .order_by("-frequency", "word")
        .values_list("word", "display", "frequency")[:MAX_CANDIDATES]
    )
    scored = [(similarity(word, w), frequency, display) for w, display, frequency in candidates]
    scored = [row for row in scored if row[0] >= MIN_SIMILARITY]
    if not scored:
        return None
    best = max(scored, key=lambda row: (row[0], row[1]))
    return best[2]


def _closest_in_postgresql(word, using):
    return (
        SearchWord.objects.using(using)
        .filter(word__trigram_similar=word)  # the % operator: uses the trigram index
        .annotate(similarity=TrigramSimilarity("word", word))
        .order_by("-similarity", "-frequency", "word")
        .values_list("display", flat=True)
        .first()
    )


def closest_word(word, using="default"):
    """The written form of the vocabulary word closest to a folded word, or None."""
    if connections[using].vendor == "postgresql":
        return _closest_in_postgresql(word, using)
    return _closest_in_python(word, using)


def _suspects(words, using):
    """The folded words worth correcting: letters, not stop words, and neither they nor
    a word of the same stem (« cafés » for « café ») in the vocabulary."""
    folded = {fold(w) for w in words}
    folded = {w for w in folded if len(w) >= 3 and w not in STOP_WORDS}
    if not folded:
        return set()
    stems = {w: stem(w) for w in folded}
    known = SearchWord.objects.using(using).filter(stem__in=set(stems.values()))
    known_stems = set(known.values_list("stem", flat=True))
    return {w for w in folded if stems[w] not in known_stems}


def correction(query, using="default", synonyms=None):
    """The query with its unknown words replaced by the closest known ones, or None.

    Words of synonym terms are left alone (an acronym is rarely in the vocabulary).
    """
    words = _WORD.findall(str(query or ""))
    suspects = _suspects(words, using)
    if not suspects or len(suspects) > MAX_CORRECTED_WORDS:
        return None
    synonyms = synonyms or load_synonyms(using)
    terms = {word for group in synonyms.groups for term in group for word in term}
    replacements = {}
    for word in suspects - terms:
        closest = closest_word(word, using)
        if closest and fold(closest) != word:
            replacements[word] = closest
    if not replacements:
        return None
    corrected = _WORD.sub(lambda m: replacements.get(fold(m.group()), m.group()), str(query))
    return corrected


def suggestion(queryset, query, count, synonyms=None):
    """A corrected query that finds practices in `queryset`, at least `count`, when
    `count` (the query's) is small; None otherwise."""
    if count >= FEW_RESULTS or not str(query or "").strip():
        return None
    synonyms = synonyms or load_synonyms(queryset.db)
    corrected = correction(query, queryset.db, synonyms)
    if corrected is None:
        return None
    # As many is enough: « Mayote » finds Mayotte already, as a prefix, and is still a typo.
    found = search_practices(queryset, corrected, synonyms).count()
    return corrected if found and found >= count else None
