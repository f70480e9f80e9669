"""/pratiques/comparer/?pratique=<slug>&pratique=<slug>…: two to four practices side by side.

A GET page that sets no cookie (cacheable like any public page): the list's « Comparer »
checkboxes submit to it without JavaScript. Every bad slug (unknown, unpublished,
duplicate, malformed) gets a French message of its own and the others are still
compared; past four, the first four are kept. Never a 5xx.
"""

from django.db.models import Prefetch
from django.shortcuts import render
from django.views.decorators.http import require_safe

from levers.models import LegalBasis, Lever
from procurement_portal.forms import has_control_characters

from .contact import contact_route
from .models import Practice

MAX_COMPARED = 4
MIN_COMPARED = 2
SLUG_MAX_LENGTH = 200
# More parameters than this are not even looked at (a cap on the work per request).
MAX_PARAMETERS = 20


def _label(slug):
    return slug if len(slug) <= 60 else slug[:57] + "…"


def requested_slugs(values):
    """(slugs to look up, in order, without duplicates; French messages about the rest)."""
    slugs, messages = [], []
    values = list(values)
    if len(values) > MAX_PARAMETERS:
        messages.append(
            f"{len(values)} pratiques demandées : seules les {MAX_PARAMETERS} premières "
            "adresses ont été lues."
        )
        values = values[:MAX_PARAMETERS]
    for raw in values:
        slug = raw.strip()
        if not slug:
            continue
        if has_control_characters(slug):
            messages.append("Un identifiant de pratique contient des caractères non autorisés.")
        elif len(slug) > SLUG_MAX_LENGTH:
            messages.append(
                f"Un identifiant de pratique est trop long ({SLUG_MAX_LENGTH} caractères au plus)."
            )
        elif slug in slugs:
            messages.append(f"La pratique « {_label(slug)} » est demandée deux fois.")
        else:
            slugs.append(slug)
    return slugs, messages


def compared_practices(slugs):
    """The published practices among `slugs`, in that order, with what the table shows."""
    found = (
        Practice.objects.published()
        .filter(slug__in=slugs)
        .select_related("department__region")
        .prefetch_related(
            Prefetch(
                "levers",
                queryset=Lever.objects.prefetch_related(
                    Prefetch("legal_bases", queryset=LegalBasis.objects.order_by("position"))
                ),
            ),
            "sectors",
            "key_figures",
            "documents",
        )
    )
    by_slug = {practice.slug: practice for practice in found}
    for practice in by_slug.values():
        practice.can_contact = contact_route(practice) is not None
    return [by_slug[slug] for slug in slugs if slug in by_slug], by_slug


@require_safe
def compare(request):
    slugs, messages = requested_slugs(request.GET.getlist("pratique"))
    practices, by_slug = compared_practices(slugs)
    for slug in slugs:
        if slug not in by_slug:
            messages.append(f"Aucune pratique publiée ne porte l'identifiant « {_label(slug)} ».")
    if len(practices) > MAX_COMPARED:
        left_out = ", ".join(f"« {p.title} »" for p in practices[MAX_COMPARED:])
        messages.append(
            f"{MAX_COMPARED} pratiques au plus peuvent être comparées : les {MAX_COMPARED} "
            f"premières le sont, pas {left_out}."
        )
        practices = practices[:MAX_COMPARED]
    if len(practices) < MIN_COMPARED:
        messages.append(
            "Choisissez au moins deux pratiques : cochez « Comparer » sur leurs cartes, dans "
            "la liste des pratiques."
        )
    return render(
        request,
        "practices/compare.html",
        {"practices": practices, "messages_": messages},
    )
