"""/proposer/: a local authority proposes a practice; the editors review it in the admin.

The proposal is saved first, in its own transaction (Contribution.objects.submit), and
only then are the editors and the contributor emailed: a failing mail server is logged
and loses nothing. Abuse is kept down without a third-party CAPTCHA: CSRF, a honeypot
field, a per-address rate limit in the cache and strict limits on every field.
"""

import logging
import re
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import URLValidator
from django.db import transaction
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.crypto import salted_hmac
from django.views.decorators.http import require_http_methods

from levers.models import Lever
from procurement_portal.security import client_ip

from .alerts.models import PublicationNotice
from .models import FIRST_YEAR, LAST_YEAR, Contribution, Department, KeyFigure, Practice, Sector
from .text import CONTROL_CHARS

logger = logging.getLogger(__name__)

CONTROL_CHARS_MESSAGE = (
    "Ce champ contient des caractères invisibles non autorisés (caractère nul ou de "
    "contrôle), souvent issus d'un copier-coller. Retapez le texte puis renvoyez le formulaire."
)
LINE_BREAK = re.compile(r"[\r\n]")
MAX_LINKS = 5
LINK_MAX_LENGTH = 500
LINKS_MAX_LENGTH = MAX_LINKS * (LINK_MAX_LENGTH + 2)
KEY_FIGURE_ROWS = 3
HONEYPOT = "site_web"
AUTOCOMPLETE = {
    "authority_name": "organization",
    "contributor_name": "name",
    "contributor_role": "organization-title",
    "contributor_email": "email",
    "title": "off",
}


def _has_control_characters(raw):
    values = raw if isinstance(raw, list | tuple) else [raw]
    return any(isinstance(v, str) and CONTROL_CHARS.search(v) for v in values)


def reject_line_breaks(value):
    # Single-line values end up in email headers (subject), where a line break is refused.
    if value and LINE_BREAK.search(value):
        raise ValidationError("Ce champ tient sur une seule ligne.", code="line_break")


class TextField(forms.CharField):
    """A required-by-default text field with a length limit and a French message for it."""

    def __init__(self, *, max_length, single_line=True, **kwargs):
        kwargs.setdefault(
            "error_messages",
            {
                "max_length": f"{max_length} caractères au plus (vous en avez saisi "
                "%(show_value)d).",
                "required": "Ce champ est obligatoire.",
            },
        )
        super().__init__(max_length=max_length, **kwargs)
        if single_line:
            self.validators.append(reject_line_breaks)


def _guarded(clean):
    def clean_without_control_characters(value):
        if _has_control_characters(value):
            raise ValidationError(CONTROL_CHARS_MESSAGE, code="control_characters")
        return clean(value)

    return clean_without_control_characters


class RejectControlCharactersMixin:
    """Every field's raw value is checked for NUL and control characters first.

    They get one clear message, whatever the field, and never reach a query (PostgreSQL
    refuses NUL outright): the check runs before the field's own cleaning, which for a
    choice of department or lever queries the database.
    """

    exempt_from_control_check = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # self.fields holds this form's own copies: wrapping them changes no other form.
        for name, field in self.fields.items():
            if name not in self.exempt_from_control_check:
                field.clean = _guarded(field.clean)


class FrenchDecimalField(forms.DecimalField):
    """Accepts « 1 234,5 » as well as « 1234.5 »."""

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s\u00a0\u202f]", "", value).replace(",", ".")
        return super().to_python(value)


