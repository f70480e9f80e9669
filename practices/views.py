"""Public pages: home, practice list and detail, departments, robots.txt."""

import contextlib

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import (
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe

from levers.models import LegalBasis, Lever
from procurement_portal.links import absolute_url
from procurement_portal.page_cache import cached_for_content, query_parameters

from . import revisions, revisions_display
from .contact import contact_route
from .describe import describe_results
from .facets import FacetedResults
from .filters import PracticeFilter
from .landscape import department_map
from .models import Department, Document, Practice, Recognition, Region, with_counts
from .revisions_display import PracticeRelations
from .search_index import holds_one_of
from .suggest import suggestion
from .templatetags.practice_cards import name_levers
from .text import fold

PAGE_SIZE = 12
# Practices shown on a department's page; the list page has them all.
LATEST_PRACTICES = 12
# Parameters that may be repeated; a chip removes one value, not the whole parameter.
MULTI_VALUED = {"levier", "departement", "secteur", "type_collectivite", "preuve"}


class CountedPaginator(Paginator):
    """A paginator told the number of results: FacetedResults counts them with the facets."""

    def __init__(self, object_list, per_page, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.__dict__["count"] = count  # Paginator.count is a cached_property

    def get_page(self, number):
        # ?page=0 or -1: the nearest page is the first (Django's get_page shows the last,
        # while FacetedResults ranks the first).
        with contextlib.suppress(TypeError, ValueError):
            number = max(int(number), 1)
        return super().get_page(number)


@require_safe
def home(request):
    published = Practice.objects.published()
    # Counting every published practice grows with them (~80 ms of SQL at 100,000): the
    # counts change only with the content, and are kept under its version, with the small
    # map they colour (its 101 shapes were ~1.5 ms of template; one cache entry, so that
    # the first request after a change writes once; a key of its own: entries stored by
    # an earlier release under "home-counts" hold the counts alone).
    per_department, per_lever, drawn_map = cached_for_content(
        request, "home-summary", lambda: _home_counts(published)
    )
    context = {
        "recent": published.for_cards().order_by("-published_at", "-pk")[:4],
        "levers": with_counts(Lever.objects.all(), per_lever),
        "counts": {
            "practices": sum(per_department.values()),
            "departments": len(per_department),
        },
        "map": drawn_map,
    }
    return render(request, "home.html", context)


def _home_counts(published):
    per_department = published.count_by("department")
    # The small map is one image, linked to /carte/; names from the map's own data.
    drawing = department_map(per_department, {}, lambda code, n: None, compact=True)
    drawn = render_to_string("practices/_home_map.html", {"map": drawing})
    return per_department, published.count_by("levers"), drawn


def _chip_links(request, active):
    chips = []
    for criterion in active:
        params = request.GET.copy()
        params.pop("page", None)
        if criterion.param in MULTI_VALUED:
            params.setlist(
                criterion.param,
                [v for v in params.getlist(criterion.param) if v != criterion.value],
            )
        else:
            params.pop(criterion.param, None)
        query = params.urlencode()
        chips.append({"label": criterion.chip_label, "url": f"?{query}" if query else request.path})
    return chips


def canonical_query(params, filterset):
    """The list's query string without empty values, the default sort or page 1.

    `?q=&annee=&tri=recent&levier=spaser` and `?levier=spaser` are the same page: search
    engines and shared links get the short one.
    """
    default_sort = "pertinence" if filterset.is_bound and filterset.search_query() else "recent"
    # ?tri=pertinence without a search shows the default order: the same page.
    shown_sort = filterset.sort_key() if filterset.is_bound else default_sort
    kept = QueryDict(mutable=True)
    for name, values in params.lists():
        values = [value for value in values if value.strip()]
        if (name == "tri" and shown_sort == default_sort) or (name == "page" and values == ["1"]):
            continue
        if values:
            kept.setlist(name, values)
    return kept.urlencode()


@require_safe
@query_parameters(*PracticeFilter.base_filters, "page")
def practice_list(request):
    filterset = PracticeFilter(
        request.GET or None, queryset=Practice.objects.published(), request=request
    )
    faceted = FacetedResults(filterset, page=request.GET.get("page"), per_page=PAGE_SIZE)
    paginator = CountedPaginator(
        faceted.results(
            filterset.qs.for_cards_named_levers(),
            by_id=filterset.queryset.for_cards_named_levers(),
        ),
        PAGE_SIZE,
        count=faceted.total,
    )
    page_obj = paginator.get_page(request.GET.get("page"))
    active = filterset.active_filters() if filterset.is_bound else []
    feed_query = QueryDict(canonical_query(request.GET, filterset), mutable=True)
    feed_query.pop("page", None)
    query = filterset.search_query() if filterset.is_bound else ""
    # The page actually shown: ?page=99 of 3 pages shows the third.
    canonical = feed_query.copy()
    if page_obj.number > 1:
        canonical["page"] = str(page_obj.number)
    canonical = canonical.urlencode()
    facets = faceted.facets()
    chosen_departments = [choice for choice in facets["departement"] if choice["selected"]]
    context = {
        "filter": filterset,
        "form": filterset.form,
        "facets": facets,
        # The département select shows one; a shared link's others stay as checkboxes.
        "first_department": chosen_departments[0]["value"] if chosen_departments else "",
        "more_departments": chosen_departments[1:],
        "sector_chosen": any(choice["selected"] for choice in facets["secteur"]),
        "active_count": sum(criterion.param != "q" for criterion in active),
        "canonical_query": canonical,
        "page_obj": page_obj,
        "page_range": paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1),
        "practices": name_levers(page_obj.object_list, filterset.lever_labels()),
        "count": paginator.count,
        "q": query,
        "suggestion": _suggestion(request, filterset, query, paginator.count),
        "sort": filterset.sort_key() if filterset.is_bound else "recent",
        "sorts": PracticeFilter.SORTS,
        "chips": _chip_links(request, active),
        # « 1 pratique – Clauses sociales, Hauts-de-France »: the <title> and the <h1>.
        "description": describe_results(paginator.count, active) if active else "",
        "feed_query": feed_query.urlencode(),
        "has_errors": bool(filterset.is_bound and filterset.errors),
        "ignored_search": filterset.ignored_search() if filterset.is_bound else "",
    }
    return render(request, "practices/practice_list.html", context)


def _suggestion(request, filterset, query, count):
    """{"query", "url"} of a corrected search when this one finds few practices."""
    if not query:
        return None
    corrected = suggestion(filterset.queryset_without("q"), query, count, filterset.synonyms())
    if corrected is None:
        return None
    params = request.GET.copy()
    params.pop("page", None)
    params["q"] = corrected
    return {"query": corrected, "url": f"?{params.urlencode()}"}


RELATED_MAX = 6


def _ids(column_value):
    return [value for value in column_value.split(",") if value.isdigit()]


def _sharing(lever_ids, sector_ids, by_row):
    """(Q: shares one of its levers, Q: shares one of its sectors or None if it has no
    sector). `by_row`: from the ids on each row (no join nor subquery of the through
    tables: on PostgreSQL the related query's planning and ORM compilation took about
    half as long); otherwise from the through tables, as SQLite has it: it ranks every
    candidate, and with a regular expression on each row it went from ~130 to ~230 ms at
    10,000 practices."""
    if by_row:
        return (
            holds_one_of("lever_ids", lever_ids, regex=True),
            holds_one_of("sector_ids", sector_ids, regex=True) if sector_ids else None,
        )
    levers = Practice.levers.through.objects
    sectors = Practice.sectors.through.objects
    # Subqueries rather than joins: no DISTINCT over whole rows.
    same_lever = levers.filter(lever__in=lever_ids).values("practice")
    # Looked up for each candidate (EXISTS), not as the set of every practice sharing a
    # sector.
    shares_sector = Exists(sectors.filter(practice=OuterRef("pk"), sector__in=sector_ids))
    return Q(pk__in=same_lever), shares_sector if sector_ids else None


def related_practices(practice):
    """« Pratiques proches », in one query: practices sharing a lever, the closest first —
    same department, then same region, then a shared sector, then the lever alone;
    newest first within each rank; at most RELATED_MAX.

    The practice's levers and sectors are the ids it keeps on its row (lever_ids,
    sector_ids, kept in step with its relations by practices.search_text)."""
    lever_ids = _ids(practice.lever_ids)
    if not lever_ids:
        return []
    compound = connections[Practice.objects.db].features.supports_slicing_ordering_in_compound
    shares_lever, shares_sector = _sharing(lever_ids, _ids(practice.sector_ids), by_row=compound)
    candidates = Practice.objects.published().exclude(pk=practice.pk).filter(shares_lever)
    region = practice.department.region_id
    ranks = [
        Q(department=practice.department_id),
        Q(department__region=region) & ~Q(department=practice.department_id),
        # A practice without sectors shares none.
        None if shares_sector is None else ~Q(department__region=region) & shares_sector,
        # The rest: ranked below, with the others' newest few.
        ~Q(department__region=region),
    ]
    if compound:
        # The newest few of each rank, then ranked: ranking every practice that shares a
        # lever read half the table (at 100,000 practices: 275 ms, now ~3 ms, README).
        nearest = [
            candidates.filter(rank).order_by("-published_at", "-pk").values("pk")[:RELATED_MAX]
            for n, rank in enumerate(ranks)
            # A region of one département (overseas) has no « same region » practice:
            # looking for its newest read the whole table backwards (100,000 practices:
            # ~590 ms, EXPLAIN in the README).
            if rank is not None and (n != 1 or getattr(practice, "region_size", 2) > 1)
        ]
        candidates = Practice.objects.filter(pk__in=nearest[0].union(*nearest[1:], all=True))
    return list(
        candidates.annotate(
            closeness=Case(
                *(
                    When(rank, then=Value(n))
                    for n, rank in enumerate(ranks[:3])
                    if rank is not None
                ),
                default=Value(3),
            )
        )
        # What a card shows (Practice.for_cards(), whose levers the view prefetches).
        .card_columns()
        .order_by("closeness", "-published_at", "-pk")[:RELATED_MAX]
    )


@require_safe
def practice_detail(request, slug):
    """Eight queries, the page cache lookup included, whatever the number of practices;
    one more if the practice has distinctions, one more if it has documents."""
    # The visibility check is the query itself: for visitors an unpublished slug costs
    # what an unknown one does (one query, nothing loaded), so timing reveals nothing.
    # request.user is read only then: reading it marks the response as varying on the
    # session cookie, which would keep public pages out of the page cache.
    practices = (
        Practice.objects.select_related("department__region", "source_fiche__kit")
        # The folded texts the search reads: a large part of the row, not shown.
        .defer("search_text", "search_places", "search_synonyms")
        # Whether it has documents and distinctions, seldom the case: their queries are
        # run only then.
        .annotate(
            has_documents=Exists(Document.objects.filter(practice=OuterRef("pk"))),
            has_recognitions=Exists(Recognition.objects.filter(practice=OuterRef("pk"))),
            # For related_practices(): the départements of its region.
            region_size=Subquery(
                Department.objects.filter(region=OuterRef("department__region"))
                .values("region")
                .annotate(n=Count("pk"))
                .values("n")
            ),
        )
    )
    practice = practices.published().filter(slug=slug).first()
    if practice is None and request.user.has_perm("practices.view_practice"):
        # Staff preview a practice at its public address before it is published.
        practice = practices.not_deleted().filter(slug=slug).first()
    if practice is None:
        raise Http404("Pratique introuvable.")
    preview = not practice.is_public
    related = related_practices(practice)
    # The levers of the practice and of its related cards together, in one query.
    prefetch_related_objects(
        [practice, *related],
        Prefetch(
            "levers",
            queryset=Lever.objects.prefetch_related(
                Prefetch("legal_bases", queryset=LegalBasis.objects.order_by("position"))
            ),
        ),
    )
    shown = PracticeRelations.stored(practice)
    revision = None
    if request.GET.get("revision") and request.user.has_perm("practices.view_practice"):
        # Staff preview a pending revision at the public address (noindex, banner).
        revision = revisions.open_revision(practice)
    if revision is not None:
        preview = True
        shown = revisions_display.preview(practice, revision)
    context = {
        "practice": practice,
        "shown": shown,
        "preview": preview,
        "related": related,
        # Documents are not part of a revision: the stored ones, looked for only if any.
        "documents": list(practice.documents.all()) if practice.has_documents else [],
        "revision": revision,
        "can_contact": not preview and contact_route(practice) is not None,
        "share_url": absolute_url(request, practice.get_absolute_url()),
    }
    return render(request, "practices/practice_detail.html", context)


@require_safe
def department_list(request):
    departments = with_counts(
        Department.objects.select_related("region"),
        Practice.objects.published().count_by("department"),
    )
    # Alphabetical in French whatever the database collation: « Île-de-France » under I.
    departments = sorted(departments, key=lambda d: (fold(d.region.name), d.code))
    urls = {d.code: d.get_absolute_url() for d in departments}
    context = {
        "departments": departments,
        "region_count": Region.objects.count(),
        # Every shape links to its département's page, practices or not.
        "map": department_map(
            {d.code: d.n for d in departments},
            {d.code: str(d) for d in departments},
            lambda code, n: urls[code],
        ),
    }
    return render(request, "practices/department_list.html", context)


@require_safe
def department_detail(request, code):
    if code != code.upper():
        return redirect("practices:department_detail", code=code.upper(), permanent=True)
    department = get_object_or_404(Department.objects.select_related("region"), code=code)
    published = Practice.objects.published().filter(department=department)
    # The newest few and a link to the filtered list, whatever the number of practices.
    practices = published.for_cards().order_by("-published_at", "-pk")[:LATEST_PRACTICES]
    context = {
        "department": department,
        "practices": practices,
        "practice_count": published.count(),
    }
    if not context["practice_count"]:
        # Where to look next: the region, only if it has practices (else another empty list).
        context["region_count"] = (
            Practice.objects.published().filter(department__region=department.region).count()
        )
    return render(request, "practices/department_detail.html", context)


@require_safe
def robots_txt(request):
    sitemap = absolute_url(request, reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        # Filtered lists are endless combinations of the same practices.
        "Disallow: /pratiques/?",
        "Disallow: /carte/?",
        "Disallow: /statistiques/?",
        "Disallow: /statistiques/export.csv",
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
