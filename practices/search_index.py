"""What is indexed for search, and the indexes that are not kept by the database itself.

A practice is indexed as four texts, in decreasing weight on both databases:

1. its title;
2. its summary;
3. its places and levers: department, region and authority names, lever names and
   the articles of the levers' legal bases (``Practice.search_places``);
4. the rest: body, sectors, partners, key-figure labels (``Practice.search_text``).

PostgreSQL builds its tsvector from these columns itself (a generated column, weights
A to D, migration 0011). SQLite has a full-text table (FTS5, ``practice_search``) that
this module fills from the same texts, French-stemmed in Python with the Snowball
stemmer PostgreSQL's ``french_stem`` also uses, whenever ``search_text`` is refreshed.

The vocabulary (``SearchWord``) lists the words of published practices, for « Vouliez-
vous dire » suggestions (practices.suggest).
"""

import functools
import re
from collections import Counter

import snowballstemmer
from django.apps import apps as django_apps
from django.db import connections, router
from django.db.models import F, Q, TextField, Value
from django.db.models.functions import Concat
from django.db.models.lookups import Contains
from django.utils import timezone

from .text import STOP_WORDS, fold, legal_tokens, normalize_legal_references

FTS_TABLE = "practice_search"
# Column weights, title first: bm25's on SQLite, as ts_rank's defaults on PostgreSQL
# (A 1.0, B 0.4, C 0.2, D 0.1).
FTS_COLUMNS = ("title", "summary", "places", "rest")
FTS_WEIGHTS = (1.0, 0.4, 0.2, 0.1)
# The practice's id again, unindexed, for joins (SearchEntry): a join on the rowid lets
# SQLite run the MATCH once per practice (34 s at 10,000 practices), one on this column
# makes it read the matches first and fetch each practice by primary key (~20 ms).
FTS_PRACTICE_COLUMN = "practice"
FTS_DEFINITION = (
    f"{', '.join(FTS_COLUMNS)}, {FTS_PRACTICE_COLUMN} UNINDEXED, "
    "tokenize = 'unicode61 remove_diacritics 2'"
)

_WORD = re.compile(r"[0-9a-z]+")
# A synonym group's token in the search vectors (practices.search_synonyms): « zsyn12 ».
SYNONYM_TOKEN = re.compile(r"zsyn[0-9]+")


def synonym_token(pk) -> str:
    return f"zsyn{pk}"


_TEXT_WORD = re.compile(r"[^\W\d_]{3,}")
# Words longer than this are not words anyone types (and not worth a suggestion).
MAX_VOCABULARY_WORD = 40

_stemmer = snowballstemmer.stemmer("french")


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A folded word's French stem, as PostgreSQL's french_stem gives it."""
    if any(ch.isdigit() for ch in word):
        return word  # article tokens and numbers are kept whole (PostgreSQL: "simple")
    return _stemmer.stemWord(word)


def stems(text: str) -> str:
    """The stems of a text's words, stop words left out: what the FTS5 table stores."""
    folded = normalize_legal_references(fold(text))
    return " ".join(stem(w) for w in _WORD.findall(folded) if w not in STOP_WORDS)


def related_ids(objects) -> str:
    """The ids of related rows as the facets read them: "2,5", ascending."""
    return ",".join(str(pk) for pk in sorted({obj.pk for obj in objects}))


def holds_one_of(column, ids, *, regex=False):
    """Q: the practice's `column` of related_ids() ("2,5") holds one of `ids`, read on the
    row itself, without the through table.

    As LIKEs (",2,5," LIKE '%,2,%'): cheaper to test on every row a facet counts (lever x
    region x year's facet query at 100,000 practices: 26 ms, 31-32 with the regular
    expression). As one regular expression with `regex`: PostgreSQL estimates it less
    selective, so the related practices' newest-first branches read an index backwards
    and stop early, where the LIKEs sent one to a nested loop (its query 0.8 -> 3.6 ms).
    """
    if regex:
        return Q(**{f"{column}__regex": rf"(^|,)({'|'.join(map(str, ids))})(,|$)"})
    padded = Concat(Value(","), F(column), Value(","), output_field=TextField())
    condition = Q()
    for pk in ids:
        condition |= Q(Contains(padded, f",{pk},"))
    return condition


