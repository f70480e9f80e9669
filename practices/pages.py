"""The pages a French public site must have: legal texts, the HTML site map, /contact/.

The legal texts are LegalText rows (practices/legal.py), edited by the Responsables
éditoriaux; the contact form saves a SiteMessage, then mails the editors and
acknowledges the visitor (without echoing anything they typed), like /proposer/.
"""

import logging

from django import forms
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from levers.models import Fiche, Kit, Lever
from procurement_portal.forms import PublicForm, honeypot_field
from procurement_portal.links import absolute_url
from procurement_portal.mail import send_or_log
from procurement_portal.rate_limit import RateLimit, too_many_requests

from .legal import LegalText
from .models import Department, Region
from .numbers import format_french_decimal
from .proposal_forms import TextField
from .site_contact import SiteMessage
from .text import fold

logger = logging.getLogger(__name__)

MESSAGE_MAX_LENGTH = 5000


# Legal pages ------------------------------------------------------------------------


def _legal_page(page):
    @require_safe
    def view(request):
        text = get_object_or_404(LegalText, page=page)
        return render(request, "pages/legal.html", {"text": text})

    view.__name__ = page.replace("-", "_")
    return view


accessibility = _legal_page(LegalText.Page.ACCESSIBILITY)
legal_notices = _legal_page(LegalText.Page.LEGAL_NOTICES)
personal_data = _legal_page(LegalText.Page.PERSONAL_DATA)


# Site map ----------------------------------------------------------------------------


@require_safe
def site_map(request):
    """Every section, lever, kit and fiche, and the regions with their departments."""
    departments = list(Department.objects.select_related("region"))
    by_region = {}
    for department in sorted(departments, key=lambda d: d.code):
        by_region.setdefault(department.region_id, []).append(department)
    regions = sorted(Region.objects.all(), key=lambda region: fold(region.name))
    for region in regions:
        region.department_list = by_region.get(region.pk, [])
    context = {
        "levers": Lever.objects.order_by("family", "position", "name"),
        "kits": Kit.objects.prefetch_related(
            Prefetch("fiches", queryset=Fiche.objects.order_by("number"))
        ),
        "regions": regions,
    }
    return render(request, "pages/site_map.html", context)


# Contact -------------------------------------------------------------------------------


class ContactForm(PublicForm):
    name = TextField(label="Votre nom", max_length=120)
    email = forms.EmailField(
        label="Votre adresse électronique",
        max_length=254,
        help_text="Pour vous répondre ; elle n'est jamais publiée.",
        error_messages={
            "required": "Indiquez votre adresse électronique, pour que nous puissions répondre.",
            "invalid": "Indiquez une adresse électronique valide, par exemple nom@exemple.fr.",
            "max_length": "L'adresse électronique est limitée à 254 caractères.",
        },
    )
    subject = TextField(
        label="Objet",
        max_length=150,
        help_text="Par exemple : accessibilité, données personnelles, erreur dans une pratique.",
    )
    message = TextField(
        label="Votre message",
        max_length=MESSAGE_MAX_LENGTH,
        single_line=False,
        help_text=f"{format_french_decimal(MESSAGE_MAX_LENGTH)} caractères au plus.",
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    # Hidden from people by CSS (.hp-field); robots fill it in.
    site_web = honeypot_field()

    AUTOCOMPLETE = {"name": "name", "email": "email", "subject": "off", "message": "off"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, value in self.AUTOCOMPLETE.items():
            self.fields[name].widget.attrs["autocomplete"] = value

    def save(self):
        data = self.cleaned_data
        return SiteMessage.objects.create(
            name=data["name"], email=data["email"], subject=data["subject"], message=data["message"]
        )


def notify(request, contact):
    """Mail the editors the message; acknowledge the visitor without echoing their text.

    The acknowledgement goes to an address anyone may type: it repeats nothing the
    visitor wrote (name, subject, message), so the form cannot be used to send chosen
    text to a stranger from the portal's address.
    """
    context = {
        "contact": contact,
        "admin_url": absolute_url(
            request, reverse("admin:practices_sitemessage_change", args=[contact.pk])
        ),
        "site_url": absolute_url(request, "/"),
        "privacy_url": absolute_url(request, reverse("practices:donnees_personnelles")),
        "retention_months": settings.PORTAL_CONTACT_RETENTION_MONTHS,
    }
    if settings.PORTAL_EDITORS_EMAILS:
        subject = " ".join(contact.subject.split())
        send_or_log(
            EmailMessage(
                subject=f"Message reçu par le formulaire de contact : {subject}"[:200],
                body=render_to_string("emails/site_contact_editors.txt", context),
                to=settings.PORTAL_EDITORS_EMAILS,
                reply_to=[contact.email],
            ),
            f"the editors' notification of contact message {contact.pk}",
        )
    else:
        logger.warning(
            "PORTAL_EDITORS_EMAILS is empty: no editor was emailed about contact message %s.",
            contact.pk,
        )
    send_or_log(
        EmailMessage(
            subject="Votre message au portail Commande publique responsable",
            body=render_to_string("emails/contact_acknowledgement.txt", context),
            to=[contact.email],
            reply_to=[settings.PORTAL_PRIVACY_EMAIL] if settings.PORTAL_PRIVACY_EMAIL else None,
        ),
        f"the acknowledgement of contact message {contact.pk}",
    )


def _too_many(request, rate_limit):
    return too_many_requests(request, rate_limit, noun="demandes de contact")


@transaction.non_atomic_requests  # the message commits before any email is attempted
@require_http_methods(["GET", "HEAD", "POST"])
def contact(request):
    if request.method == "POST":
        # The per-address limit of every public form, with a budget of its own.
        rate_limit = RateLimit(request, "site-contact", settings.PORTAL_PROPOSALS_PER_HOUR)
        if rate_limit.exceeded():
            return _too_many(request, rate_limit)
        form = ContactForm(request.POST)
        if form.is_spam():
            rate_limit.hit()
            logger.info("Contact message dropped: the honeypot field was filled.")
            return redirect("practices:contact_done")
        if form.is_valid():
            if not rate_limit.hit():
                return _too_many(request, rate_limit)
            with transaction.atomic():
                message = form.save()
            logger.info("New contact message %s.", message.pk)
            notify(request, message)
            return redirect("practices:contact_done")
    else:
        form = ContactForm()
    return render(
        request,
        "pages/contact.html",
        {
            "form": form,
            "retention_months": settings.PORTAL_CONTACT_RETENTION_MONTHS,
            "privacy_email": settings.PORTAL_PRIVACY_EMAIL,
        },
    )


@require_safe
def contact_done(request):
    return render(request, "pages/contact_done.html")
