"""CSV export of the filtered practice list: /pratiques/export.csv?<the list's filters>.

UTF-8 with a byte order mark and « ; » as separator, which is what French spreadsheet
software expects; streamed row by row so that memory stays constant.
"""

import csv

from django.http import StreamingHttpResponse
from django.views.decorators.http import require_safe

from procurement_portal.links import absolute_url

from .open_data import published_filterset

CHUNK_SIZE = 500
BOM = "\ufeff"
SEPARATOR = " | "
# A cell starting with one of these is run as a formula by spreadsheet software.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

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
    "Fiche source",
    "Publiée le",
    "Modifiée le",
    "Adresse",
]


class Echo:
    """A file-like object whose write() hands the line back, for csv.writer."""

    def write(self, value):
        return value


def _cell(value):
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _figure(figure):
    text = f"{figure.label} : {figure.display_value}"
    if figure.unit:
        text += f" {figure.unit}"
    if figure.period:
        text += f" ({figure.period})"
    return text


def practice_row(practice, base_url):
    department = practice.department
    fiche = practice.source_fiche
    return [
        practice.slug,
        practice.title,
        practice.summary,
        practice.get_authority_type_display(),
        practice.authority_name,
        department.code,
        department.name,
        department.region.code,
        department.region.name,
        SEPARATOR.join(lever.name for lever in practice.levers.all()),
        SEPARATOR.join(sector.name for sector in practice.sectors.all()),
        practice.start_year,
        practice.end_year,
        SEPARATOR.join(_figure(figure) for figure in practice.key_figures.all()),
        f"{fiche.kit.name}, fiche n°{fiche.number} : {fiche.title}" if fiche else "",
        practice.published_at.date().isoformat() if practice.published_at else "",
        practice.updated_at.date().isoformat() if practice.updated_at else "",
        base_url + practice.get_absolute_url(),
    ]


def rows(queryset, base_url):
    writer = csv.writer(Echo(), delimiter=";", lineterminator="\r\n")
    yield BOM + writer.writerow(COLUMNS)
    # prefetch_related works with iterator() when chunk_size is given: one prefetch per chunk.
    for practice in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield writer.writerow([_cell(v) for v in practice_row(practice, base_url)])


@require_safe
def export_csv(request):
    filterset, error = published_filterset(request, "l'export")
    if error:
        return error
    queryset = filterset.qs.select_related(
        "department__region", "source_fiche__kit"
    ).prefetch_related("levers", "sectors", "key_figures")
    response = StreamingHttpResponse(
        rows(queryset, absolute_url(request, "/").rstrip("/")),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="pratiques.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
