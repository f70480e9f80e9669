"""The landscape of practices: the map of départements and the statistics, over the list's filters.

Both pages take the list's parameters through PracticeFilter, so that a number on them is
the number of practices the list shows when one follows its link. Counting is done with
QuerySet verbs (count_by, and one UNION ALL of grouped counts for the statistics); the
map's geometry is read from practices/data/departements.svg.json, derived once from IGN
Admin Express by `manage.py build_department_map`.
"""

import functools
import json
import math
from pathlib import Path

from django.db.models import CharField, Count, Sum, Value
from django.db.models.functions import Cast
from django.http import QueryDict
from django.utils import timezone

from .filters import PracticeFilter
from .models import KeyFigure, Practice
from .text import fold

MAP_FILE = Path(__file__).resolve().parent / "data" / "departements.svg.json"
MAX_CLASSES = 5
# Key figures in these units are never summed: shares, durations.
NON_ADDITIVE_UNITS = {"%", "an", "ans", "mois", "jour", "jours"}
# …nor figures with these words in their label: thresholds and durations.
NON_ADDITIVE_LABELS = ("seuil", "duree", "taux", "part ")


@functools.cache
def geometry():
    """The map as derived and committed: width, height, insets and 101 paths (read once)."""
    return json.loads(MAP_FILE.read_text(encoding="utf-8"))


def practices_label(n):
    """« aucune pratique », « 1 pratique », « 12 pratiques »."""
    if not n:
        return "aucune pratique"
    return f"{n} pratique{'s' if n > 1 else ''}"


def filterset_for(request):
    """The list's filter set over published practices, for counting.

    Sorted by date whatever `tri` says: a count has no order, and relevance order would
    add the search rank to the queries' columns.
    """
    data = request.GET.copy()
    data["tri"] = "recent"
    return PracticeFilter(data, queryset=Practice.objects.published(), request=request)


def valid_query(filterset):
    """The valid filters in use, as a QueryDict: what links from the map and statistics carry.

    Built from the cleaned values, so a link never carries a value the list would reject.
    """
    filterset.errors  # noqa: B018 - validates once
    data = getattr(filterset.form, "cleaned_data", {}) or {}
    query = QueryDict(mutable=True)
    for name in PracticeFilter.FILTER_PARAMS:
        value = data.get(name)
        if value is None or value == "" or value == []:
            continue
        items = value if isinstance(value, list | tuple) else [value]
        keys = []
        for item in items:
            key = getattr(item, "slug", None) or getattr(item, "code", None) or item
            if name == "annee":
                key = int(key)
            keys.append(str(key).strip())
        keys = [key for key in keys if key]
        if keys:
            query.setlist(name, keys)
    return query


def list_url(query, **replace):
    """/pratiques/?<query> with each of `replace`'s parameters set to that one value."""
    params = query.copy()
    for name, value in replace.items():
        params.setlist(name, [str(value)])
    encoded = params.urlencode()
    return "/pratiques/" + (f"?{encoded}" if encoded else "")


# The map ------------------------------------------------------------------------------


def colour_classes(counts):
    """[(low, high)]: at most five count ranges, from the quantiles of the non-zero counts."""
    values = sorted(n for n in counts.values() if n)
    if not values:
        return []
    size = len(values)
    highs = sorted(
        {values[max(math.ceil(size * k / MAX_CLASSES) - 1, 0)] for k in range(1, 1 + MAX_CLASSES)}
    )
    ranges, low = [], 1
    for high in highs:
        ranges.append((low, high))
        low = high + 1
    return ranges


def _palette_index(position, classes):
    """Spread `classes` ranges over the stylesheet's five shades, darkest for the largest."""
    if classes == 1:
        return MAX_CLASSES
    return 1 + round(position * (MAX_CLASSES - 1) / (classes - 1))