def practice_texts(practice, include_relations=True, related=None):
    """(places, rest): the folded texts of a practice besides its title and summary.

    `related` gives the levers (with their legal bases prefetched), sectors, partners
    and key figures of a practice not saved yet; otherwise they are read once it exists.
    The practice's lever_ids and sector_ids (what a search's facets count) are set from
    the same relations, so that whatever refreshes the texts refreshes them too.
    """
    if related is None and include_relations and practice.pk is not None:
        related = {
            "levers": practice.levers.prefetch_related("legal_bases"),
            "sectors": practice.sectors.all(),
            "partners": practice.partners.all(),
            "figures": practice.key_figures.all(),
        }
    related = related or {}
    places = [practice.authority_name]
    if practice.department_id:
        department = practice.department
        places += [department.name, department.region.name]
    levers = list(related.get("levers", ()))
    places += [lever.name for lever in levers]
    places += [basis.code for lever in levers for basis in lever.legal_bases.all()]
    rest = [practice.body, practice.success_conditions, practice.watch_points, practice.means]
    sectors = list(related.get("sectors", ()))
    practice.lever_ids = related_ids(levers)
    practice.sector_ids = related_ids(sectors)
    rest += [sector.name for sector in sectors]
    rest += [partner.name for partner in related.get("partners", ())]
    rest += [figure.label for figure in related.get("figures", ())]
    return (
        join_folded(places, practice.title, practice.summary, practice.body),
        join_folded(rest),
    )


def join_folded(parts, *more_texts):
    """One folded text of the parts, plus the article tokens found in `more_texts`.

    The articles cited in a title, summary or body become searchable as tokens.
    """
    text = normalize_legal_references(fold(" ".join(p for p in parts if p)))
    tokens = [t for t in legal_tokens(fold(" ".join(more_texts))) if t not in text]
    return " ".join([text, *tokens]).strip()


def uses_fts(using) -> bool:
    return connections[using].vendor == "sqlite"


def write_fts(practice, using=None):
    """Bring a practice's row of the SQLite full-text table in step (nothing elsewhere)."""
    using = using or router.db_for_write(type(practice), instance=practice)
    if not uses_fts(using):
        return
    write_fts_rows([fts_row(practice)], using)


def fts_row(practice):
    return (
        practice.pk,
        practice.pk,
        stems(practice.title),
        stems(practice.summary),
        stems(practice.search_places),
        stems(practice.search_text),
    )


def write_fts_rows(rows, using):
    # Raw SQL: a virtual table has no model to write through (see SearchEntry).
    with connections[using].cursor() as cursor:
        cursor.executemany(
            f"DELETE FROM {FTS_TABLE} WHERE rowid = %s",  # noqa: S608 - a constant
            [(row[0],) for row in rows],
        )
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, {FTS_PRACTICE_COLUMN}, "  # noqa: S608
            f"{', '.join(FTS_COLUMNS)}) VALUES (%s, %s, %s, %s, %s, %s)",
            rows,
        )


def rebuild_fts(using="default", batch=2000):
    """Refill the SQLite full-text table from every practice (after bulk writes)."""
    from .models import Practice

    if not uses_fts(using):
        return 0
    with connections[using].cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608 - a constant
    fields = ("pk", "title", "summary", "search_places", "search_text")
    rows = Practice.objects.using(using).order_by("pk").values_list(*fields)
    count = 0
    chunk = []
    for pk, title, summary, places, rest in rows.iterator(chunk_size=batch):
        chunk.append((pk, pk, stems(title), stems(summary), stems(places), stems(rest)))
        if len(chunk) >= batch:
            write_fts_rows(chunk, using)
            count += len(chunk)
            chunk = []
    if chunk:
        write_fts_rows(chunk, using)
        count += len(chunk)
    return count


# Vocabulary ------------------------------------------------------------------------


