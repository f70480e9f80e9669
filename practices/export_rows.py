"""The lines of the CSV export: its columns and one line per practice, read as values.

UTF-8 with a byte order mark and « ; » as separator, which is what French spreadsheet
software expects; cells that would run as formulas are neutralised. The statistics
export (landscape_views) writes its cells the same way.
"""

import csv

from django.urls import reverse

from .models import KeyFigure, Practice
from .numbers import format_french_decimal
from .text import to_spreadsheet_cell

# Practices per query (and their levers, sectors and key figures: one query each).
CHUNK_SIZE = 500
BOM = "\ufeff"
SEPARATOR = " | "

COLUMNS = [
    "Identifiant",
    "Titre",
    "Résumé",
    "Type de collectivité",
    "Collectivité",
    "Code département",
    "Département",
    "Code région",
    "Région",
    "Leviers",
    "Secteurs",
    "Année de début",
    "Année de fin",
    "Chiffres clés",
    "Niveau de preuve",
    "Conditions de réussite",
    "Points de vigilance",
    "Moyens mobilisés",
    "Fiche source",
    "Publiée le",
    "Modifiée le",
    "Adresse",
]


class Echo:
    """A file-like object whose write() hands the line back, for csv.writer."""

    def write(self, value):
        return value


def csv_cell(value):
    """A value as an export's cell: empty for None, never run as a formula."""
    if value is None:
        return ""
    return to_spreadsheet_cell(str(value))


def _figure(label, value, unit, period):
    text = f"{label} : {format_french_decimal(value)}"
    if unit:
        text += f" {unit}"
    if period:
        text += f" ({period})"
    return text


# The practice's own columns, read as values: building model instances, and prefetching
# into them, was ~85 % of the file's build time (5.3 s at 10,000 practices, 0.8 s of SQL).
FIELDS = (
    "pk",
    "slug",
    "title",
    "summary",
    "authority_type",
    "authority_name",
    "department__code",
    "department__name",
    "department__region__code",
    "department__region__name",
    "start_year",
    "end_year",
    "evidence_level",
    "success_conditions",
    "watch_points",
    "means",
    "source_fiche_id",
    "source_fiche__kit__name",
    "source_fiche__number",
    "source_fiche__title",
    "published_at",
    "updated_at",
)


def _grouped(rows):
    """{practice id: [values…]} of (practice id, value) rows, in their order."""
    grouped = {}
    for practice_id, value in rows:
        grouped.setdefault(practice_id, []).append(value)
    return grouped


def _related(ids):
    """Levers, sectors and key figures of these practices, one query each, in the order
    their pages show them (the models' orderings)."""
    levers = Practice.levers.through.objects.filter(practice__in=ids)
    sectors = Practice.sectors.through.objects.filter(practice__in=ids)
    figures = KeyFigure.objects.filter(practice__in=ids).order_by("practice", "position", "pk")
    return (
        _grouped(
            levers.order_by("practice", "lever__position", "lever__name").values_list(
                "practice", "lever__name"
            )
        ),
        _grouped(
            sectors.order_by("practice", "sector__position", "sector__name").values_list(
                "practice", "sector__name"
            )
        ),
        _grouped(
            (practice_id, _figure(*figure))
            for practice_id, *figure in figures.values_list(
                "practice", "label", "value", "unit", "period"
            )
        ),
    )


def _chunks(iterable, size):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def rows(queryset, base_url):
    """(practice id, CSV line) for each practice, after (None, the header line)."""
    writer = csv.writer(Echo(), delimiter=";", lineterminator="\r\n")
    yield None, BOM + writer.writerow(COLUMNS)
    authority_types = dict(Practice.AuthorityType.choices)
    evidence_levels = dict(Practice._meta.get_field("evidence_level").flatchoices)
    # Every practice's address is this one with its slug (reverse() per row: ~1 s at 100,000).
    url = base_url + reverse("practices:detail", args=["-"])
    url_prefix, url_suffix = url[: url.rindex("-")], url[url.rindex("-") + 1 :]
    values = queryset.values_list(*FIELDS)
    for chunk in _chunks(values.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        levers, sectors, figures = _related([row[0] for row in chunk])
        for (
            pk,
            slug,
            title,
            summary,
            authority_type,
            authority_name,
            department_code,
            department_name,
            region_code,
            region_name,
            start_year,
            end_year,
            evidence_level,
            success_conditions,
            watch_points,
            means,
            fiche,
            kit_name,
            fiche_number,
            fiche_title,
            published_at,
            updated_at,
        ) in chunk:
            row = [
                slug,
                title,
                summary,
                authority_types.get(authority_type, authority_type),
                authority_name,
                department_code,
                department_name,
                region_code,
                region_name,
                SEPARATOR.join(levers.get(pk, ())),
                SEPARATOR.join(sectors.get(pk, ())),
                start_year,
                end_year,
                SEPARATOR.join(figures.get(pk, ())),
                evidence_levels.get(evidence_level, evidence_level),
                success_conditions,
                watch_points,
                means,
                f"{kit_name}, fiche n°{fiche_number} : {fiche_title}" if fiche else "",
                published_at.date().isoformat() if published_at else "",
                updated_at.date().isoformat() if updated_at else "",
                url_prefix + slug + url_suffix,
            ]
            yield pk, writer.writerow([csv_cell(value) for value in row])