def department_map(counts, labels, link, *, compact=False):
    """What templates/practices/_department_map.html draws.

    counts: {code: practices}; labels: {code: "Ille-et-Vilaine (35)"} (missing ones are
    made from the map's own names); link(code, n): URL or None (no link).
    `compact` (home page): one image, no per-shape names in the accessibility tree.
    """
    data = geometry()
    ranges = colour_classes(counts)
    classes = {}
    for position, (low, high) in enumerate(ranges):
        for n in range(low, high + 1):
            classes[n] = f"map-c{_palette_index(position, len(ranges))}"
    shapes = []
    for department in data["departements"]:
        code = department["code"]
        n = counts.get(code, 0)
        label = labels.get(code) or f"{department['name']} ({code})"
        shapes.append(
            {
                "code": code,
                "name": label,
                "d": department["small" if compact else "d"],
                "count": n,
                "css": classes.get(n, "map-c0"),
                "url": link(code, n),
                "label": f"{label} : {practices_label(n)}",
            }
        )
    legend = [{"css": "map-c0", "label": "Aucune pratique"}]
    for position, (low, high) in enumerate(ranges):
        text = practices_label(low) if low == high else f"{low} à {high} pratiques"
        css = f"map-c{_palette_index(position, len(ranges))}"
        legend.append({"css": css, "label": text[0].upper() + text[1:]})
    names = {d["code"]: d["name"] for d in data["departements"]}
    insets = [dict(inset, name=names[inset["code"]]) for inset in data["insets"]]
    with_practices = sorted(
        (shape for shape in shapes if shape["count"]),
        key=lambda shape: (-shape["count"], shape["code"]),
    )
    return {
        "width": data["width"],
        "height": data["height"],
        "insets": insets,
        "shapes": shapes,
        "legend": legend,
        "compact": compact,
        "with_practices": with_practices,
        "summary": _summary(with_practices),
    }


# The home page's map is one image; its colours say in words next to it which
# departments have practices (most first), for screen readers and whoever cannot tell
# them apart. Past ten names, a count of the others: the /carte/ page has the table.
SUMMARY_NAMES = 10


def _summary(with_practices):
    names = [shape["name"] for shape in with_practices]
    if not names:
        return "Aucune pratique publiée pour l'instant."
    if len(names) > SUMMARY_NAMES:
        others = len(names) - SUMMARY_NAMES
        rest = f"{others} autres départements" if others > 1 else "un autre département"
        return f"{', '.join(names[:SUMMARY_NAMES])} et {rest}."
    if len(names) == 1:
        return f"{names[0]}."
    return f"{', '.join(names[:-1])} et {names[-1]}."


# Statistics ---------------------------------------------------------------------------


def _grouped(queryset, tag, field, second=None):
    """(tag, key, second key, count) rows of `queryset` grouped by `field` (and `second`)."""
    group = (field, second) if second else (field,)
    return (
        queryset.filter(**{f"{field}__isnull": False})
        .values_list(*group)
        .annotate(
            tag=Value(tag, output_field=CharField()),
            key=Cast(field, CharField()),
            key2=Cast(second, CharField()) if second else Value("", output_field=CharField()),
            n=Count("pk"),
        )
        .values_list("tag", "key", "key2", "n")
    )


def _labels(filterset):
    """{(kind, key): (name, slug or code, rank)} of levers, sectors and regions, keyed as the
    counts are (primary key as text), from the filter set's choices (no query of their own
    once the filters are validated)."""
    labels = {}
    slugs = filterset.choice_slugs()
    choices = filterset.choice_labels()
    for kind in ("levier", "secteur", "region"):
        key_by_slug = {slug: key for key, slug in slugs[kind].items()}
        for rank, (slug, name) in enumerate(choices[kind]):
            labels[(kind, key_by_slug[slug])] = (name, slug, rank)
    return labels


def _series(title, parameter, counts, labels, query, ordered_by_count=True):
    """One chart and its table: rows of label, value, link, and the bar's length."""
    rows = [
        {"label": label, "value": counts.get(key, 0), "url": list_url(query, **{parameter: value})}
        for key, label, value in labels
    ]
    rows = [row for row in rows if row["value"]]
    if ordered_by_count:
        rows.sort(key=lambda row: -row["value"])  # stable: ties keep the labels' order
    top = max((row["value"] for row in rows), default=0)
    for row in rows:  # only rows with a value: top > 0
        # Bars take at most 85 % of the width: the value is written after the bar.
        percent = 85 * row["value"] / top
        row["percent"] = f"{percent:.1f}"
        row["value_x"] = f"{percent + 1:.1f}"
    return {"title": title, "parameter": parameter, "rows": rows}


