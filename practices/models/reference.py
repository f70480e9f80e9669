"""Reference data practices point to: regions, departments, sectors and partners."""

from django.db import models
from django.urls import reverse

from levers.models import POSITION_HELP, SlugNaturalKeyManager
from procurement_portal.invalidation import PublicContentManager


class CodeNaturalKeyManager(PublicContentManager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Region(models.Model):
    """One of the 18 French regions, keyed by its official INSEE code."""

    code = models.CharField(
        "code INSEE",
        max_length=3,
        primary_key=True,
        help_text="Code officiel INSEE de la région (données de référence).",
    )
    name = models.CharField(
        "nom", max_length=80, unique=True, help_text="Nom officiel de la région."
    )

    objects = CodeNaturalKeyManager()

    class Meta:
        verbose_name = "région"
        verbose_name_plural = "régions"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class Department(models.Model):
    """One of the 101 departments, keyed by its INSEE code (01…95, 2A, 2B, 971…976)."""

    code = models.CharField(
        "code INSEE",
        max_length=3,
        primary_key=True,
        help_text="Code officiel INSEE : 01…95, 2A, 2B, 971…976 (données de référence).",
    )
    name = models.CharField(
        "nom", max_length=80, unique=True, help_text="Nom officiel du département."
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="departments",
        verbose_name="région",
        help_text="Région à laquelle le département appartient.",
    )

    objects = CodeNaturalKeyManager()

    class Meta:
        verbose_name = "département"
        verbose_name_plural = "départements"
        # INSEE order: 01…19, 21…29, 2A, 2B, 30…95, 971…976.
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def natural_key(self):
        return (self.code,)

    def get_absolute_url(self):
        return reverse("practices:department_detail", args=[self.code])


class Sector(models.Model):
    """A sector or market type: travaux, restauration collective, textile…"""

    name = models.CharField(
        "nom",
        max_length=80,
        unique=True,
        help_text="Nom court affiché dans les filtres, ex. « Restauration collective ».",
    )
    slug = models.SlugField(
        "identifiant d'adresse",
        max_length=80,
        unique=True,
        help_text="Partie de l'adresse web, rempli automatiquement depuis le nom.",
    )
    position = models.PositiveSmallIntegerField("ordre", default=0, help_text=POSITION_HELP)

    objects = SlugNaturalKeyManager()

    class Meta:
        verbose_name = "secteur"
        verbose_name_plural = "secteurs"
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Partner(models.Model):
    """An organisation that takes part in practices: CRESS, associations intermédiaires…"""

    class Kind(models.TextChoices):
        SIAE = "siae", "Structure d'insertion (SIAE, association intermédiaire…)"
        NETWORK = "reseau", "Réseau ou fédération"
        CRESS = "cress", "Chambre régionale de l'ESS"
        PUBLIC = "public", "Acteur public"
        COMPANY = "entreprise", "Entreprise"
        OTHER = "autre", "Autre"

    name = models.CharField(
        "nom", max_length=160, unique=True, help_text="Nom complet, tel que l'organisation l'écrit."
    )
    slug = models.SlugField(
        "identifiant d'adresse",
        max_length=160,
        unique=True,
        help_text="Partie de l'adresse web, rempli automatiquement depuis le nom.",
    )
    kind = models.CharField(
        "type",
        max_length=12,
        choices=Kind.choices,
        default=Kind.OTHER,
        help_text="Sert à regrouper les partenaires dans les filtres.",
    )
    url = models.URLField(
        "site web", blank=True, help_text="Adresse du site de l'organisation (https://…)."
    )
    description = models.CharField(
        "description",
        max_length=300,
        blank=True,
        help_text="Une phrase : ce que fait l'organisation.",
    )

    objects = SlugNaturalKeyManager()

    class Meta:
        verbose_name = "partenaire"
        verbose_name_plural = "partenaires"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)
