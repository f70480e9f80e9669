"""Public pages: levers with their dated legal bases, kits and fiches."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from practices.models import Practice, with_counts

from .models import Fiche, Kit, LegalBasis, Lever

LATEST_PRACTICES = 12


@require_safe
def lever_list(request):
    levers = with_counts(
        Lever.objects.order_by("family", "position", "name"),
        Practice.objects.published().count_by("levers"),
    )
    families = []
    for value, label in Lever.Family.choices:
        members = [lever for lever in levers if lever.family == value]
        if members:
            families.append({"label": label, "levers": members})
    return render(request, "levers/lever_list.html", {"families": families})


@require_safe
def lever_detail(request, slug):
    lever = get_object_or_404(
        Lever.objects.prefetch_related(
            Prefetch(
                "legal_bases",
                queryset=LegalBasis.objects.order_by("position", "valid_from", "code"),
            ),
            "resources",
            Prefetch("fiches", queryset=Fiche.objects.select_related("kit")),
        ),
        slug=slug,
    )
    published = Practice.objects.published().filter(levers=lever)
    # The newest few and a link to the filtered list: thousands of cards would make the
    # page slow and unreadable.
    practices = published.for_cards().order_by("-published_at", "-pk")[:LATEST_PRACTICES]
    context = {"lever": lever, "practices": practices, "practice_count": published.count()}
    return render(request, "levers/lever_detail.html", context)


@require_safe
def fiche_list(request):
    kits = Kit.objects.prefetch_related(
        Prefetch("fiches", queryset=Fiche.objects.prefetch_related("levers"))
    )
    counts = Practice.objects.published().count_by("source_fiche")
    for kit in kits:
        with_counts(kit.fiches.all(), counts)
    return render(request, "levers/fiche_list.html", {"kits": kits})


@require_safe
def fiche_detail(request, slug):
    fiche = get_object_or_404(
        Fiche.objects.select_related("kit").prefetch_related("levers", "resources"), slug=slug
    )
    practices = (
        Practice.objects.published()
        .filter(source_fiche=fiche)
        .for_cards()
        .order_by("-published_at", "-pk")
    )
    return render(request, "levers/fiche_detail.html", {"fiche": fiche, "practices": practices})
