"""Facet counts, the number of results and the ranked page of the practice list, together.

FacetedResults(filterset, page, per_page) is the one entry point: it reads a bound
PracticeFilter through its public methods and computes, in one query, what the list
page shows beside the results:

- each facet's counts, each applying every active filter but its own, so that a count
  says how many results ticking that choice would add to what is shown;
- the number of results (the paginator then needs no COUNT of its own);
- on PostgreSQL, for a search sorted by relevance, the ids of the requested page in
  relevance order: ranking reads every match's search vector, so the page is ranked
  by the query that reads the matches anyway, then fetched by primary key.

For a search, the matches are read once, in a materialized common table expression
(django-cte) of the columns the facets filter and group on (and, to rank the page, the
relevance): every branch filters those rows by the facets in use but its own. Without a
search each branch reads the practices' covering index, which is cheaper than a CTE of
them. Levers and sectors are counted from the ids each practice keeps on its row
(lever_ids, sector_ids, kept in step with its search texts), not from the through tables.

Nothing can be read in the wrong order: the first value read runs the query, which
computes all of them.

The counts and the total are kept under the content version per filter set (sort and
page aside: page 2 has page 1's facets), so that paging or re-sorting runs only the
query of the page itself; a search's ranked page is then a query of its own.
"""

import hashlib
from functools import cached_property

from django.db import connections, models
from django.db.models import Case, Count, F, FloatField, Q, Value, When
from django.db.models.functions import Cast, RowNumber
from django_cte import CTE, with_cte

from procurement_portal.page_cache import cached_for_content

from .search import RELEVANCE_ORDER, relevance
from .search_index import holds_one_of

# The facets with counts, in display order, and how a chip or a feed title names them.
FACETS = {
    "levier": "Levier",
    "type_collectivite": "Collectivité",
    "region": "Région",
    "departement": "Département",
    "secteur": "Secteur",
    "preuve": "Niveau de preuve",
}
# Facets counted on the practice row itself (parameter: column), and on a through table.
ROW_FACETS = {
    "departement": "department",
    "region": "department__region",
    "type_collectivite": "authority_type",
    "preuve": "evidence_level",
}
M2M_FACETS = {"levier": "levers", "secteur": "sectors"}
# A practice's ids of each, kept on its row with its search texts ("2,5").
M2M_ID_COLUMNS = {"levier": "lever_ids", "secteur": "sector_ids"}
# The columns of the practice row the facets filter or group on (the region is joined
# from the department).
ROW_COLUMNS = ("department_id", "authority_type", "evidence_level")
# OFFSET is a 64-bit integer; a page that far is empty anyway.
MAX_RANKED_PAGE = 10**6


BLANK = Value("")


def _text(expression):
    return Cast(expression, models.CharField())


