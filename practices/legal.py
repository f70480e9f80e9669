"""The legal texts every French public-sector site must publish, editable in the admin.

Three pages (/accessibilite/, /mentions-legales/, /donnees-personnelles/) whose text is
Markdown written by the Responsables éditoriaux (with history), seeded by migration from
`fixtures/legal/*.md`. Facts only the deployer or the settings know (the host, the
retention periods, the state of conformity…) are written as placeholders,
`{{ hebergeur }}`, replaced when the page is drawn: the text can never contradict the
settings, and a value the deployer has not given shows « [à renseigner : VARIABLE] »
(docs/deploy.md lists them).
"""

import html
import re

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from procurement_portal.invalidation import PublicContentManager
from procurement_portal.markdown import render_markdown

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
# Placeholder -> (setting, what it is, for the admin's help text).
PLACEHOLDERS = {
    "editeur": ("PORTAL_PUBLISHER_NAME", "nom de l'éditeur du portail"),
    "editeur_adresse": ("PORTAL_PUBLISHER_ADDRESS", "adresse postale de l'éditeur"),
    "directeur_publication": ("PORTAL_PUBLICATION_DIRECTOR", "directeur·rice de la publication"),
    "hebergeur": ("PORTAL_HOST_NAME", "nom de l'hébergeur"),
    "hebergeur_adresse": ("PORTAL_HOST_ADDRESS", "adresse de l'hébergeur"),
    "hebergeur_telephone": ("PORTAL_HOST_PHONE", "téléphone de l'hébergeur"),
    "courriel_donnees_personnelles": (
        "PORTAL_PRIVACY_EMAIL",
        "adresse où exercer ses droits sur ses données",
    ),
    "etat_accessibilite": ("PORTAL_ACCESSIBILITY_STATUS", "état de conformité RGAA"),
    "conservation_propositions_mois": (
        "PORTAL_CONTRIBUTION_RETENTION_MONTHS",
        "mois de conservation des coordonnées des contributeurs",
    ),
    "conservation_messages_mois": (
        "PORTAL_CONTACT_RETENTION_MONTHS",
        "mois de conservation des messages de contact",
    ),
    "conservation_journaux_mois": (
        "PORTAL_SERVER_LOG_RETENTION_MONTHS",
        "mois de conservation des journaux du serveur",
    ),
    "propositions_par_heure": (
        "PORTAL_PROPOSALS_PER_HOUR",
        "envois de formulaire acceptés par heure et par connexion",
    ),
}


def placeholder_values():
    """{placeholder: its value from the settings, or « [à renseigner : SETTING] »}."""
    values = {}
    for name, (setting, _) in PLACEHOLDERS.items():
        value = getattr(settings, setting, "")
        values[name] = str(value) if value not in ("", None) else f"[à renseigner : {setting}]"
    return values


def fill_placeholders(text):
    values = placeholder_values()
    # Markdown-escaped: a value is shown as written, never read as Markdown or HTML.
    return PLACEHOLDER.sub(
        lambda match: (
            _escape_markdown(values[match.group(1)]) if match.group(1) in values else match.group(0)
        ),
        text,
    )


def _escape_markdown(value):
    # HTML first (Markdown passes entities through), then Markdown's own characters.
    return re.sub(r"([\\`*_{}\[\]()#+!|])", r"\\\1", html.escape(value, quote=False))


class LegalText(models.Model):
    """One legal page's text; a write makes cached pages stale, like any public content."""

    class Page(models.TextChoices):
        ACCESSIBILITY = "accessibilite", "Déclaration d'accessibilité"
        LEGAL_NOTICES = "mentions-legales", "Mentions légales"
        PERSONAL_DATA = "donnees-personnelles", "Données personnelles"

    page = models.CharField(
        "page", max_length=40, choices=Page.choices, unique=True, editable=False
    )
    title = models.CharField(
        "titre", max_length=120, help_text="Titre de la page (son <h1>) et de l'onglet."
    )
    summary = models.CharField(
        "résumé",
        max_length=300,
        help_text="Une phrase pour les moteurs de recherche et le haut de la page.",
    )
    body = models.TextField(
        "texte",
        help_text="En Markdown (## pour un intertitre). Les {{ valeurs }} sont reprises des "
        "réglages du serveur : leur liste est sous le texte.",
    )
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)
    history = HistoricalRecords(verbose_name="historique du texte légal")

    # Public content (procurement_portal.invalidation.PUBLIC_MODELS).
    objects = PublicContentManager()

    class Meta:
        verbose_name = "texte légal"
        verbose_name_plural = "textes légaux"
        ordering = ["page"]

    def __str__(self):
        return self.get_page_display()

    def get_absolute_url(self):
        return reverse(f"practices:{self.page.replace('-', '_')}")

    def render(self):
        """The body as sanitized HTML, placeholders filled from the settings."""
        return render_markdown(fill_placeholders(self.body))