def statistics(filterset, query):
    """The statistics page's series and key figures for the filter set's practices.

    Two queries: the counts (one UNION ALL of grouped counts) and the key figures; the labels
    are the filter set's (one query, cached under the content version by the page cache).
    """
    practices = filterset.qs.order_by()
    parts = [
        _grouped(practices, "levier", "levers"),
        _grouped(practices, "region", "department__region"),
        _grouped(practices, "type_collectivite", "authority_type"),
        _grouped(practices, "secteur", "sectors"),
        _grouped(practices, "annee", "start_year", "end_year"),
    ]
    counts = {tag: {} for tag in ("levier", "region", "type_collectivite", "secteur")}
    spans = []
    for tag, key, key2, n in parts[0].union(*parts[1:], all=True):
        if tag == "annee":
            spans.append((int(key), int(key2) if key2 else None, n))
        else:
            counts[tag][key] = n
    total = sum(counts["type_collectivite"].values())  # every practice has one type
    if not total:
        return {"total": 0, "series": [], "figures": []}

    labels = _labels(filterset)

    def labelled(kind):
        """[(key, name, slug or code)] of one kind, in the filters' order."""
        rows = [
            (rank, key, name, value)
            for (tag, key), (name, value, rank) in labels.items()
            if tag == kind
        ]
        return [(key, name, value) for _, key, name, value in sorted(rows)]

    # A practice counts in every year from its start to its end, or to this year.
    this_year = timezone.localdate().year
    years = {}
    for start, end, n in spans:
        for year in range(start, min(end or this_year, this_year) + 1):
            years[str(year)] = years.get(str(year), 0) + n
    year_labels = [(year, year, year) for year in sorted(years)]

    series = [
        _series("Pratiques par levier", "levier", counts["levier"], labelled("levier"), query),
        _series("Pratiques par région", "region", counts["region"], labelled("region"), query),
        _series(
            "Pratiques par année (en cours cette année-là)",
            "annee",
            years,
            year_labels,
            query,
            ordered_by_count=False,
        ),
        _series(
            "Pratiques par type de collectivité",
            "type_collectivite",
            counts["type_collectivite"],
            [(value, label, value) for value, label in Practice.AuthorityType.choices],
            query,
        ),
        _series("Pratiques par secteur", "secteur", counts["secteur"], labelled("secteur"), query),
    ]
    return {
        "total": total,
        "series": series,
        "figures": key_figures(practices, labels, query),
    }


def _additive(label, unit):
    return unit.strip().lower() not in NON_ADDITIVE_UNITS and not any(
        word in fold(label) for word in NON_ADDITIVE_LABELS
    )


def key_figures(practices, labels, query):
    """[{lever, url, figures: [{label, unit, total, practices}]}]: sums per lever of the key
    figures that share a label and a unit (shares and durations excluded), in one query."""
    rows = (
        KeyFigure.objects.filter(practice__in=practices.values("pk"))
        .values_list("practice__levers", "label", "unit")
        .annotate(total=Sum("value"), n=Count("practice", distinct=True))
        .order_by()
    )
    grouped = {}
    for lever, label, unit, total, n in rows:
        if lever is None or not _additive(label, unit):
            continue
        # Labels typed with other accents or capitals are the same figure.
        key = (str(lever), fold(label).strip(), unit.strip())
        entry = grouped.setdefault(key, {"label": label.strip(), "unit": unit.strip(), "total": 0})
        entry["total"] += total
        entry["practices"] = entry.get("practices", 0) + n
    per_lever = {}
    for (lever, _, _), entry in grouped.items():
        per_lever.setdefault(lever, []).append(entry)
    result = []
    for lever, figures in per_lever.items():
        name, slug, rank = labels.get(("levier", lever), ("", "", 0))
        if not name:
            continue
        figures.sort(key=lambda entry: (-entry["practices"], fold(entry["label"])))
        for entry in figures:
            entry["display"] = _display_number(entry["total"])
        result.append(
            {
                "rank": rank,
                "lever": name,
                "url": list_url(query, levier=slug),
                "figures": figures,
            }
        )
    result.sort(key=lambda entry: (entry["rank"], fold(entry["lever"])))
    return result


def _display_number(value):
    """12 345 (narrow no-break space) or 12 345,5: as KeyFigure.display_value writes them."""
    return KeyFigure(value=value).display_value


def csv_rows(stats):
    """The statistics' tables as CSV rows (headers first), for /statistiques/export.csv."""
    yield ["Tableau", "Libellé", "Pratiques", "Somme", "Unité"]
    for series in stats["series"]:
        for row in series["rows"]:
            yield [series["title"], row["label"], row["value"], "", ""]
    for lever in stats["figures"]:
        for figure in lever["figures"]:
            yield [
                f"Chiffres clés : {lever['lever']}",
                figure["label"],
                figure["practices"],
                f"{figure['total'].normalize():f}",
                figure["unit"],
            ]
