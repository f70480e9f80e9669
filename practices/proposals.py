"""The proposal service: a practice proposed through /proposer/ is saved, then announced.

submit_proposal() saves the practice (status « proposée », seen by editors only), its
levers, sectors and key figures, and who sent it, in one transaction committed on
return. Only then does notify() email the editors and thank the contributor: a failing
mail server is logged and loses nothing.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from procurement_portal.links import absolute_url
from procurement_portal.mail import send_or_log

from .models import Contribution, Practice, unique_practice_slug

logger = logging.getLogger(__name__)


def submit_proposal(practice, *, levers, sectors=(), key_figures=(), **contributor):
    """Save a proposal from the public form: a practice only editors see, and who sent it.

    `practice` and `key_figures` are unsaved instances. Everything is saved in one
    transaction, committed on return, so that notifications sent afterwards may fail
    without losing the proposal.
    """
    attempts = 5
    with transaction.atomic():
        practice.status = Practice.Status.PROPOSED
        practice.published_at = None
        for attempt in range(attempts):
            practice.slug = unique_practice_slug(practice.title)
            try:
                with transaction.atomic():
                    practice.save()
                break
            except IntegrityError:
                # A concurrent proposal took the slug; the next attempt sees it.
                if attempt == attempts - 1:
                    raise
        practice.levers.set(levers)
        practice.sectors.set(sectors)
        for position, figure in enumerate(key_figures):
            figure.practice = practice
            figure.position = position
            figure.save()
        practice.refresh_search_text()
        return Contribution.objects.create(practice=practice, **contributor)


# Notifications --------------------------------------------------------------------


def _admin_url(request, contribution):
    for name, pk in (
        ("admin:practices_contribution_change", contribution.pk),
        ("admin:practices_practice_change", contribution.practice_id),
    ):
        try:
            return absolute_url(request, reverse(name, args=[pk]))
        except NoReverseMatch:
            continue
    return absolute_url(request, "/admin/")


def reference(contribution):
    """How mails and editors name a proposal: « P-000042 »."""
    return f"P-{contribution.pk:06d}"


def quoted(text):
    """Visitor text as a quoted block: every line starts with « > », so that nothing typed
    can pass for a line of the portal's own (« Relire la proposition : https://… »)."""
    return "\n".join(f"> {line}".rstrip() for line in text.splitlines() or [""])


def _submitted_text(contribution):
    practice = contribution.practice
    lines = [
        f"Titre : {practice.title}",
        f"Collectivité : {practice.authority_name}",
        "Résumé :",
        *practice.summary.splitlines(),
    ]
    figures = list(practice.key_figures.all())
    if figures:
        lines.append("Chiffres clés :")
        for figure in figures:
            unit = f" {figure.unit}" if figure.unit else ""
            lines.append(f"- {figure.display_value}{unit} : {figure.label}")
    if contribution.links:
        lines += ["Liens :", *contribution.links.splitlines()]
    role = f", {contribution.contributor_role}" if contribution.contributor_role else ""
    lines += [
        f"Proposée par : {contribution.contributor_name}{role}",
        f"Courriel : {contribution.contributor_email} (répondez à ce message pour lui écrire)",
    ]
    return quoted("\n".join(lines))


def notify(request, contribution):
    """Tell the editors about a new proposal and acknowledge it to the address typed.

    That address is whatever a visitor typed: the acknowledgement echoes nothing typed
    into the form (only the portal's words, the reference and links of the portal), or
    the form would relay anyone's text to anyone under the portal's name; every mail to
    an address a visitor typed follows the same rule. The editors' mail quotes what was
    typed in a delimited block, the portal's links outside it.
    """
    practice = contribution.practice
    context = {
        "contribution": contribution,
        "practice": practice,
        "reference": reference(contribution),
        "submitted_text": _submitted_text(contribution),
        "levers": [lever.name for lever in practice.levers.all()],
        "sectors": [sector.name for sector in practice.sectors.all()],
        "admin_url": _admin_url(request, contribution),
        "site_url": absolute_url(request, "/"),
        "list_url": absolute_url(request, reverse("practices:list")),
        "retention_months": settings.PORTAL_CONTRIBUTION_RETENTION_MONTHS,
        "privacy_email": settings.PORTAL_PRIVACY_EMAIL,
    }
    # Single-line fields cannot hold line breaks (validated); collapse anyway for headers.
    title = " ".join(practice.title.split())
    if settings.PORTAL_EDITORS_EMAILS:
        send_or_log(
            EmailMessage(
                subject=f"Nouvelle proposition {context['reference']} : « {title} »"[:200],
                body=render_to_string("emails/proposal_editors.txt", context),
                to=settings.PORTAL_EDITORS_EMAILS,
                reply_to=[contribution.contributor_email],
            ),
            f"the editors' notification of contribution {contribution.pk}",
        )
    else:
        logger.warning(
            "PORTAL_EDITORS_EMAILS is empty: no editor was emailed about contribution %s.",
            contribution.pk,
        )
    send_or_log(
        EmailMessage(
            subject=f"Proposition de pratique reçue ({context['reference']})",
            body=render_to_string("emails/proposal_acknowledgement.txt", context),
            to=[contribution.contributor_email],
            reply_to=[settings.PORTAL_PRIVACY_EMAIL] if settings.PORTAL_PRIVACY_EMAIL else None,
        ),
        f"the acknowledgement of contribution {contribution.pk}",
    )
