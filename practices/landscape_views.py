"""/carte/ and /statistiques/ (and its CSV): thin views over practices/landscape.py."""

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from procurement_portal.page_cache import query_parameters

from . import landscape
from .export_rows import BOM, Echo, csv_cell
from .filters import PracticeFilter
from .open_data import invalid_parameters


def _filters_context(filterset, query):
    return {
        "form": filterset.form,
        "has_errors": bool(filterset.errors),
        "filters": [criterion.chip_label for criterion in filterset.active_filters()],
        "query": query.urlencode(),
    }


@require_safe
@query_parameters(*PracticeFilter.base_filters)
def practice_map(request):
    """At most five queries: page cache, filter choices (labels too), counts."""
    filterset = landscape.filterset_for(request)
    query = landscape.valid_query(filterset)
    # Not the list's facet counts, which count each département without the département
    # filter itself: the map shows the matching practices.
    counts = filterset.qs.order_by().count_by("department")
    labels = dict(filterset.choice_labels()["departement"])

    def link(code, n):
        return landscape.list_url(query, departement=code) if n else None

    context = {
        "map": landscape.department_map(counts, labels, link),
        "total": sum(counts.values()),
        **_filters_context(filterset, query),
    }
    return render(request, "practices/map.html", context)


@require_safe
@query_parameters(*PracticeFilter.base_filters)
def statistics(request):
    filterset = landscape.filterset_for(request)
    query = landscape.valid_query(filterset)
    context = {
        "stats": landscape.statistics(filterset, query),
        **_filters_context(filterset, query),
    }
    return render(request, "practices/statistics.html", context)


@require_safe
@query_parameters(*PracticeFilter.base_filters)
def statistics_csv(request):
    """The statistics' tables; a bad parameter is a 400, as for the list's export."""
    filterset = landscape.filterset_for(request)
    error = invalid_parameters(filterset, "l'export des statistiques")
    if error:
        return error
    stats = landscape.statistics(filterset, landscape.valid_query(filterset))
    writer = csv.writer(Echo(), delimiter=";", lineterminator="\r\n")
    lines = [writer.writerow([csv_cell(v) for v in row]) for row in landscape.csv_rows(stats)]
    response = HttpResponse(BOM + "".join(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="statistiques.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
