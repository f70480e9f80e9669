# ruff: noqa: S603 - a benchmark runs its own commands, nothing from outside
"""What `make bench` runs against: its environment variables, the portal's environment,
the pages it measures; and the two helpers every step uses."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
HOST = "127.0.0.1"

PRACTICES = int(os.environ.get("BENCH_PRACTICES", "10000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "2"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
LOCUST_SECONDS = int(os.environ.get("BENCH_LOCUST_SECONDS", "30"))
LOCUST_USERS = int(os.environ.get("BENCH_LOCUST_USERS", "20"))
DATABASE_URL = os.environ.get(
    "DATABASE_URL", "postgres://portal:portal@127.0.0.1:5432/portal_bench"
)

ENV = {
    **os.environ,
    "DATABASE_URL": DATABASE_URL,
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_STATIC_ROOT": str(ROOT / "var" / "bench-static"),
    "DJANGO_LOG_LEVEL": "WARNING",
    "PORTAL_BENCH": "1",
    # Filtered exports are rate-limited per address; the benchmark is one address.
    "PORTAL_EXPORTS_PER_HOUR": "1000000",
    "PORTAL_EXPORT_DIR": str(ROOT / "var" / "bench-exports"),
    # Its own page cache, emptied with the database (see prepare()): pages of an earlier
    # run's database could carry the same content version.
    "PORTAL_PAGE_CACHE_DIR": str(ROOT / "var" / "bench-pagecache"),
}

PRACTICE = "exemple-genere-000123"
# (label, path, extra request headers, served through the page cache)
PAGES = [
    ("Page triviale (sans base)", "/bench/ping", {}, False),
    ("Fichier statique (whitenoise)", "{static}", {"Accept-Encoding": "gzip, br"}, False),
    ("Accueil", "/", {}, True),
    ("Liste non filtrée", "/pratiques/", {}, True),
    ("Liste, deux filtres", "/pratiques/?levier=clauses-sociales&region=32", {}, True),
    ("Recherche texte", "/pratiques/?q=restauration+collective", {}, True),
    # Two synonym groups, each expanded to its acronym and long forms (phrases).
    ("Recherche avec synonymes", "/pratiques/?q=SIAE+clause+sociale", {}, True),
    ("Page d'une pratique", f"/pratiques/{PRACTICE}/", {}, True),
    ("Page d'un levier", "/leviers/clauses-sociales/", {}, True),
    ("Page d'un département", "/departements/62/", {}, True),
    ("Carte, un filtre", "/carte/?levier=clauses-sociales", {}, True),
    ("Statistiques, un filtre", "/statistiques/?region=32", {}, True),
    ("API (liste JSON)", "/api/pratiques/?levier=marches-reserves", {}, True),
    # A file per content version (practices.exports): built by build_csv_export before
    # the server starts (timed apart, see run_pages), then read from disk.
    ("Export CSV complet (gzip)", "/pratiques/export.csv", {"Accept-Encoding": "gzip"}, False),
    ("Export CSV complet (brut)", "/pratiques/export.csv", {}, False),
    ("Export CSV filtré", "/pratiques/export.csv?levier=clauses-sociales", {}, False),
]

# The same searches on the embedded default, SQLite (FTS5, bm25).
SQLITE = os.environ.get("BENCH_SQLITE", "1") != "0"
SQLITE_PRACTICES = int(os.environ.get("BENCH_SQLITE_PRACTICES", "10000"))
SCENARIOS_ON = os.environ.get("BENCH_SCENARIOS", "1") != "0"
EXPORT_TIMEOUT = 300
SQLITE_URL = os.environ.get("BENCH_SQLITE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
SQLITE_ENV = {
    **ENV,
    "DATABASE_URL": SQLITE_URL,
    "PORTAL_PAGE_CACHE_DIR": str(ROOT / "var" / "bench-pagecache-sqlite"),
}
SQLITE_PAGES = [
    ("SQLite : recherche texte", "/pratiques/?q=restauration+collective", {}, True),
    ("SQLite : recherche avec synonymes", "/pratiques/?q=SIAE+clause+sociale", {}, True),
]


def log(message):
    print(f"\n=== {message}", flush=True)


def manage(*args, env=None):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env or ENV, check=True)
