# ruff: noqa: S603 - a benchmark runs its own commands, nothing from outside
"""`make bench`: the portal under gunicorn (debug off) with 10,000 (BENCH_PRACTICES) practices.

Needs PostgreSQL: DATABASE_URL (default postgres://portal:portal@127.0.0.1:5432/portal_bench,
created if missing; its content is replaced). Steps: migrate, load_content,
generate_practices, collectstatic; count each page's SQL queries in-process (test
client, empty page cache); serve with gunicorn on 127.0.0.1, page cache on as in
production; measure throughput and median/95th-percentile latency per page with a small
threaded HTTP client, twice: page cache missed (every request carries a parameter of
its own, `bench=<n>`, which the views ignore: the page is built again, page cache
lookup and store included, though a list reuses its filter set's facet counts from the
second request on) and page cache hit (the same address again and again);
finally a locust load test of a realistic mix, which must end with zero errors.

Then the mixed-filter scenarios (issue 17, see SCENARIOS): every request a different
real filter combination (lever × region × year, two search words × lever × sort, lever ×
page 1–40, the home page, a practice page), so that neither the page cache nor any cache
kept per filter set answers it; each as a ratio to the static file measured by the same
gunicorn just before, and the workers' memory (RSS) after that load.

Then the searches again on SQLite (BENCH_SQLITE=0 to skip), on a file of its own
(BENCH_SQLITE_URL, default var/bench.sqlite3, replaced) with BENCH_SQLITE_PRACTICES
(10000: the search targets are set at 10,000).

Loopback only, bounded in time. Environment: BENCH_PRACTICES (10000; 100000 for the
scale targets), BENCH_SECONDS per page (5), BENCH_CONCURRENCY (2), BENCH_WORKERS gunicorn
workers (2), BENCH_PORT (8765), BENCH_LOCUST_SECONDS (30, 0 to skip), BENCH_LOCUST_USERS
(20), BENCH_SCENARIOS (1, 0 to skip).
"""

import http.client
import itertools
import json
import os
import platform
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote_plus

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
    shutil.rmtree(ENV["PORTAL_PAGE_CACHE_DIR"], ignore_errors=True)
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


