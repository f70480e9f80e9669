"""/pratiques/<slug>/suggerer/: a visitor points out what is wrong or missing on a practice.

Saved as a Suggestion the editors handle in the admin (« à traiter » / « traitée »), then
mailed to the editors, the visitor's text in a marked block with the portal's links
outside it. Nothing is mailed to the visitor. Same abuse protections as every public
form (see practices.contact).
"""

import logging

from django import forms
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from procurement_portal.forms import PublicForm, honeypot_field
from procurement_portal.links import absolute_url
from procurement_portal.mail import send_or_log
from procurement_portal.rate_limit import RateLimit, too_many_requests

from .contact import _public_practice, quoted
from .inbox import SUGGESTION_MAX_LENGTH, Suggestion
from .proposal_forms import TextField

logger = logging.getLogger(__name__)


class SuggestionForm(PublicForm):
    message = TextField(
        label="Ce qui est inexact ou manque",
        max_length=SUGGESTION_MAX_LENGTH,
        single_line=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Un chiffre à corriger, un résultat plus récent, un document à ajouter… "
        "(2\u202f000 caractères au plus).",
    )
    email = forms.EmailField(
        label="Votre courriel (facultatif)",
        required=False,
        max_length=254,
        help_text="Seulement si vous souhaitez une réponse de l'équipe éditoriale.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": "Saisissez une adresse électronique valide, par exemple "
            "nom@collectivite.fr, ou laissez ce champ vide.",
            "max_length": "L'adresse électronique est limitée à 254 caractères.",
        },
    )
    site_web = honeypot_field()


def notify_editors(request, suggestion):
    """Mail the editors; a failure is logged, never raised: the suggestion is saved."""
    if not settings.PORTAL_EDITORS_EMAILS:
        logger.warning(
            "PORTAL_EDITORS_EMAILS is empty: suggestion %s is in the admin only.", suggestion.pk
        )
        return False
    practice = suggestion.practice
    context = {
        "practice": practice,
        "practice_url": absolute_url(request, practice.get_absolute_url()),
        "admin_url": absolute_url(
            request, reverse("admin:practices_suggestion_change", args=[suggestion.pk])
        ),
        "visitor_text": quoted(suggestion.message),
        "has_email": bool(suggestion.email),
    }
    title = " ".join(practice.title.split())
    message = EmailMessage(
        subject=f"Suggestion de modification : « {title} »"[:200],
        body=render_to_string("emails/suggestion_editors.txt", context),
        to=settings.PORTAL_EDITORS_EMAILS,
        reply_to=[suggestion.email] if suggestion.email else None,
    )
    return send_or_log(
        message, f"the editors' mail about suggestion {suggestion.pk} (practice {practice.slug})"
    )


@transaction.non_atomic_requests  # the suggestion commits before any email is attempted
@require_http_methods(["GET", "HEAD", "POST"])
def suggest(request, slug):
    practice = _public_practice(slug)
    done = reverse("practices:suggest_done", args=[practice.slug])
    if request.method == "POST":
        rate_limit = RateLimit(request, "suggestions", settings.PORTAL_PROPOSALS_PER_HOUR)
        if rate_limit.exceeded():
            return too_many_requests(request, rate_limit, noun="suggestions")
        form = SuggestionForm(request.POST)
        if form.is_spam():
            rate_limit.hit()
            logger.info("Suggestion dropped: the honeypot field was filled.")
            return redirect(done)
        if form.is_valid():
            if not rate_limit.hit():
                return too_many_requests(request, rate_limit, noun="suggestions")
            suggestion = Suggestion.objects.create(
                practice=practice,
                message=form.cleaned_data["message"],
                email=form.cleaned_data["email"],
            )
            notify_editors(request, suggestion)
            return redirect(done)
    else:
        form = SuggestionForm()
    return render(
        request,
        "practices/suggest.html",
        {
            "practice": practice,
            "form": form,
            "retention_months": settings.PORTAL_CONTRIBUTION_RETENTION_MONTHS,
            "privacy_email": settings.PORTAL_PRIVACY_EMAIL,
            "per_hour": settings.PORTAL_PROPOSALS_PER_HOUR,
        },
    )


@require_safe
def suggest_done(request, slug):
    return render(request, "practices/suggest_done.html", {"practice": _public_practice(slug)})
