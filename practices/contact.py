"""/pratiques/<slug>/contacter/: write to the people behind a practice without seeing
their address.

The message is saved first (ContactMessage), then mailed to the practice's contact with
Reply-To the visitor, or to the editors when the practice has none. A failing mail
server loses nothing: the visitor is told the message will be forwarded, and editors
resend it from the admin. The abuse protections are those of every public form: CSRF,
honeypot, the shared per-address rate limit (procurement_portal.rate_limit), length
limits, control characters refused (procurement_portal.forms.PublicForm).
"""

import logging

from django import forms
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from procurement_portal.forms import PublicForm, honeypot_field
from procurement_portal.links import absolute_url
from procurement_portal.mail import send_or_log
from procurement_portal.rate_limit import RateLimit, too_many_requests

from .inbox import MESSAGE_MAX_LENGTH, ContactMessage
from .models import Practice
from .proposal_forms import TextField

logger = logging.getLogger(__name__)


def contact_route(practice):
    """Who a message about `practice` goes to (ContactMessage.Route), or None: no one."""
    if practice.contact_email:
        return ContactMessage.Route.REFERENT
    if settings.PORTAL_EDITORS_EMAILS:
        return ContactMessage.Route.EDITORS
    return None


def quoted(text):
    """Every line of a visitor's text prefixed with « | »: however it is written, it
    cannot pass for the portal's own words or links around it."""
    return "\n".join(f"| {line}" for line in (text or "").splitlines() or [""])


class ContactForm(PublicForm):
    sender_name = TextField(
        label="Vos prénom et nom",
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    sender_email = forms.EmailField(
        label="Votre courriel professionnel",
        max_length=254,
        help_text="La réponse vous parviendra à cette adresse. Format attendu : "
        "nom@collectivite.fr",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Indiquez votre courriel professionnel.",
            "invalid": "Saisissez une adresse électronique valide, par exemple "
            "nom@collectivite.fr.",
            "max_length": "L'adresse électronique est limitée à 254 caractères.",
        },
    )
    sender_organisation = TextField(
        label="Votre collectivité ou organisme",
        max_length=160,
        help_text="Par exemple « Ville de Rennes ».",
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    message = TextField(
        label="Votre message",
        max_length=MESSAGE_MAX_LENGTH,
        single_line=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Vos questions sur la pratique (3\u202f000 caractères au plus).",
    )
    site_web = honeypot_field()


def _message_for(request, contact):
    practice = contact.practice
    context = {
        "practice": practice,
        "contact": contact,
        "practice_url": absolute_url(request, practice.get_absolute_url()),
        "admin_url": absolute_url(
            request, reverse("admin:practices_contactmessage_change", args=[contact.pk])
        ),
        "visitor_text": quoted(
            f"Nom : {contact.sender_name}\n"
            f"Collectivité : {contact.sender_organisation}\n"
            f"Courriel : {contact.sender_email}\n\n{contact.message}"
        ),
        "privacy_email": settings.PORTAL_PRIVACY_EMAIL,
        "retention_months": settings.PORTAL_CONTRIBUTION_RETENTION_MONTHS,
    }
    title = " ".join(practice.title.split())
    if contact.route == ContactMessage.Route.REFERENT:
        subject = f"Question sur votre pratique « {title} »"
        to = [practice.contact_email]
        template = "emails/contact_referent.txt"
    else:
        subject = f"Message pour une pratique sans contact : « {title} »"
        to = settings.PORTAL_EDITORS_EMAILS
        template = "emails/contact_editors.txt"
    return EmailMessage(
        subject=subject[:200],
        body=render_to_string(template, context),
        to=to,
        reply_to=[contact.sender_email],
    )


def forward(request, contact):
    """Mail a saved message; True when the mail server took it (sent_at is then set)."""
    if not send_or_log(
        _message_for(request, contact),
        f"contact message {contact.pk} (practice {contact.practice.slug})",
    ):
        return False
    contact.sent_at = timezone.now()
    ContactMessage.objects.filter(pk=contact.pk).update(sent_at=contact.sent_at)
    return True


def _public_practice(slug):
    return get_object_or_404(Practice.objects.published().select_related("department"), slug=slug)


@transaction.non_atomic_requests  # the message commits before any email is attempted
@require_http_methods(["GET", "HEAD", "POST"])
def contact(request, slug):
    practice = _public_practice(slug)
    route = contact_route(practice)
    if route is None:
        raise Http404("Aucun contact n'est disponible pour cette pratique.")
    done = reverse("practices:contact_done", args=[practice.slug])
    if request.method == "POST":
        rate_limit = RateLimit(request, "contact", settings.PORTAL_PROPOSALS_PER_HOUR)
        if rate_limit.exceeded():
            return too_many_requests(request, rate_limit, noun="messages", feminine=False)
        form = ContactForm(request.POST)
        if form.is_spam():
            rate_limit.hit()
            logger.info("Contact message dropped: the honeypot field was filled.")
            return redirect(f"{done}?transmis=1")
        if form.is_valid():
            if not rate_limit.hit():
                return too_many_requests(request, rate_limit, noun="messages", feminine=False)
            data = form.cleaned_data
            message = ContactMessage.objects.create(
                practice=practice,
                route=route,
                sender_name=data["sender_name"],
                sender_email=data["sender_email"],
                sender_organisation=data["sender_organisation"],
                message=data["message"],
            )
            sent = forward(request, message)
            return redirect(f"{done}?transmis={1 if sent else 0}")
    else:
        form = ContactForm()
    return render(
        request,
        "practices/contact.html",
        {
            "practice": practice,
            "form": form,
            "to_editors": route == ContactMessage.Route.EDITORS,
            "retention_months": settings.PORTAL_CONTRIBUTION_RETENTION_MONTHS,
            "privacy_email": settings.PORTAL_PRIVACY_EMAIL,
            "per_hour": settings.PORTAL_PROPOSALS_PER_HOUR,
        },
    )


@require_safe
def contact_done(request, slug):
    practice = _public_practice(slug)
    return render(
        request,
        "practices/contact_done.html",
        {
            "practice": practice,
            "delayed": request.GET.get("transmis") == "0",
            "retention_months": settings.PORTAL_CONTRIBUTION_RETENTION_MONTHS,
        },
    )