def prepare_sqlite():
    path = Path(SQLITE_URL.removeprefix("sqlite:///"))
    log(f"SQLite {path}: migrate, content, {SQLITE_PRACTICES} practices")
    path.unlink(missing_ok=True)
    shutil.rmtree(SQLITE_ENV["PORTAL_PAGE_CACHE_DIR"], ignore_errors=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    manage("migrate", "--noinput", "-v", "0", env=SQLITE_ENV)
    manage("load_content", "-v", "0", env=SQLITE_ENV)
    started = time.perf_counter()
    manage("generate_practices", "--practices", str(SQLITE_PRACTICES), env=SQLITE_ENV)
    print(
        f"generate_practices (SQLite, full-text index included): "
        f"{time.perf_counter() - started:.1f} s"
    )


def count_queries(paths, env=None):
    """SQL queries per page, in-process through the test client, page cache empty."""
    result = subprocess.run(
        [PYTHON, "-c", QUERY_COUNT_SCRIPT],
        cwd=ROOT,
        env={
            **(env or ENV),
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
    def __init__(self, env=None):
        self.env = {**(env or ENV), "DJANGO_PAGE_CACHE_SECONDS": "600"}
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
                # Room for a slow request on a loaded machine (the CSV export is built
                # outside requests since issue 17, see run_pages).
                "--timeout",
                str(EXPORT_TIMEOUT),
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


def request(path, headers=None, connection=None, timeout=30):
    conn = connection or http.client.HTTPConnection(HOST, PORT, timeout=timeout)
    conn.request("GET", path, headers={"Host": HOST, **(headers or {})})
    response = conn.getresponse()
    body = response.read()
    if connection is None:
        conn.close()
    return response.status, response.headers, body


STOP_WORDS = ["le", "la", "les", "de", "du", "des", "un", "une"]


def noise(n):
    """A different run of stop words for each n: « la+de », « le+du+un »…"""
    words = []
    while True:
        n, digit = divmod(n, len(STOP_WORDS))
        words.append(STOP_WORDS[digit])
        if not n:
            return "+".join(words)


def measure(path, headers, miss=False, addresses=None):
    """Requests per second, median and 95th-percentile latency (ms), errors.

    miss: each request gets an address of its own (`bench=<n>`, ignored by the views),
    so the page cache never has it: the page is built from scratch every time.
    addresses: instead of `path`, an iterator of the addresses to request (a scenario).
    """
    latencies = []
    errors = []
    lock = threading.Lock()
    serial = iter(range(10**9))
    separator = "&" if "?" in path else "?"

    def address():
        if addresses is not None:
            with lock:
                return next(addresses)
        if not miss:
            return path
        n = next(serial)
        if "?q=" in path:
            # A search's facet counts are kept per filter set: stop words of its own
            # (dropped by the search, kept in the key) make each request a new one, so
            # the search rows stay built from scratch (issue 14's targets).
            return f"{path}+{noise(n)}{separator}bench={n}"
        return f"{path}{separator}bench={n}"

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


def run_pages(pages, env=None):
    """{label: (page cache missed, page cache hit)}; one server, page cache on."""
    log(f"gunicorn, {WORKERS} workers, page cache on: missed (bench=<n>), then hit")
    results = {}
    # The full CSV export is built outside requests, as a deploy does (practices.exports).
    started = time.perf_counter()
    # For the address requests give (their Host header is HOST, without the port): a file
    # built for another one is not theirs, and at 100,000 practices the first request got
    # a 503 while its worker built it again.
    manage("build_csv_export", "--site-url", f"http://{HOST}", env=env)
    print(f"build_csv_export: {time.perf_counter() - started:.2f} s", flush=True)
    with Server(env):
        started = time.perf_counter()
        status, _, body = request("/pratiques/export.csv", timeout=EXPORT_TIMEOUT)
        print(
            f"Export CSV, first request: {time.perf_counter() - started:.2f} s,"
            f" {len(body) / 2**20:.1f} MB, status {status}",
            flush=True,
        )
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


# Mixed-filter scenarios (issue 17) ----------------------------------------------------

# Words of the generated practices (titles, summaries, sectors, levers): pairs of them
# match from a few dozen practices to most of them.
SEARCH_WORDS = [
    "insertion", "clause", "sociale", "marché", "structures", "équitable", "facilitateur",
    "sourcing", "formation", "restauration", "entretien", "déchets", "textile", "emploi",
]  # fmt: skip
SORTS = ["pertinence", "recent", "titre"]
YEARS = range(2008, 2026)
PAGES_DEEP = range(1, 41)


def references():
    """({lever slug}, {region code}) of the benchmark's database."""
    conn = connect()
    with conn.cursor() as cursor:
        cursor.execute("SELECT slug FROM levers_lever ORDER BY slug")
        levers = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT code FROM practices_region ORDER BY code")
        regions = [row[0] for row in cursor.fetchall()]
    conn.close()
    return levers, regions


def combinations(rows, seed):
    """Every combination once, in a shuffled order, then again (each time with a `bench`
    number of its own, so that the page cache never has it)."""
    rows = list(rows)
    random.Random(seed).shuffle(rows)  # noqa: S311 - a benchmark's order, no secret
    for serial, row in enumerate(itertools.cycle(rows)):
        # `s…`: never an address the fixed pages' measurements already put in the cache.
        yield f"{row}&bench=s{serial}" if "?" in row else f"{row}?bench=s{serial}"


def scenarios():
    """[(label, addresses, how many distinct filter combinations)]."""
    levers, regions = references()
    lever_region_year = [
        f"/pratiques/?levier={lever}&region={region}&annee={year}"
        for lever, region, year in itertools.product(levers, regions, YEARS)
    ]
    words = [" ".join(pair) for pair in itertools.combinations(SEARCH_WORDS, 2)]
    search = [
        f"/pratiques/?q={quote_plus(pair)}&levier={lever}&tri={sort}"
        for pair, lever, sort in itertools.product(words, levers, SORTS)
    ]
    lever_page = [
        f"/pratiques/?levier={lever}&page={page}"
        for lever, page in itertools.product(levers, PAGES_DEEP)
    ]
    # Drafts are every twentieth generated practice (generate_practices).
    practices = [f"/pratiques/exemple-genere-{n:06d}/" for n in range(1, PRACTICES + 1) if n % 20]
    rows = [
        ("Liste, levier × région × année", lever_region_year),
        ("Recherche, deux mots × levier × tri", search),
        ("Liste, levier × page 1–40", lever_page),
        ("Accueil", ["/"]),
        ("Page d'une pratique", practices),
    ]
    return [
        (label, combinations(paths, seed), len(paths)) for seed, (label, paths) in enumerate(rows)
    ]


def worker_rss(master):
    """{pid: resident memory in MB} of a gunicorn master's workers."""
    rss = {}
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return rss
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss[int(pid)] = int(line.split()[1]) / 1024
    return rss


def run_scenarios(static):
    """{label: (result, distinct combinations)}, static file first; then worker RSS."""
    log(f"Mixed-filter scenarios, {PRACTICES} practices: every request a new combination")
    results = {}
    with Server() as server:
        reference = measure(static, {"Accept-Encoding": "gzip, br"})
        print(f"Fichier statique : {reference['rps']:.0f} req/s", flush=True)
        results["Fichier statique (whitenoise)"] = (reference, 1)
        for label, addresses, distinct in scenarios():
            result = measure("", {}, addresses=addresses)
            results[label] = (result, distinct)
            print(
                f"{label}: {result['rps']:.1f} req/s ({result['rps'] / reference['rps']:.2%}),"
                f" median {result['median']:.1f} ms, {result['n']} requests"
                f" over {distinct} combinations",
                flush=True,
            )
        rss = worker_rss(server.process.pid)
    return results, rss


def scenario_table(results, rss):
    static = results["Fichier statique (whitenoise)"][0]["rps"]
    lines = [
        f"Construites à chaque requête, {PRACTICES} pratiques "
        "(ratio au fichier statique servi par le même gunicorn) :",
        "",
        "| Page | req/s | ratio | médiane | p95 | requêtes | combinaisons | erreurs |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, (r, distinct) in results.items():
        lines.append(
            f"| {label} | {r['rps']:.1f} | {r['rps'] / static:.2%} | {r['median']:.1f} ms "
            f"| {r['p95']:.1f} ms | {r['n']} | {distinct} | {r['errors']} |"
        )
    memory = ", ".join(f"{mb:.0f} Mo" for mb in sorted(rss.values())) or "?"
    lines += ["", f"Mémoire résidente des workers gunicorn après la charge : {memory}"]
    return "\n".join(lines)


def table(pages, counts, results):
    trivial = results[pages[0][0]][0]["rps"]
    lines = [
        "| Page | Requêtes SQL | Cache manqué : req/s | ratio | médiane | p95 "
        "| Cache servi : req/s | ratio | médiane | p95 | erreurs |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, path, _, _ in pages:
        c, w = results[label]
        key = f"sqlite:{path}" if label.startswith("SQLite") else path
        queries = counts.get(key, ["–"])[0] if not path.startswith("/static/") else 0
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
    scenario_results, rss = run_scenarios(static) if SCENARIOS_ON else ({}, {})
    if SQLITE:
        prepare_sqlite()
        sqlite_counts = count_queries([path for _, path, *_ in SQLITE_PAGES], SQLITE_ENV)
        for path, (queries, status) in sqlite_counts.items():
            print(f"{queries:3d} queries  {status}  {path} (SQLite)")
            if status != 200:
                sys.exit(f"{path} answered {status} on SQLite")
        results.update(run_pages(SQLITE_PAGES, SQLITE_ENV))
        pages += SQLITE_PAGES
        counts = {**counts, **{f"sqlite:{p}": c for p, c in sqlite_counts.items()}}
    log(f"Result (page measurements: {time.perf_counter() - started:.0f} s)")
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"{PRACTICES} pratiques ; {machine()} ; {when}\n")
    print(table(pages, counts, results))
    if scenario_results:
        print()
        print(scenario_table(scenario_results, rss))
    errors_in_scenarios = sum(r["errors"] for r, _ in scenario_results.values())
    errors = sum(
        missed["errors"] + (hit["errors"] if hit is not missed else 0)
        for missed, hit in results.values()
    )
    locust_ok = run_locust()
    if errors or errors_in_scenarios or not locust_ok:
        sys.exit(
            f"Errors: {errors} in the page measurements, {errors_in_scenarios} in the"
            f" scenarios; locust ok: {locust_ok}"
        )


if __name__ == "__main__":
    main()
