"""/proposer/: a local authority proposes a practice; the editors review it in the admin.

The views only: the form is in practices.proposal_forms, saving and emailing in
practices.proposals. The proposal is saved first, in its own transaction, and only then
are the editors and the contributor emailed. Abuse is kept down without a third-party
CAPTCHA: CSRF, a honeypot field, the shared per-address rate limit
(procurement_portal.rate_limit) and strict limits on every field.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from procurement_portal.rate_limit import RateLimit, too_many_requests

from .proposal_forms import KEY_FIGURES_PREFIX, KeyFigureFormSet, ProposalForm
from .proposals import notify

logger = logging.getLogger(__name__)


@transaction.non_atomic_requests  # the proposal commits before any email is attempted
@require_http_methods(["GET", "HEAD", "POST"])
def propose(request):
    if request.method == "POST":
        rate_limit = RateLimit(request, "proposals", settings.PORTAL_PROPOSALS_PER_HOUR)
        if rate_limit.exceeded():
            return too_many_requests(request, rate_limit, noun="propositions")
        form = ProposalForm(request.POST)
        figures = KeyFigureFormSet(request.POST, prefix=KEY_FIGURES_PREFIX)
        if form.is_spam():
            rate_limit.hit()
            logger.info("Proposal dropped: the honeypot field was filled.")
            return redirect("practices:propose_done")
        # Both validated, so that every error is shown at once.
        form_valid, figures_valid = form.is_valid(), figures.is_valid()
        if form_valid and figures_valid:
            if not rate_limit.hit():
                return too_many_requests(request, rate_limit, noun="propositions")
            contribution = form.submit(figures.key_figures())
            logger.info(
                "New proposal: contribution %s, %s.", contribution.pk, contribution.practice
            )
            notify(request, contribution)
            return redirect("practices:propose_done")
    else:
        form = ProposalForm()
        figures = KeyFigureFormSet(prefix=KEY_FIGURES_PREFIX)
    return render(
        request,
        "practices/propose.html",
        {
            "form": form,
            "figures": figures,
            "retention_months": settings.PORTAL_CONTRIBUTION_RETENTION_MONTHS,
            "proposals_per_hour": settings.PORTAL_PROPOSALS_PER_HOUR,
            "privacy_email": settings.PORTAL_PRIVACY_EMAIL,
        },
    )


@require_http_methods(["GET", "HEAD"])
def propose_done(request):
    return render(
        request,
        "practices/propose_done.html",
        {"retention_months": settings.PORTAL_CONTRIBUTION_RETENTION_MONTHS},
    )