class FacetedResults:
    """What a list page shows beside its results, for one filter set and one page."""

    def __init__(self, filterset, page=None, per_page=None):
        self.filterset = filterset
        self.ranking = None
        self.page_slice = None
        if per_page and filterset.sort_key() == "pertinence":
            self.ranking = relevance(
                filterset.queryset, filterset.search_query(), filterset.synonyms()
            )
        if self.ranking is not None:
            try:
                number = min(max(int(page), 1), MAX_RANKED_PAGE)
            except (TypeError, ValueError):
                number = 1
            self.page_slice = ((number - 1) * per_page, per_page)

    # The query ------------------------------------------------------------------------

    @cached_property
    def _matches(self):
        """The practices matching the filters that are not facets (the search, the year),
        read once for every branch with the columns the facets filter and group on: a
        materialized common table expression. Only for a search: matching and ranking are
        what costs (at 10,000 practices on PostgreSQL, a search's facets took 20-24 ms
        instead of 29-38, with or without a lever, best of 7, Python and SQL); without
        one, a CTE of the year's or of every practice was measured 1-3 ms slower than
        each branch reading the table.
        None then."""
        if not self.filterset.search_query():
            return None
        columns = ["id", *ROW_COLUMNS, *M2M_ID_COLUMNS.values()]
        queryset = self.filterset.queryset_without(*FACETS).order_by()
        if self.page_slice is not None:
            # Ranked only when it passes the lever and sector filters: the others are
            # counted, never shown. A two-word search with a lever: facet query 20.5-21.2
            # -> 19.0-19.9 ms at 10,000 practices, 214-216 -> 201-203 ms at 100,000 (best of
            # 5, alternated; the same counts and page).
            shown = self._by_row_ids.values()
            rank = self.ranking
            if shown:
                rank = Case(When(Q(*shown), then=rank), default=None, output_field=FloatField())
            queryset = queryset.annotate(search_rank=rank)
            columns += ["search_rank", "published_at"]
        return CTE(queryset.values(*columns), name="facet_matches", materialized=True)

    def _match_rows(self, excluded):
        """The rows of the CTE, filtered by the facets in use but `excluded`."""
        return self._faceted(self._matches.queryset(), excluded).order_by()

    def _faceted(self, queryset, excluded):
        """`queryset` filtered by the facets in use but `excluded`.

        Levers and sectors are matched on the ids each row keeps (M2M_ID_COLUMNS), which
        the covering index holds, not through their through tables: a branch without its
        own lever filter (the region's, say) otherwise hashed all of a lever's practices
        from the through table to join them. At 100,000 practices on PostgreSQL, lever x
        region x year's facet query went from 35.4 to 24.7 ms, a search with a lever
        from 226 to 199 ms (best of 5, alternated; the same counts).
        """
        by_row = [q for name, q in self._by_row_ids.items() if name != excluded]
        others = set(FACETS) - {excluded} - set(self._by_row_ids)
        return self.filterset.filter_only(queryset.filter(*by_row), others)

    @cached_property
    def _by_row_ids(self):
        """{lever or sector facet in use: Q on the ids kept on the row}, worked out once
        for every branch."""
        conditions = {}
        slugs = self.filterset.choice_slugs()
        for name in M2M_FACETS:
            chosen = self.filterset.selected(name)
            keys = {slug: key for key, slug in slugs[name].items()}
            ids = [keys.get(slug) for slug in chosen]
            if chosen and None not in ids:
                conditions[name] = holds_one_of(M2M_ID_COLUMNS[name], ids)
        return conditions

    @cached_property
    def _unfaceted(self):
        """Without a search, the practices matching the filters that are not facets (the
        year): each branch applies its facets to this one queryset instead of filtering
        the practices again from the start."""
        return self.filterset.queryset_without(*FACETS).order_by()

    def _base(self, excluded):
        """The results, or when `excluded` is a facet in use, the results without it."""
        if self._matches is None:
            return self._faceted(self._unfaceted, excluded)
        return with_cte(self._matches, select=self._match_rows(excluded))

    def _ranked(self):
        """The results with their relevance (search_rank), for the ranked page."""
        if self._matches is None:
            return self._base(None).annotate(search_rank=self.ranking)
        return self._base(None)  # the CTE ranked the matches

    @cached_property
    def _row_groups(self):
        """{facet in use among ROW_FACETS, or None for the results: its branch name}."""
        groups = {None: "rows:"}
        for name in ROW_FACETS:
            if self.filterset.selected(name):
                groups[name] = f"rows:{name}"
        return groups

    def _row_branch(self, name):
        return self._row_groups.get(name, self._row_groups[None])

    @cached_property
    def _rows(self):
        """[(branch, key, region, authority, evidence, n)], one UNION ALL of grouped
        counts.

        Each branch reads its filtered practices (for a search, from the matches read
        once, _matches): one GROUP BY for the facets on the practice row (per distinct
        set of filters), one per set of lever and sector ids, and the ranked page.
        Filters in use make distinct sets only for their own facet.
        """
        # The evidence level is grouped with the other row facets: one GROUP BY (one read
        # of the filtered practices) fewer than a branch of its own, of four or five.
        # Each branch's shape in as few clones of its query as the public API allows: the
        # constant branch name is no GROUP BY column.
        branches = [
            self._base(excluded)
            .values(*ROW_FACETS.values())
            .annotate(branch=Value(branch), n=Count("pk"))
            .values_list("branch", *ROW_FACETS.values(), "n")
            for excluded, branch in self._row_groups.items()
        ]
        for name in M2M_FACETS:
            # The practices grouped on their sets of ids ("2,5"; few distinct ones), split
            # in _compute, read from the covering index (or a search's matches): joining
            # the through tables was a third of a synonym search's facet query at 10,000
            # practices and 40 % of a two-word search's at 100,000 (EXPLAIN ANALYZE).
            branches.append(
                self._base(name)
                .values(key=F(M2M_ID_COLUMNS[name]))
                .annotate(branch=Value(name), a=BLANK, b=BLANK, c=BLANK, n=Count("pk"))
                .values_list("branch", "key", "a", "b", "c", "n")
            )
        if self.page_slice is not None:
            branches.append(self._page_branch())
        return list(branches[0].union(*branches[1:], all=True))

    def _page_branch(self):
        """The ids of the requested page, numbered in relevance order."""
        offset, limit = self.page_slice
        order = [F(f[1:]).desc() for f in RELEVANCE_ORDER]
        ranked = self._ranked()
        sliceable = connections[ranked.db].features.supports_slicing_ordering_in_compound
        if not sliceable:
            # SQLite cannot slice a branch of a UNION: the branch keeps the matches whose
            # id is among the page's, chosen by a sliced subquery of the same CTE (which
            # ranked them with bm25). The MATCH then runs once per request, not twice:
            # at 10,000 practices the synonym search's SQL went from ~41 to ~25 ms.
            page_ids = self._match_rows(None).order_by(*RELEVANCE_ORDER).values("pk")
            ranked = ranked.filter(pk__in=page_ids[offset : offset + limit])
        page = ranked.annotate(
            branch=Value("page"),
            key=_text("pk"),
            a=Value(""),
            b=Value(""),
            c=Value(""),
            n=models.Window(RowNumber(), order_by=order),
        )
        if not sliceable:
            return page.values_list("branch", "key", "a", "b", "c", "n")
        return page.order_by(*RELEVANCE_ORDER).values_list("branch", "key", "a", "b", "c", "n")[
            offset : offset + limit
        ]

    @cached_property
    def _computed(self):
        """(counts, total, ranked page ids), from the cache when this filter set's counts
        are there (then the ranked page is left to the queryset, see results())."""
        digest = hashlib.sha256(self.filterset.filter_key().encode()).hexdigest()
        request = getattr(self.filterset, "request", None)
        fresh = []

        def compute():
            fresh.append(self._compute())
            return fresh[0][:2]

        counts, total = cached_for_content(request, f"facet-counts:{digest}", compute)
        if fresh:
            return fresh[0]
        self.page_slice = None
        return counts, total, []

    def _compute(self):
        counts = {name: {} for name in FACETS}
        total = 0
        ranked = []
        slugs = self.filterset.choice_slugs()
        # {row branch: [(counts of a facet it gives, the row's column for that facet)]}:
        # a row facet is counted from its own branch when in use, from "rows:" otherwise.
        facets_of = {branch: [] for branch in self._row_groups.values()}
        for column, name in enumerate(ROW_FACETS, start=1):
            facets_of[self._row_branch(name)].append((counts[name], column))
        for row in self._rows:
            branch, n = row[0], row[-1]
            if branch == "page":
                ranked.append((n, int(row[1])))
            elif branch in M2M_FACETS:
                # One id, or for a search a set of them ("2,5", "" for none).
                for key in row[1].split(",") if row[1] else ():
                    slug = slugs[branch].get(key)
                    if slug is not None:
                        counts[branch][slug] = counts[branch].get(slug, 0) + n
            else:
                if branch == "rows:":
                    total += n
                for facet_counts, column in facets_of[branch]:
                    key = row[column]
                    facet_counts[key] = facet_counts.get(key, 0) + n
        return counts, total, [pk for _, pk in sorted(ranked)]

    # What pages read -------------------------------------------------------------------

    @property
    def total(self):
        """How many practices match the filters."""
        return self._computed[1]

    @property
    def counts(self):
        """{facet: {slug or code: number of practices}}."""
        return self._computed[0]

    def facets(self):
        """{facet: [{"value", "label", "count", "selected"}]}, in FACETS order."""
        counts = self.counts
        labels = self.filterset.choice_labels()
        facets = {}
        for name in FACETS:
            chosen = self.filterset.selected(name)
            items = [
                {
                    "value": value,
                    "label": label,
                    "count": counts[name].get(value, 0),
                    "selected": value in chosen,
                }
                for value, label in labels[name]
            ]
            if name == "departement":
                # 101 departments would drown the form: only those with results, plus
                # the chosen ones.
                items = [i for i in items if i["count"] or i["selected"]]
            facets[name] = items
        return facets

    def results(self, queryset, by_id=None):
        """`queryset` (the filtered results, sorted) for the paginator: the ranked page
        when this query ranked it, the queryset itself otherwise.

        `by_id`: the same practices unfiltered (same columns and relations), from which a
        ranked page is fetched by primary key: its ids already passed the filters, and on
        SQLite a MATCH beside `id IN (...)` reads every match again (~20 ms at 10,000
        practices for the synonym search, against ~1 ms without it)."""
        self._computed  # noqa: B018 - decides whether the page was ranked with the counts
        if self.page_slice is None:
            return queryset
        return RankedPage(queryset, self, by_id)


class RankedPage:
    """Results whose requested page FacetedResults ranked: that page is fetched by
    primary key; any other page the paginator settles on is a query of its own."""

    def __init__(self, queryset, faceted, by_id=None):
        self.queryset = queryset
        self.faceted = faceted
        self.by_id = queryset if by_id is None else by_id

    def __getitem__(self, index):
        offset, limit = self.faceted.page_slice
        # The paginator asks for [offset:offset + limit], or less on the last page.
        if not (
            isinstance(index, slice)
            and (index.start or 0) == offset
            and index.stop is not None
            and offset <= index.stop <= offset + limit
        ):
            return self.queryset[index]
        ids = self.faceted._computed[2][: index.stop - offset]
        page = self.by_id.order_by().filter(pk__in=ids)
        by_id = {practice.pk: practice for practice in page}
        return [by_id[pk] for pk in ids if pk in by_id]
