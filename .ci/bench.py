# ruff: noqa: S603 - a benchmark runs its own commands, nothing from outside
"""`make bench`: the portal under gunicorn (debug off) with 10,000 synthetic practices.

Needs PostgreSQL: DATABASE_URL (default postgres://portal:portal@127.0.0.1:5432/portal_bench,
created if missing; its content is replaced). Steps: migrate, load_content,
generate_practices, collectstatic; count each page's SQL queries in-process (test
client, empty page cache); serve with gunicorn on 127.0.0.1, page cache on as in
production; measure throughput and median/95th-percentile latency per page with a small
threaded HTTP client, twice: page cache missed (every request carries a parameter of
its own, `bench=<n>`, which the views ignore: the page is built from scratch, page cache
lookup and store included) and page cache hit (the same address again and again);
finally a locust load test of a realistic mix, which must end with zero errors.

Loopback only, bounded in time. Environment: BENCH_PRACTICES (10000), BENCH_SECONDS
per page (5), BENCH_CONCURRENCY (2), BENCH_WORKERS gunicorn workers (2), BENCH_PORT
(8765), BENCH_LOCUST_SECONDS (30, 0 to skip), BENCH_LOCUST_USERS (20).
"""

import http.client
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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
    ("Page d'une pratique", f"/pratiques/{PRACTICE}/", {}, True),
    ("Page d'un levier", "/leviers/clauses-sociales/", {}, True),
    ("Page d'un département", "/departements/62/", {}, True),
    ("Carte, un filtre", "/carte/?levier=clauses-sociales", {}, True),
    ("Statistiques, un filtre", "/statistiques/?region=32", {}, True),
    ("API (liste JSON)", "/api/pratiques/?levier=marches-reserves", {}, True),
]


def log(message):
    print(f"\n=== {message}", flush=True)


def manage(*args, env=None):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env or ENV, check=True)


