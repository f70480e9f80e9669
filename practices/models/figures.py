"""What a practice reports besides its text: key figures (shown as figures, counted
in search_text and on the landscape page) and distinctions. Both are edited inline in
the practice's admin page and carried by its pending revisions (practices/revisions.py)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from levers.models import POSITION_HELP
from procurement_portal.invalidation import PublicContentManager

from ..numbers import format_french_decimal
from .practice import FIRST_YEAR, LAST_YEAR, Practice


class KeyFigure(models.Model):
    """A figure shown as a figure: 913 personnes en insertion, sept. 2018 – déc. 2020."""

    practice = models.ForeignKey(
        Practice,
        on_delete=models.CASCADE,
        related_name="key_figures",
        verbose_name="pratique",
        help_text="Pratique dont ce chiffre mesure les résultats.",
    )
    label = models.CharField(
        "libellé", max_length=160, help_text="Ce que l'on compte, ex. « salariés en insertion »."
    )
    value = models.DecimalField(
        "valeur",
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text="Nombre seul, sans unité, écrit à la française : 913, 12,5 ou 350 000,50.",
    )
    unit = models.CharField(
        "unité", max_length=40, blank=True, help_text="Ex. « € », « % », « collèges »."
    )
    period = models.CharField(
        "période", max_length=80, blank=True, help_text="Ex. « sept. 2018 – déc. 2020 »."
    )
    position = models.PositiveSmallIntegerField("ordre", default=0, help_text=POSITION_HELP)

    history = HistoricalRecords()

    objects = PublicContentManager()

    class Meta:
        verbose_name = "chiffre clé"
        verbose_name_plural = "chiffres clés"
        ordering = ["practice", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="keyfigure_value_not_negative",
                violation_error_message="Un chiffre clé ne peut pas être négatif.",
            ),
        ]

    def __str__(self):
        return f"{self.display_value} {self.unit} {self.label}".strip()

    @property
    def display_value(self):
        return format_french_decimal(self.value)


class Recognition(models.Model):
    """A distinction, e.g. « pratique exemplaire européenne » (Commission européenne, 2020)."""

    practice = models.ForeignKey(
        Practice,
        on_delete=models.CASCADE,
        related_name="recognitions",
        verbose_name="pratique",
        help_text="Pratique distinguée.",
    )
    title = models.CharField(
        "distinction", max_length=200, help_text="Ex. « pratique exemplaire européenne »."
    )
    awarded_by = models.CharField(
        "décernée par", max_length=160, blank=True, help_text="Ex. « Commission européenne »."
    )
    year = models.PositiveSmallIntegerField(
        "année",
        null=True,
        blank=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
        help_text="Année d'attribution.",
    )

    objects = PublicContentManager()

    class Meta:
        verbose_name = "distinction"
        verbose_name_plural = "distinctions"
        ordering = ["practice", "-year", "title"]

    def __str__(self):
        return self.title
