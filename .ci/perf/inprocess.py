"""In-process measurements on a database of generated practices (the bench's: 10,000 or
100,000), to compare code in the same minutes by alternating two checkouts.

    python .ci/perf/inprocess.py scenarios [N]
        Median time of pages built from scratch as `make bench`'s scenarios build them:
        content-version caches warm (one warm-up request), every request a new filter
        combination, so the page cache and the per-filter-set caches miss.
    python .ci/perf/inprocess.py facets
        Wall and SQL time of the list's facet counts alone (FacetedResults), best of 7,
        for a few filter sets, every cache cleared.

Environment: DJANGO_SETTINGS_MODULE=procurement_portal.settings DJANGO_SECRET_KEY=x
DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal_bench
DJANGO_ALLOWED_HOSTS=127.0.0.1 PYTHONPATH=<the checkout>; run `manage.py collectstatic`
once first (debug is off).
"""

import itertools
import json
import random
import statistics
import sys
import time
from contextlib import contextmanager

import django

django.setup()

from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client  # noqa: E402

from levers.models import Lever  # noqa: E402
from practices.facets import FacetedResults  # noqa: E402
from practices.filters import PracticeFilter  # noqa: E402
from practices.models import Practice, Region  # noqa: E402


@contextmanager
def sql_time():
    """[seconds]: the time this connection spends in SQL, while the block runs (reset it
    to 0 between measurements)."""
    sql = [0.0]

    def timed(execute, statement, params, many, context):
        started = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            sql[0] += time.perf_counter() - started

    with connection.execute_wrapper(timed):
        yield sql


WORDS = [
    "restauration", "collective", "insertion", "clause", "sociale", "commerce", "equitable",
    "marche", "reserve", "entreprise", "adaptee", "achat", "responsable", "handicap",
    "emploi", "SIAE",
]  # fmt: skip
STOP_WORDS = ["le", "la", "de", "du", "des", "les", "et", "un", "une", "au"]


def scenarios(n):
    client = Client()
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
    with sql_time() as sql:
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


SETS = {
    "unfiltered": "",
    "lever": "levier=clauses-sociales",
    "lever+dept": "levier=clauses-sociales&departement=62",
    "lever+region+year": "levier=marches-reserves&region=32&annee=2020",
    "search": "q=restauration+collective",
    "search+lever": "q=restauration+collective&levier=clauses-sociales",
}


def facets():
    out = {}
    with sql_time() as sql:
        for name, query in SETS.items():
            best = (1e9, 1e9)
            for _ in range(7):
                for cache in caches.all():
                    cache.clear()
                sql[0] = 0.0
                started = time.perf_counter()
                filterset = PracticeFilter(
                    QueryDict(query) or None, queryset=Practice.objects.published(), request=None
                )
                faceted = FacetedResults(filterset)
                faceted.total  # noqa: B018 - runs the facet query
                faceted.facets()
                best = min(best, (time.perf_counter() - started, sql[0]))
            out[name] = (round(best[0] * 1000, 1), round(best[1] * 1000, 1))
    print(json.dumps(out))


if __name__ == "__main__":
    if sys.argv[1:2] == ["facets"]:
        facets()
    else:
        scenarios(int(sys.argv[2]) if len(sys.argv) > 2 else 25)
