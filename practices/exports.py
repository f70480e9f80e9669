"""CSV export of the filtered practice list: /pratiques/export.csv?<the list's filters>.

Its lines: practices.export_rows.

The full file is built once per content version and site origin into
settings.PORTAL_EXPORT_DIR: the CSV, a gzipped copy, and an index of where each
practice's line starts. The unfiltered export is that file; a filtered one is the
practices' ids from the list's filters (one query) and their lines read from the file,
so no export costs more than a file read once the file exists.

Building it takes ~1.4 s at 10,000 practices and ~14 s at 100,000, more than a request
should wait: `manage.py build_csv_export` builds it before any request (deploy), and
after a content change the first request starts the build in a background thread of its
worker (one builder at a time on the server, a lock file) and waits for it a few seconds
(PORTAL_EXPORT_WAIT_SECONDS); past that, requests get the previous version's file until
the new one is there, or a 503 with Retry-After when no file was ever built. Filtered
exports are rate-limited per client address (PORTAL_EXPORTS_PER_HOUR).
"""

import fcntl
import gzip
import hashlib
import json
import logging
import os
import re
import threading
import time
from functools import lru_cache

from django.conf import settings
from django.db import connection, connections
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from procurement_portal.content_version import ContentVersion
from procurement_portal.links import site_origin
from procurement_portal.page_cache import query_parameters
from procurement_portal.rate_limit import RateLimit

from .export_rows import CHUNK_SIZE, rows
from .filters import PracticeFilter
from .models import Practice
from .open_data import published_filterset

logger = logging.getLogger(__name__)

# The file of one content version ------------------------------------------------------


class Snapshot:
    """The full export of one content version for one site origin, on disk:
    pratiques-<origin key>-<version key>.csv, .csv.gz and .json (the index)."""

    def __init__(self, base_url, name):
        self.base_url = base_url
        self.name = name
        self.directory = settings.PORTAL_EXPORT_DIR
        self.csv = self.directory / f"pratiques-{name}.csv"
        self.gzip = self.directory / f"pratiques-{name}.csv.gz"
        self.index = self.directory / f"pratiques-{name}.json"

    @classmethod
    def current(cls, base_url):
        """The file of the content as it is now (two queries)."""
        version, next_due = ContentVersion.objects.current()
        changed_at = ContentVersion.objects.values_list("changed_at", flat=True).first()
        # changed_at too: a database restored from a backup may count versions again.
        version_key = _key(f"{version}:{next_due}:{changed_at}")
        return cls(base_url, f"{_key(base_url)}-{version_key}")

    def exists(self):
        return self.csv.exists()

    def previous(self):
        """The newest file of an earlier content version for the same origin, or None."""
        origin = self.name.split("-")[0]
        files = [
            path for path in self.directory.glob(f"pratiques-{origin}-*.csv") if path != self.csv
        ]
        if not files:
            return None
        newest = max(files, key=lambda path: path.stat().st_mtime)
        return Snapshot(self.base_url, newest.name.removeprefix("pratiques-").removesuffix(".csv"))

    def build(self, blocking=False):
        """Build the files unless they exist; one builder at a time on this server
        (a lock file). Without `blocking`, returns False at once if another builds them."""
        if self.exists():
            return True
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / ".lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            except BlockingIOError:
                return False
            try:
                if not self.exists():
                    self._build()
                    self._remove_others()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        return True

    def _build(self):
        queryset = PracticeFilter(None, queryset=Practice.objects.published()).qs
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
        # Earlier versions, other origins' files and a killed builder's temporary files:
        # only the lock holder removes, and it has just written the newest file.
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


def _key(text):
    return hashlib.sha256(text.encode()).hexdigest()[:16]


_builder = None  # this process's background build, if one runs


def _build_in_background(snapshot):
    """Build the file in a thread of this process, so that no request waits for it."""
    global _builder
    if _builder is not None and _builder.is_alive():
        return

    def build():
        try:
            snapshot.build()
        except Exception:
            logger.exception("The CSV export could not be built.")
        finally:
            connections.close_all()  # this thread's connections

    _builder = threading.Thread(target=build, name="csv-export", daemon=True)
    _builder.start()


def available_snapshot(request):
    """The full export to serve: the current content's file if it exists or gets built
    within PORTAL_EXPORT_WAIT_SECONDS, else the previous version's file while the new
    one is built, else None (nothing built yet: the caller answers 503).

    The build runs in a background thread (~14 s at 100,000 practices, longer than a
    request may take), or before any request, by `manage.py build_csv_export`.
    """
    snapshot = Snapshot.current(site_origin(request))
    if snapshot.exists():
        return snapshot
    if connection.in_atomic_block:
        # Another connection would not see this transaction's writes (tests,
        # ATOMIC_REQUESTS): built here, or left to the worker that is building it.
        snapshot.build()
    else:
        _build_in_background(snapshot)
        deadline = time.monotonic() + settings.PORTAL_EXPORT_WAIT_SECONDS
        while not snapshot.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    if snapshot.exists():
        return snapshot
    return snapshot.previous()


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


def _too_many(limit):
    minutes = limit.minutes_left
    response = HttpResponse(
        f"Trop d'exports filtrés depuis votre adresse : réessayez dans {minutes} "
        f"minute{'s' if minutes > 1 else ''}, ou téléchargez l'export complet (sans filtre), "
        "qui n'est pas limité.\n",
        content_type="text/plain; charset=utf-8",
        status=429,
    )
    response["Retry-After"] = str(limit.seconds_left)
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
    if filtered:
        limit = RateLimit(request, "exports", settings.PORTAL_EXPORTS_PER_HOUR)
        if not limit.hit():
            return _too_many(limit)
    snapshot = available_snapshot(request)
    if snapshot is None:
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
