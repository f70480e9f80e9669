"""Median time of pages built from scratch, in-process, as `make bench`'s scenarios build
them: content-version caches warm (one warm-up request), every request a new filter
combination, so the page cache and the per-filter-set caches miss.

Usage, with the environment of a database (e.g. the bench's, 10,000 or 100,000 practices):
    DJANGO_SETTINGS_MODULE=procurement_portal.settings DJANGO_SECRET_KEY=x \
    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal_bench \
    DJANGO_ALLOWED_HOSTS=127.0.0.1 PYTHONPATH=. python .ci/perf/scenario_time.py [N]
(run `manage.py collectstatic` once first: debug is off). Alternate two checkouts (their
PYTHONPATH) to compare code in the same minutes.
"""

import itertools
import random
import statistics
import sys
import time

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from levers.models import Lever  # noqa: E402
from practices.models import Practice, Region  # noqa: E402

WORDS = [
    "restauration", "collective", "insertion", "clause", "sociale", "commerce", "equitable",
    "marche", "reserve", "entreprise", "adaptee", "achat", "responsable", "handicap",
    "emploi", "SIAE",
]  # fmt: skip
STOP_WORDS = ["le", "la", "de", "du", "des", "les", "et", "un", "une", "au"]


def main(n):
    client = Client()
    sql = [0.0]

    def timed(execute, statement, params, many, context):
        started = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            sql[0] += time.perf_counter() - started

    levers = list(Lever.objects.values_list("slug", flat=True))
    regions = list(Region.objects.values_list("code", flat=True))
    slugs = list(Practice.objects.published().values_list("slug", flat=True)[:3000])
    combinations = {
        "lever x region x year": [
            f"/pratiques/?levier={lever}&region={region}&annee={year}"
            for lever in levers
            for region in regions
            for year in range(2012, 2024)
        ],
        "search x lever x sort": [
            f"/pratiques/?q={a}+{b}&levier={lever}&tri={sort}"
            for a, b in itertools.permutations(WORDS, 2)
            for lever in levers
            for sort in ("pertinence", "recent")
        ],
        "practice page": [f"/pratiques/{slug}/" for slug in slugs],
        # Stop words of their own per request: dropped by the search, kept in the key.
        "synonyms": [
            f"/pratiques/?q=SIAE+clause+sociale+{'+'.join(words)}"
            for size in (1, 2, 3)
            for words in itertools.permutations(STOP_WORDS, size)
        ],
    }
    get = {"HTTP_HOST": "127.0.0.1", "secure": True}
    client.get("/", **get)
    rnd = random.Random(1)  # noqa: S311 - a reproducible order, no secret
    with connection.execute_wrapper(timed):
        for name, urls in combinations.items():
            rnd.shuffle(urls)
            client.get(urls[-1], **get)  # warms the content-version caches
            times, sql_times = [], []
            for url in urls[:n]:
                sql[0] = 0
                started = time.perf_counter()
                response = client.get(url, **get)
                assert response.status_code == 200, (url, response.status_code)
                times.append((time.perf_counter() - started) * 1000)
                sql_times.append(sql[0] * 1000)
            print(
                f"{name:24} median {statistics.median(times):6.1f} ms"
                f"  SQL {statistics.median(sql_times):6.1f} ms  (n={n})"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 25)
