"""CSV export of the filtered practice list: /pratiques/export.csv?<the list's filters>.

UTF-8 with a byte order mark and « ; » as separator, which is what French spreadsheet
software expects.

Building the file costs ~4 s at 10,000 practices, so it is built once per content
version (ContentVersion, and the time of its last change) and host, by one worker,
into settings.PORTAL_EXPORT_DIR: the CSV, a gzipped copy, and an index of where each
practice's line starts. The unfiltered export is that file; a filtered one is the
practices' ids from the list's filters (one query) and their lines read from the file,
so no export costs more than a file read once the file exists. While a worker builds
it, others answer 503 with Retry-After rather than building it too. Filtered exports
are rate-limited per client address (PORTAL_EXPORTS_PER_HOUR).
"""

import csv
import fcntl
import gzip
import hashlib
import json
import os
import re
from functools import lru_cache

from django.conf import settings
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from procurement_portal.content_version import ContentVersion
from procurement_portal.links import absolute_url
from procurement_portal.page_cache import query_parameters
from procurement_portal.rate_limit import RateLimit

from .filters import PracticeFilter
from .models import Practice
from .open_data import published_filterset
from .text import to_spreadsheet_cell

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


def _cell(value):
    if value is None:
        return ""
    return to_spreadsheet_cell(str(value))


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
        practice.get_evidence_level_display(),
        practice.success_conditions,
        practice.watch_points,
        practice.means,
        f"{fiche.kit.name}, fiche n°{fiche.number} : {fiche.title}" if fiche else "",
        practice.published_at.date().isoformat() if practice.published_at else "",
        practice.updated_at.date().isoformat() if practice.updated_at else "",
        base_url + practice.get_absolute_url(),
    ]


def rows(queryset, base_url):
    """(practice id, CSV line) for each practice, after (None, the header line)."""
    writer = csv.writer(Echo(), delimiter=";", lineterminator="\r\n")
    yield None, BOM + writer.writerow(COLUMNS)
    # prefetch_related works with iterator() when chunk_size is given: one prefetch per chunk.
    for practice in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield practice.pk, writer.writerow([_cell(v) for v in practice_row(practice, base_url)])


# The file of one content version ------------------------------------------------------


class Snapshot:
    """The full export of one content version for one host, on disk."""

    def __init__(self, request):
        version, next_due = ContentVersion.objects.current()
        changed_at = ContentVersion.objects.values_list("changed_at", flat=True).first()
        self.base_url = absolute_url(request, "/").rstrip("/")
        # changed_at too: a database restored from a backup may count versions again.
        key = f"{version}:{next_due}:{changed_at}:{self.base_url}"
        self.name = hashlib.sha256(key.encode()).hexdigest()[:24]
        self.directory = settings.PORTAL_EXPORT_DIR
        self.csv = self.directory / f"pratiques-{self.name}.csv"
        self.gzip = self.directory / f"pratiques-{self.name}.csv.gz"
        self.index = self.directory / f"pratiques-{self.name}.json"

    def ready(self):
        """Build the files unless they exist; False while another worker builds them."""
        if self.csv.exists():
            return True
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / ".lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            try:
                if not self.csv.exists():
                    self._build()
                    self._remove_others()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        return True

    def _build(self):
        queryset = (
            PracticeFilter(None, queryset=Practice.objects.published())
            .qs.select_related("department__region", "source_fiche__kit")
            .prefetch_related("levers", "sectors", "key_figures")
        )
        offsets = {}
        tmp = f".{os.getpid()}.tmp"
        csv_tmp, gzip_tmp, index_tmp = (
            path.with_name(path.name + tmp) for path in (self.csv, self.gzip, self.index)
        )
        with open(csv_tmp, "wb") as out, gzip.open(gzip_tmp, "wb", compresslevel=6) as zipped:
            for pk, line in rows(queryset, self.base_url):
                data = line.encode()
                if pk is not None:
                    offsets[pk] = (out.tell(), len(data))
                else:
                    header_length = len(data)
                out.write(data)
                zipped.write(data)
        index_tmp.write_text(json.dumps({"header": header_length, "rows": offsets}))
        # The CSV last: once it exists, so do the others.
        os.replace(index_tmp, self.index)
        os.replace(gzip_tmp, self.gzip)
        os.replace(csv_tmp, self.csv)

    def _remove_others(self):
        for path in self.directory.glob("pratiques-*"):
            if not path.name.startswith(f"pratiques-{self.name}."):
                path.unlink(missing_ok=True)

    def lines(self, ids):
        """The header and the lines of these practices, in this order, in chunks."""
        header, offsets = _read_index(str(self.index))
        with open(self.csv, "rb") as source:
            chunk = [source.read(header)]
            for pk in ids:
                position = offsets.get(pk)
                if position is None:  # published after the file was built
                    continue
                source.seek(position[0])
                chunk.append(source.read(position[1]))
                if len(chunk) >= CHUNK_SIZE:
                    yield b"".join(chunk)
                    chunk = []
            yield b"".join(chunk)


@lru_cache(maxsize=2)
def _read_index(path):
    index = json.loads(open(path).read())  # noqa: SIM115 - read at once
    return index["header"], {int(pk): tuple(position) for pk, position in index["rows"].items()}


# The view -------------------------------------------------------------------------------


ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def _busy():
    response = HttpResponse(
        "L'export est en cours de préparation : réessayez dans quelques secondes.\n",
        content_type="text/plain; charset=utf-8",
        status=503,
    )
    response["Retry-After"] = "10"
    return response


def _too_many():
    response = HttpResponse(
        "Trop d'exports filtrés depuis votre adresse : réessayez dans une heure, ou "
        "téléchargez l'export complet (sans filtre), qui n'est pas limité.\n",
        content_type="text/plain; charset=utf-8",
        status=429,
    )
    response["Retry-After"] = "3600"  # RateLimit's window
    return response


def _full_file(request, snapshot):
    if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        response = FileResponse(open(snapshot.gzip, "rb"), content_type="text/csv; charset=utf-8")  # noqa: SIM115 - FileResponse closes it
        response["Content-Encoding"] = "gzip"
    else:
        response = FileResponse(open(snapshot.csv, "rb"), content_type="text/csv; charset=utf-8")  # noqa: SIM115
    patch_vary_headers(response, ["Accept-Encoding"])
    response["ETag"] = f'"{snapshot.name}"'
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    return response


@require_safe
@query_parameters(*PracticeFilter.base_filters)
def export_csv(request):
    filterset, error = published_filterset(request, "l'export")
    if error:
        return error
    filtered = filterset.is_bound
    if filtered and not RateLimit(request, "exports", settings.PORTAL_EXPORTS_PER_HOUR).hit():
        return _too_many()
    snapshot = Snapshot(request)
    if not snapshot.ready():
        return _busy()
    if filtered:
        ids = list(filterset.qs.values_list("pk", flat=True))
        response = StreamingHttpResponse(
            snapshot.lines(ids), content_type="text/csv; charset=utf-8"
        )
    else:
        response = _full_file(request, snapshot)
    response["Content-Disposition"] = 'attachment; filename="pratiques.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
