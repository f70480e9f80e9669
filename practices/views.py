"""Public pages: home, practice list and detail, departments, robots.txt."""

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from levers.models import LegalBasis, Lever

from . import revisions
from .facets import FacetedResults
from .filters import PracticeFilter
from .landscape import department_map
from .models import Department, Practice, Region, with_counts
from .text import fold

PAGE_SIZE = 12
# Practices shown on a department's page; the list page has them all.
LATEST_PRACTICES = 12
# Parameters that may be repeated; a chip removes one value, not the whole parameter.
MULTI_VALUED = {"levier", "departement", "secteur", "type_collectivite"}


class CountedPaginator(Paginator):
    """A paginator told the number of results: FacetedResults counts them with the facets."""

    def __init__(self, object_list, per_page, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.__dict__["count"] = count  # Paginator.count is a cached_property


@require_safe
def home(request):
    published = Practice.objects.published()
    per_department = published.count_by("department")
    context = {
        "recent": published.for_cards().order_by("-published_at", "-pk")[:4],
        "levers": with_counts(Lever.objects.all(), published.count_by("levers")),
        "counts": {
            "practices": sum(per_department.values()),
            "departments": len(per_department),
        },
        # Names from the map's own data: the small map is one image, linked to /carte/.
        "map": department_map(per_department, {}, lambda code, n: None, compact=True),
    }
    return render(request, "home.html", context)


def _chip_links(request, active):
    chips = []
    for name, value, label in active:
        params = request.GET.copy()
        params.pop("page", None)
        if name in MULTI_VALUED:
            params.setlist(name, [v for v in params.getlist(name) if v != value])
        else:
            params.pop(name, None)
        query = params.urlencode()
        chips.append({"label": label, "url": f"?{query}" if query else request.path})
    return chips


@require_safe
def practice_list(request):
    filterset = PracticeFilter(
        request.GET or None, queryset=Practice.objects.published(), request=request
    )
    faceted = FacetedResults(filterset, page=request.GET.get("page"), per_page=PAGE_SIZE)
    paginator = CountedPaginator(
        faceted.results(filterset.qs.for_cards()), PAGE_SIZE, count=faceted.total
    )
    page_obj = paginator.get_page(request.GET.get("page"))
    active = filterset.active_filters() if filterset.is_bound else []
    feed_query = request.GET.copy()
    feed_query.pop("page", None)
    context = {
        "filter": filterset,
        "form": filterset.form,
        "facets": faceted.facets(),
        "page_obj": page_obj,
        "page_range": paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1),
        "practices": page_obj.object_list,
        "count": paginator.count,
        "q": filterset.search_query() if filterset.is_bound else "",
        "sort": filterset.sort_key() if filterset.is_bound else "recent",
        "sorts": PracticeFilter.SORTS,
        "chips": _chip_links(request, active),
        "feed_query": feed_query.urlencode(),
        "has_errors": bool(filterset.is_bound and filterset.errors),
    }
    return render(request, "practices/practice_list.html", context)


@require_safe
def practice_detail(request, slug):
    """Eight queries whatever the practice (the page cache lookup makes nine)."""
    practice = get_object_or_404(
        Practice.objects.not_deleted()
        .select_related("department__region", "source_fiche__kit")
        .prefetch_related("key_figures", "recognitions"),
        slug=slug,
    )
    preview = not practice.is_public
    # Staff preview a practice at its public address before it is published.
    if preview and not request.user.has_perm("practices.view_practice"):
        raise Http404("Pratique introuvable.")
    through = Practice.levers.through.objects
    related = list(
        Practice.objects.published()
        .exclude(pk=practice.pk)
        # A subquery rather than a join: no DISTINCT, so PostgreSQL walks the newest
        # practices and stops at four (a join + DISTINCT sorted thousands of rows).
        .filter(
            Q(
                pk__in=through.filter(
                    lever__in=through.filter(practice=practice.pk).values("lever")
                ).values("practice")
            )
            | Q(department=practice.department_id)
        )
        .select_related("department__region")
        .order_by("-published_at", "-pk")[:4]
    )
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
    prefetch_related_objects([practice], "sectors", "partners")
    revision = None
    if request.GET.get("revision") and request.user.has_perm("practices.view_practice"):
        # Staff preview a pending revision at the public address (noindex, banner).
        revision = revisions.open_revision(practice)
    if revision is not None:
        preview = True
        revisions.show_in_preview(practice, revision)
    context = {"practice": practice, "preview": preview, "related": related, "revision": revision}
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
    return render(request, "practices/department_detail.html", context)


@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
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