class PublicForm(RejectControlCharactersMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        # Labels are followed by their field, not by a colon.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ProposalForm(PublicForm):
    # The authority
    authority_type = forms.ChoiceField(
        label="Type de collectivité",
        choices=[("", "Choisissez…"), *Practice.AuthorityType.choices],
        error_messages={
            "required": "Indiquez le type de collectivité.",
            "invalid_choice": "Choisissez un type de collectivité dans la liste.",
        },
    )
    authority_name = TextField(
        label="Nom de la collectivité",
        max_length=160,
        help_text="Par exemple « Département du Pas-de-Calais » ou « Ville de Rennes ».",
    )
    department = forms.ModelChoiceField(
        label="Département",
        queryset=Department.objects.order_by("code"),
        to_field_name="code",
        empty_label="Choisissez un département",
        help_text="Pour une région ou une intercommunalité : le département de son siège.",
        error_messages={
            "required": "Indiquez le département.",
            "invalid_choice": "Choisissez un département dans la liste.",
        },
    )
    # The contact person (kept private, see the notice)
    contributor_name = TextField(label="Vos prénom et nom", max_length=120)
    contributor_role = TextField(
        label="Votre fonction (facultatif)",
        max_length=120,
        required=False,
        help_text="Par exemple « Responsable de la commande publique ».",
    )
    contributor_email = forms.EmailField(
        label="Votre courriel professionnel",
        max_length=254,
        help_text="Pour vous confirmer la réception et vous poser d'éventuelles questions. "
        "Format attendu : nom@collectivite.fr",
        error_messages={
            "required": "Indiquez votre courriel professionnel.",
            "invalid": "Saisissez une adresse électronique valide, par exemple "
            "nom@collectivite.fr.",
            "max_length": "L'adresse électronique est limitée à 254 caractères.",
        },
    )
    # The practice
    title = TextField(
        label="Titre de la pratique",
        max_length=200,
        help_text="Une phrase qui dit ce qui a été fait, par exemple « Un marché réservé aux "
        "structures d'insertion pour l'entretien des espaces verts ».",
    )
    summary = TextField(
        label="Résumé",
        max_length=1000,
        single_line=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Ce qu'a fait la collectivité, en deux à quatre phrases (1 000 caractères "
        "au plus).",
    )
    levers = forms.ModelMultipleChoiceField(
        label="Leviers de la commande publique mobilisés",
        queryset=Lever.objects.order_by("position", "name"),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Cochez au moins un levier.",
            "invalid_choice": "« %(value)s » ne fait pas partie des leviers proposés.",
            "invalid_pk_value": "« %(pk)s » n'est pas un levier valide.",
            "invalid_list": "Cochez des leviers dans la liste.",
        },
    )
    sectors = forms.ModelMultipleChoiceField(
        label="Secteurs ou types de marchés concernés (facultatif)",
        queryset=Sector.objects.order_by("position", "name"),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": "« %(value)s » ne fait pas partie des secteurs proposés.",
            "invalid_pk_value": "« %(pk)s » n'est pas un secteur valide.",
            "invalid_list": "Cochez des secteurs dans la liste.",
        },
    )
    start_year = forms.IntegerField(
        label="Année de début",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Indiquez l'année de début.",
            "invalid": "Indiquez une année en chiffres, par exemple 2019.",
            "min_value": f"Indiquez une année à partir de {FIRST_YEAR}.",
            "max_value": f"Indiquez une année jusqu'à {LAST_YEAR}.",
        },
    )
    end_year = forms.IntegerField(
        label="Année de fin (facultatif)",
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text="Laissez vide si la pratique est toujours en cours.",
        error_messages={
            "invalid": "Indiquez une année en chiffres, par exemple 2021.",
            "min_value": f"Indiquez une année à partir de {FIRST_YEAR}.",
            "max_value": f"Indiquez une année jusqu'à {LAST_YEAR}.",
        },
    )
    links = TextField(
        label="Liens (facultatif)",
        max_length=LINKS_MAX_LENGTH,
        single_line=False,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Jusqu'à {MAX_LINKS} adresses web (délibération, article, "
        "document), une par ligne, commençant par https://",
    )
    notify_on_publication = forms.BooleanField(
        label="Me prévenir de la publication",
        required=False,
        help_text="Un courriel avec le lien de la pratique, une seule fois, quand elle sera "
        "publiée.",
    )
    # Honeypot: hidden from people (CSS class, aria-hidden, out of the tab order); bots
    # that fill every field give themselves away.
    site_web = forms.CharField(
        label="Ne remplissez pas ce champ",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    exempt_from_control_check = (HONEYPOT,)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].label_from_instance = lambda d: f"{d.code} – {d.name}"
        # The person's own details are autofillable (WCAG 1.3.5), the practice is not.
        for name, token in AUTOCOMPLETE.items():
            self.fields[name].widget.attrs["autocomplete"] = token

    def is_spam(self):
        return bool(self.data.get(HONEYPOT))

    def clean_links(self):
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines()]
        links = [line for line in lines if line]
        if len(links) > MAX_LINKS:
            raise ValidationError(f"{MAX_LINKS} liens au plus, un par ligne.")
        validate = URLValidator(schemes=["http", "https"])
        for link in links:
            if len(link) > LINK_MAX_LENGTH:
                raise ValidationError(f"Chaque lien est limité à {LINK_MAX_LENGTH} caractères.")
            try:
                validate(link)
            except ValidationError:
                raise ValidationError(
                    "« %(link)s » n'est pas une adresse web valide ; elle doit commencer par "
                    "https:// ou http://.",
                    params={"link": link[:80]},
                ) from None
        return "\n".join(links)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start is not None and end is not None and end < start:
            self.add_error("end_year", "L'année de fin ne peut précéder l'année de début.")
        return cleaned

    def submit(self, key_figures):
        """Save the proposal (see Contribution.objects.submit); return the Contribution."""
        data = self.cleaned_data
        practice = Practice(
            title=data["title"],
            summary=data["summary"],
            authority_type=data["authority_type"],
            authority_name=data["authority_name"],
            department=data["department"],
            start_year=data["start_year"],
            end_year=data["end_year"],
        )
        contribution = Contribution.objects.submit(
            practice,
            levers=data["levers"],
            sectors=data["sectors"],
            key_figures=key_figures,
            contributor_name=data["contributor_name"],
            contributor_email=data["contributor_email"],
            contributor_role=data["contributor_role"],
            links=data["links"],
        )
        if data["notify_on_publication"]:
            PublicationNotice.objects.create(practice=contribution.practice)
        return contribution


