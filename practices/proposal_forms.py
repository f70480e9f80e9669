"""The /proposer/ form: the authority, a contact, the practice, up to three key figures.

Every field has a length limit and a French message; single-line fields refuse line
breaks (they reach email headers); control characters are refused by PublicForm
(procurement_portal.forms) before any cleaning. The honeypot field (`site_web`) is
hidden from people and gives bots away.
"""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, URLValidator

from levers.models import Lever
from procurement_portal.forms import PublicForm, honeypot_field

from .alerts.models import PublicationNotice
from .models import FIRST_YEAR, LAST_YEAR, Department, KeyFigure, Practice, Sector
from .numbers import FrenchDecimalField, format_french_decimal
from .proposals import submit_proposal

LINE_BREAK = re.compile(r"[\r\n]")
MAX_LINKS = 5
LINK_MAX_LENGTH = 500
LINKS_MAX_LENGTH = MAX_LINKS * (LINK_MAX_LENGTH + 2)
KEY_FIGURE_ROWS = 3
AUTOCOMPLETE = {
    "authority_name": "organization",
    "contributor_name": "name",
    "contributor_role": "organization-title",
    "contributor_email": "email",
    "title": "off",
}


def reject_line_breaks(value):
    # Single-line values end up in email headers (subject), where a line break is refused.
    if value and LINE_BREAK.search(value):
        raise ValidationError("Ce champ tient sur une seule ligne.", code="line_break")


class FrenchMaxLengthValidator(MaxLengthValidator):
    """Django's length check, its numbers written the French way (« 1 000 », « 1 001 »)."""

    message = "%(limit_value)s caractères au plus (vous en avez saisi %(show_value)s)."

    def __call__(self, value):
        length = self.clean(value)
        if self.compare(length, self.limit_value):
            params = {
                "limit_value": format_french_decimal(self.limit_value),
                "show_value": format_french_decimal(length),
                "value": value,
            }
            raise ValidationError(self.message, code=self.code, params=params)


class TextField(forms.CharField):
    """A required-by-default text field with a length limit and a French message for it."""

    def __init__(self, *, max_length, single_line=True, **kwargs):
        kwargs.setdefault(
            "error_messages",
            {
                "max_length": FrenchMaxLengthValidator.message,
                "required": "Ce champ est obligatoire.",
            },
        )
        super().__init__(max_length=max_length, **kwargs)
        self.validators = [
            FrenchMaxLengthValidator(max_length) if isinstance(v, MaxLengthValidator) else v
            for v in self.validators
        ]
        if single_line:
            self.validators.append(reject_line_breaks)


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
    site_web = honeypot_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].label_from_instance = lambda d: f"{d.code} – {d.name}"
        # The person's own details are autofillable (WCAG 1.3.5), the practice is not.
        for name, token in AUTOCOMPLETE.items():
            self.fields[name].widget.attrs["autocomplete"] = token

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
        """Save the proposal (proposals.submit_proposal); return the Contribution."""
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
        contribution = submit_proposal(
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
            # Sent by manage.py send_alerts once the practice is public (practices.alerts).
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
        help_text="Un nombre, par exemple 913, 12,5 ou 350 000.",
        error_messages={
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