def words_of(*texts):
    """{folded word: how it is written} of the texts (letters only, 3 or more).

    The most frequent lower-case form (« équitable », even if a title starts with
    « Équitable »), or the most frequent form of a word never written in lower case
    (« Mayotte »).
    """
    forms = {}  # folded word: {form: count}, in the order met
    for text in texts:
        for word in _TEXT_WORD.findall(text or ""):
            if len(word) > MAX_VOCABULARY_WORD:
                continue
            folded = _fold_word(word)
            if folded in STOP_WORDS:
                continue
            counts = forms.get(folded)
            if counts is None:
                forms[folded] = {word: 1}
            else:
                counts[word] = counts.get(word, 0) + 1
    return {
        folded: next(iter(counts)) if len(counts) == 1 else _written_form(Counter(counts))
        for folded, counts in forms.items()
    }


# Rebuilding the vocabulary folds every word of every practice: the same few thousand
# words again and again (4.7 s → 1.2 s at 10,000 practices with this cache, in-process, best of 2).
_fold_word = functools.lru_cache(maxsize=65536)(fold)


def _written_form(counter):
    lower = Counter({form: n for form, n in counter.items() if form == form.lower()})
    return (lower or counter).most_common(1)[0][0]


def _vocabulary_rows(model, words, frequencies=None):
    return [
        model(
            word=folded,
            stem=stem(folded),
            display=display,
            frequency=frequencies[folded] if frequencies else 1,
        )
        for folded, display in words.items()
    ]


def public_texts(practice):
    """The texts of a practice whose words visitors read (the folded ones are not)."""
    texts = [practice.title, practice.summary, practice.body, practice.authority_name]
    if practice.department_id:
        texts += [practice.department.name, practice.department.region.name]
    return texts


def add_to_vocabulary(practice):
    """Add a public practice's words to the vocabulary (a removed word is skipped by the
    suggestions, which check their results; rebuild_vocabulary() drops it)."""
    if practice.is_public:
        add_words_to_vocabulary(*public_texts(practice))


def add_words_to_vocabulary(*texts):
    """Add the words of these texts to the vocabulary: a public practice's, or the new
    name of a lever, sector or partner, which rebuild_vocabulary() reads too."""
    from .models import SearchWord

    SearchWord.objects.bulk_create(
        _vocabulary_rows(SearchWord, words_of(*texts)), ignore_conflicts=True
    )


def rebuild_vocabulary(registry=None):
    """Replace the vocabulary with the words of every published practice, levers,
    sectors and partners included; returns its size. `registry`: a migration's apps."""
    registry = registry or django_apps
    Practice = registry.get_model("practices", "Practice")
    SearchWord = registry.get_model("practices", "SearchWord")
    counts = Counter()
    forms = {}  # folded word: Counter of the forms chosen by each practice or name
    practices = (
        # Practice.objects.published(), which a migration's models do not have.
        Practice.objects.filter(
            status="published", published_at__lte=timezone.now(), deleted_at__isnull=True
        )
        .select_related("department__region")
        .only(
            "title",
            "summary",
            "body",
            "authority_name",
            "department__name",
            "department__region__name",
        )
    )
    for practice in practices.iterator(chunk_size=2000):
        words = words_of(*public_texts(practice))
        counts.update(words.keys())
        for folded, form in words.items():
            chosen = forms.get(folded)
            if chosen is None:
                forms[folded] = Counter({form: 1})
            else:
                chosen[form] += 1
    for app, model in [("levers", "Lever"), ("practices", "Sector"), ("practices", "Partner")]:
        for name in registry.get_model(app, model).objects.values_list("name", flat=True):
            for folded, form in words_of(name).items():
                counts[folded] += 1
                forms.setdefault(folded, Counter())[form] += 1
    SearchWord.objects.all().delete()
    written = {folded: _written_form(counter) for folded, counter in forms.items()}
    SearchWord.objects.bulk_create(_vocabulary_rows(SearchWord, written, counts), batch_size=2000)
    return len(counts)


def rebuild(using="default", synonyms=True):
    """Every index kept outside the database's own: the synonym tokens (unless the
    caller wrote them, `synonyms=False`), the SQLite full-text table and the vocabulary;
    returns (practices in the full-text table, words)."""
    from . import search_synonyms

    if synonyms:
        search_synonyms.reindex(using, everything=True)
    return rebuild_fts(using), rebuild_vocabulary()