class KeyFigureForm(PublicForm):
    label = TextField(
        label="Ce que l'on compte",
        max_length=160,
        required=False,
        help_text="Par exemple « salariés en insertion ».",
    )
    value = FrenchDecimalField(
        label="Valeur",
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text="Un nombre, par exemple 913 ou 12,5.",
        error_messages={
            "invalid": "Indiquez un nombre, par exemple 913 ou 12,5.",
            "min_value": "Un chiffre clé ne peut pas être négatif.",
            "max_digits": "Ce nombre est trop grand.",
            "max_decimal_places": "Deux chiffres après la virgule au plus.",
            "max_whole_digits": "Ce nombre est trop grand.",
        },
    )
    unit = TextField(
        label="Unité",
        max_length=40,
        required=False,
        help_text="Par exemple « personnes », « € », « % ».",
    )

    def clean(self):
        cleaned = super().clean()
        label, value, unit = cleaned.get("label"), cleaned.get("value"), cleaned.get("unit")
        if (value is not None or unit) and not label and "label" not in self.errors:
            self.add_error("label", "Dites ce que ce chiffre compte.")
        if label and value is None and "value" not in self.errors:
            self.add_error("value", "Indiquez la valeur de ce chiffre.")
        return cleaned

    def key_figure(self):
        data = self.cleaned_data
        if not data.get("label"):
            return None
        return KeyFigure(label=data["label"], value=data["value"], unit=data["unit"])


class BaseKeyFigureFormSet(forms.BaseFormSet):
    def key_figures(self):
        return [f for f in (form.key_figure() for form in self.forms) if f is not None]


KeyFigureFormSet = forms.formset_factory(
    KeyFigureForm,
    formset=BaseKeyFigureFormSet,
    extra=KEY_FIGURE_ROWS,
    max_num=KEY_FIGURE_ROWS,
    absolute_max=KEY_FIGURE_ROWS,
    validate_max=True,
)
KEY_FIGURES_PREFIX = "chiffres"


# Rate limit ---------------------------------------------------------------------

RATE_WINDOW_SECONDS = 3600


class ProposalRateLimit:
    """Proposals per client address and hour, counted in the "ratelimit" cache: Redis
    when REDIS_URL is set, else files shared by all the worker processes of one server
    (settings.CACHES). The address is keyed with the secret key (HMAC): a plain hash of
    an IPv4 address is reversed by trying all 2^32 of them.

    A failing cache lets proposals through, with a warning: the other defences (CSRF,
    honeypot, field limits, editors' review) still hold, and a visitor never gets a 500.
    """

    def __init__(self, request):
        address = client_ip(request) or "unknown"
        digest = salted_hmac("proposal-rate-limit", address, algorithm="sha256").hexdigest()[:32]
        self.key = f"proposals:{digest}"
        self.limit = settings.PORTAL_PROPOSALS_PER_HOUR
        self.cache = caches["ratelimit"]

    def exceeded(self):
        try:
            return (self.cache.get(self.key) or 0) >= self.limit
        except Exception as error:
            logger.warning("Proposal rate limit unavailable, proposal allowed: %r", error)
            return False

    def hit(self):
        """Count one proposal; False when it goes over the limit.

        add() starts the window only if it is not running yet; incr() is atomic in Redis,
        so concurrent proposals cannot all slip under the limit (with files, two workers
        counting at the same instant may count one; the limit is a brake, not a quota).
        """
        try:
            self.cache.add(self.key, 0, RATE_WINDOW_SECONDS)
            try:
                count = self.cache.incr(self.key)
            except ValueError:  # expired between add() and incr()
                self.cache.set(self.key, 1, RATE_WINDOW_SECONDS)
                count = 1
        except Exception as error:
            logger.warning("Proposal rate limit unavailable, proposal allowed: %r", error)
            return True
        return count <= self.limit


def too_many_requests(request):
    response = render(
        request,
        "429.html",
        {"limit": settings.PORTAL_PROPOSALS_PER_HOUR},
        status=429,
    )
    response["Retry-After"] = str(RATE_WINDOW_SECONDS)
    return response


# Notifications --------------------------------------------------------------------


def _absolute(request, path):
    if settings.SITE_URL:
        return settings.SITE_URL + path
    return request.build_absolute_uri(path)


def _admin_url(request, contribution):
    for name, pk in (
        ("admin:practices_contribution_change", contribution.pk),
        ("admin:practices_practice_change", contribution.practice_id),
    ):
        try:
            return _absolute(request, reverse(name, args=[pk]))
        except NoReverseMatch:
            continue
    return _absolute(request, "/admin/")


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
        "site_url": _absolute(request, "/"),
        "open_data_url": _absolute(request, reverse("practices:open_data")),
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


# Views ------------------------------------------------------------------------------


@transaction.non_atomic_requests  # the proposal commits before any email is attempted
@require_http_methods(["GET", "HEAD", "POST"])
def propose(request):
    if request.method == "POST":
        rate_limit = ProposalRateLimit(request)
        if rate_limit.exceeded():
            return too_many_requests(request)
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
                return too_many_requests(request)
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
