"""Wall and SQL time of the list's facet counts alone (FacetedResults), best of 7, for a
few filter sets, cache off. Same environment as scenario_time.py."""

import json
import time

import django

django.setup()

from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402

from practices.facets import FacetedResults  # noqa: E402
from practices.filters import PracticeFilter  # noqa: E402
from practices.models import Practice  # noqa: E402

SETS = {
    "unfiltered": "",
    "lever": "levier=clauses-sociales",
    "lever+dept": "levier=clauses-sociales&departement=62",
    "lever+region+year": "levier=marches-reserves&region=32&annee=2020",
    "search": "q=restauration+collective",
    "search+lever": "q=restauration+collective&levier=clauses-sociales",
}


def main():
    sql = [0.0]

    def timed(execute, statement, params, many, context):
        started = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            sql[0] += time.perf_counter() - started

    out = {}
    with connection.execute_wrapper(timed):
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
    main()
