"""What a practice is found by: its search texts, kept in step with its fields.

Practice.search_places (places and levers) and Practice.search_text (the rest) are
derived data (practices.search_index says what goes where): save() rebuilds them from
the practice's own fields (and, for a practice that exists, its relations), and
refresh_search_text() after its levers, sectors, partners or key figures change (the
admin does it once per save, after the relations; the proposal service and the import
after theirs). PostgreSQL's generated search_vector reads them (weights C and D, see
practices.search), with the synonym groups they name (Practice.search_synonyms,
practices.search_synonyms); on SQLite the same calls write the full-text table.
"""

from django.db import router

from . import search_index, search_synonyms

# What these functions write besides the practice's own fields.
FIELDS = ["search_places", "search_text", "lever_ids", "sector_ids", "search_synonyms"]


def set_search_texts(practice, include_relations=True, matcher=None):
    """Fill a practice's search texts, facet ids and synonym tokens (relations included
    once it exists). `matcher`: search_synonyms.load_matcher(), read once by a caller
    indexing many practices."""
    practice.search_places, practice.search_text = search_index.practice_texts(
        practice, include_relations=include_relations
    )
    if matcher is None:
        matcher = search_synonyms.load_matcher(router.db_for_write(type(practice)))
    practice.search_synonyms = search_synonyms.vector_of(practice, matcher)


def index_saved(practice, using=None):
    """What the database does not keep itself: SQLite's full-text row, the vocabulary."""
    search_index.write_fts(practice, using=using)
    search_index.add_to_vocabulary(practice)


def refresh_search_text(practice):
    """Rebuild and store a saved practice's search texts (a queryset update: cached pages
    become stale only if the practice was ever published, see invalidation)."""
    set_search_texts(practice)
    type(practice).objects.filter(pk=practice.pk).update(
        **{field: getattr(practice, field) for field in FIELDS}
    )
    index_saved(practice)


def refresh_search_texts(practices, batch=500):
    """refresh_search_text() for many practices at once (a lever, sector or partner
    renamed or deleted): relations read per batch of `batch` practices, rows written with
    bulk_update, SQLite's full-text rows in step. One by one, a lever used by thousands of
    practices took minutes. The vocabulary is left to rebuild_search_index."""
    model = practices.model
    queryset = (
        practices.order_by("pk")
        .select_related("department__region")
        .prefetch_related("levers__legal_bases", "sectors", "partners", "key_figures")
    )
    using = router.db_for_write(model)
    matcher = search_synonyms.load_matcher(using)
    chunk = []
    for practice in queryset.iterator(chunk_size=batch):
        practice.search_places, practice.search_text = search_index.practice_texts(
            practice,
            related={
                "levers": practice.levers.all(),
                "sectors": practice.sectors.all(),
                "partners": practice.partners.all(),
                "figures": practice.key_figures.all(),
            },
        )
        practice.search_synonyms = search_synonyms.vector_of(practice, matcher)
        chunk.append(practice)
        if len(chunk) == batch:
            _write(model, chunk, using)
            chunk = []
    if chunk:
        _write(model, chunk, using)


def _write(model, practices, using):
    model.objects.bulk_update(practices, FIELDS)
    if search_index.uses_fts(using):
        search_index.write_fts_rows([search_index.fts_row(p) for p in practices], using)