def ensure_database():
    from urllib.parse import urlsplit

    parts = urlsplit(DATABASE_URL)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        sys.exit("make bench needs PostgreSQL: set DATABASE_URL=postgres://…")
    name = parts.path.lstrip("/")
    conn = connect("postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def connect(dbname=None):
    from urllib.parse import urlsplit

    import psycopg2

    parts = urlsplit(DATABASE_URL)
    return psycopg2.connect(
        dbname=dbname or parts.path.lstrip("/"),
        user=parts.username,
        password=parts.password,
        host=parts.hostname,
        port=parts.port or 5432,
    )


def vacuum(*tables):
    conn = connect()
    conn.autocommit = True
    with conn.cursor() as cursor:
        # Rewritten first, as if the practices had been loaded once: each run replaces
        # the previous run's practices, and the space they leave would otherwise double
        # the table and make a run depend on the ones before (searches read the rows).
        cursor.execute(f"VACUUM (FULL) {', '.join(tables)}")
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")
    conn.close()


def prepare():
    log(f"Database {DATABASE_URL.rsplit('@', 1)[-1]}: migrate, content, {PRACTICES} practices")
    ensure_database()
    manage("migrate", "--noinput", "-v", "0")
    manage("load_content", "-v", "0")
    started = time.perf_counter()
    manage("generate_practices", "--practices", str(PRACTICES))
    print(f"generate_practices: {time.perf_counter() - started:.1f} s")
    # A compact table, then what autovacuum would do on a live database after a bulk
    # load: visibility map and planner statistics.
    vacuum(
        "practices_practice",
        "practices_practice_levers",
        "practices_practice_sectors",
        "practices_practice_partners",
        "practices_keyfigure",
    )
    manage("collectstatic", "--noinput", "-v", "0")
    manifest = json.loads(
        (Path(ENV["DJANGO_STATIC_ROOT"]) / "staticfiles.json").read_text(encoding="utf-8")
    )
    return "/static/" + manifest["paths"]["css/portal.css"]


QUERY_COUNT_SCRIPT = """
import json, os
import django
django.setup()
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client()
counts = {}
for path in json.loads(os.environ["BENCH_PATHS"]):
    client.get(path)  # warm connections and lazy module-level state
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    counts[path] = [len(queries), status]
print("COUNTS" + json.dumps(counts))
"""


def count_queries(paths):
    """SQL queries per page, in-process through the test client, page cache empty."""
    result = subprocess.run(
        [PYTHON, "-c", QUERY_COUNT_SCRIPT],
        cwd=ROOT,
        env={
            **ENV,
            "BENCH_PATHS": json.dumps(paths),
            "DJANGO_SETTINGS_MODULE": "procurement_portal.settings",
            "DJANGO_ALLOWED_HOSTS": "testserver",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    line = next((x for x in result.stdout.splitlines() if x.startswith("COUNTS")), None)
    if line is None:
        sys.exit(f"Query count failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(line[len("COUNTS") :])


class Server:
    def __init__(self):
        self.env = {**ENV, "DJANGO_PAGE_CACHE_SECONDS": "600"}
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "procurement_portal.wsgi",
                "--bind",
                f"{HOST}:{PORT}",
                "--workers",
                str(WORKERS),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                status, _, _ = request("/healthz")
                if status == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        sys.exit("gunicorn did not answer /healthz within 30 s")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


def request(path, headers=None, connection=None):
    conn = connection or http.client.HTTPConnection(HOST, PORT, timeout=30)
    conn.request("GET", path, headers={"Host": HOST, **(headers or {})})
    response = conn.getresponse()
    body = response.read()
    if connection is None:
        conn.close()
    return response.status, response.headers, body


def measure(path, headers, miss=False):
    """Requests per second, median and 95th-percentile latency (ms), errors.

    miss: each request gets an address of its own (`bench=<n>`, ignored by the views),
    so the page cache never has it: the page is built from scratch every time.
    """
    latencies = []
    errors = []
    lock = threading.Lock()
    serial = iter(range(10**9))
    separator = "&" if "?" in path else "?"

    def address():
        return f"{path}{separator}bench={next(serial)}" if miss else path

    for _ in range(3):  # warm-up: fill caches, open connections
        request(address(), headers)
    deadline = time.monotonic() + SECONDS

    def worker():
        conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
        mine, bad = [], 0
        while time.monotonic() < deadline:
            target = address()
            started = time.perf_counter()
            try:
                status, _, _ = request(target, headers, conn)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
                status = 0
            mine.append(time.perf_counter() - started)
            if status != 200:
                bad += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.append(bad)

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "median": statistics.median(latencies) * 1000,
        "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "errors": sum(errors),
        "n": len(latencies),
    }


def run_pages(pages):
    """{label: (page cache missed, page cache hit)}; one server, page cache on."""
    log(f"gunicorn, {WORKERS} workers, page cache on: missed (bench=<n>), then hit")
    results = {}
    with Server():
        for label, path, headers, cached in pages:
            missed = measure(path, headers, miss=cached)
            hit = measure(path, headers) if cached else missed
            results[label] = (missed, hit)
            print(
                f"{label}: missed {missed['rps']:.0f} req/s, median {missed['median']:.1f} ms;"
                f" hit {hit['rps']:.0f} req/s, median {hit['median']:.1f} ms",
                flush=True,
            )
    return results


def table(pages, counts, results):
    trivial = results[pages[0][0]][0]["rps"]
    lines = [
        "| Page | Requêtes SQL | Cache manqué : req/s | ratio | médiane | p95 "
        "| Cache servi : req/s | ratio | médiane | p95 | erreurs |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, path, _, _ in pages:
        c, w = results[label]
        queries = counts.get(path, ["–"])[0] if not path.startswith("/static/") else 0
        lines.append(
            f"| {label} | {queries} | {c['rps']:.0f} | {c['rps'] / trivial:.0%} "
            f"| {c['median']:.1f} ms | {c['p95']:.1f} ms | {w['rps']:.0f} "
            f"| {w['rps'] / trivial:.0%} | {w['median']:.1f} ms | {w['p95']:.1f} ms "
            f"| {c['errors'] + (w['errors'] if w is not c else 0)} |"
        )
    return "\n".join(lines)


def machine():
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem_kib = 0
    import django

    pg = (
        subprocess.run(
            [
                PYTHON,
                "-c",
                "import django; django.setup(); from django.db import connection; "
                "c = connection.cursor(); c.execute('SHOW server_version'); print(c.fetchone()[0])",
            ],
            cwd=ROOT,
            env={**ENV, "DJANGO_SETTINGS_MODULE": "procurement_portal.settings"},
            capture_output=True,
            text=True,
            check=False,
        )
        .stdout.strip()
        .splitlines()
    )
    return (
        f"{os.cpu_count()} cœurs ({cpu}), {mem_kib / 1024 / 1024:.0f} Gio de mémoire, "
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"PostgreSQL {pg[-1] if pg else '?'}, gunicorn {WORKERS} workers (sync), "
        f"{CONCURRENCY} clients simultanés, {SECONDS:.0f} s par page"
    )


def run_locust():
    if LOCUST_SECONDS <= 0:
        return True
    log(f"locust: {LOCUST_USERS} users, {LOCUST_SECONDS} s, realistic mix, page cache on")
    with Server():
        result = subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "tests" / "load" / "locustfile.py"),
                "--headless",
                "--host",
                f"http://{HOST}:{PORT}",
                "--users",
                str(LOCUST_USERS),
                "--spawn-rate",
                str(LOCUST_USERS),
                "--run-time",
                f"{LOCUST_SECONDS}s",
                "--stop-timeout",
                "5",
                "--only-summary",
                "--exit-code-on-error",
                "1",
            ],
            cwd=ROOT,
            env=ENV,
            check=False,
        )
    verdict = "no error" if result.returncode == 0 else "errors"
    print(f"locust exit code: {result.returncode} ({verdict})")
    return result.returncode == 0


def main():
    static = prepare()
    pages = [(label, path.format(static=static), *rest) for label, path, *rest in PAGES]
    log("SQL queries per page (test client, empty page cache)")
    counts = count_queries([path for _, path, *_ in pages if not path.startswith("/static/")])
    for path, (queries, status) in counts.items():
        print(f"{queries:3d} queries  {status}  {path}")
        if status != 200:
            sys.exit(f"{path} answered {status}")
    started = time.perf_counter()
    results = run_pages(pages)
    log(f"Result (page measurements: {time.perf_counter() - started:.0f} s)")
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"{PRACTICES} pratiques ; {machine()} ; {when}\n")
    print(table(pages, counts, results))
    errors = sum(
        missed["errors"] + (hit["errors"] if hit is not missed else 0)
        for missed, hit in results.values()
    )
    locust_ok = run_locust()
    if errors or not locust_ok:
        sys.exit(f"Errors: {errors} in the page measurements; locust ok: {locust_ok}")


if __name__ == "__main__":
    main()
