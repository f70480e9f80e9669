"""What a practice is found by: the folded text of its fields and relations.

Practice.search_text is derived data: save() rebuilds it from the practice's own fields
(and, for a practice that exists, its relations), and refresh_search_text() after its
levers, sectors, partners or key figures change (the admin does it once per save, after
the relations; the proposal service and the import after theirs). SQLite searches it;
PostgreSQL's generated search_vector reads it (weight C, see practices.search).
"""

from .text import fold


def build_search_text(practice, include_relations=True):
    """Folded text of everything a visitor may search for in a practice."""
    parts = [practice.title, practice.summary, practice.body, practice.authority_name]
    if practice.department_id:
        department = practice.department
        parts += [department.name, department.region.name]
    if include_relations:
        parts += [lever.name for lever in practice.levers.all()]
        parts += [sector.name for sector in practice.sectors.all()]
        parts += [partner.name for partner in practice.partners.all()]
        parts += [figure.label for figure in practice.key_figures.all()]
    return fold(" ".join(p for p in parts if p))


def refresh_search_text(practice):
    """Rebuild and store a saved practice's search text (a queryset update: cached pages
    become stale only if the practice was ever published, see invalidation)."""
    practice.search_text = build_search_text(practice)
    type(practice).objects.filter(pk=practice.pk).update(search_text=practice.search_text)
