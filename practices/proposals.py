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


def _send(message, what, contribution):
    """Send one message; a failure is logged, never raised: the proposal is already saved."""
    try:
        message.send(fail_silently=False)
    except Exception as error:
        # The error's class only: SMTP errors quote the recipients' addresses, personal
        # data that must stay out of the logs.
        logger.error(
            "Could not send the %s for contribution %s (practice %s): %s; the proposal is saved.",
            what,
            contribution.pk,
            contribution.practice.slug,
            type(error).__name__,
        )
        return False
    return True


def notify(request, contribution):
    """Tell the editors about a new proposal and thank the contributor."""
    practice = contribution.practice
    context = {
        "contribution": contribution,
        "practice": practice,
        "levers": [lever.name for lever in practice.levers.all()],
        "sectors": [sector.name for sector in practice.sectors.all()],
        "key_figures": list(practice.key_figures.all()),
        "admin_url": _admin_url(request, contribution),
        "site_url": absolute_url(request, "/"),
        "open_data_url": absolute_url(request, reverse("practices:open_data")),
        "retention_months": settings.PORTAL_CONTRIBUTION_RETENTION_MONTHS,
        "privacy_email": settings.PORTAL_PRIVACY_EMAIL,
    }
    # Single-line fields cannot hold line breaks (validated); collapse anyway for headers.
    title = " ".join(practice.title.split())
    if settings.PORTAL_EDITORS_EMAILS:
        _send(
            EmailMessage(
                subject=f"Nouvelle proposition de pratique : {title}"[:200],
                body=render_to_string("emails/proposal_editors.txt", context),
                to=settings.PORTAL_EDITORS_EMAILS,
                reply_to=[contribution.contributor_email],
            ),
            "editors' notification",
            contribution,
        )
    else:
        logger.warning(
            "PORTAL_EDITORS_EMAILS is empty: no editor was emailed about contribution %s.",
            contribution.pk,
        )
    _send(
        EmailMessage(
            subject="Votre proposition de pratique a bien été reçue",
            body=render_to_string("emails/proposal_acknowledgement.txt", context),
            to=[contribution.contributor_email],
            reply_to=[settings.PORTAL_PRIVACY_EMAIL] if settings.PORTAL_PRIVACY_EMAIL else None,
        ),
        "acknowledgement",
        contribution,
    )
