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

The steps live in .ci/benchlib/: config (these variables, the pages measured), database
(PostgreSQL and SQLite prepared, queries counted), server (gunicorn), measure (pages
missed and hit, locust), scenarios (mixed filters) and report (the tables printed).
"""

import sys
import time

from benchlib.config import PAGES, PRACTICES, SCENARIOS_ON, SQLITE, SQLITE_ENV, SQLITE_PAGES, log
from benchlib.database import count_queries, prepare, prepare_sqlite
from benchlib.measure import run_locust, run_pages
from benchlib.report import machine, scenario_table, table
from benchlib.scenarios import run_scenarios


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
