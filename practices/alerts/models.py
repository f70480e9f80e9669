"""Alerts: saved searches mailed as digests, and publication notices to contributors.

Personal data (an address and what it follows): never shown in pages, the API, feeds or
exports; erased at unsubscription, or after UNCONFIRMED_DAYS when never confirmed.
"""

import secrets
from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone

from practices.models import Practice

UNCONFIRMED_DAYS = 7
QUERY_MAX_LENGTH = 2000


def new_token():
    # 256 random bits: the token alone opens a subscription's pages (no account).
    return secrets.token_urlsafe(32)


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def due(self, now):
        """Confirmed subscriptions whose next digest is due at `now`: a day (daily) or a
        week (weekly) after the end of the period their previous digest covered."""
        daily, weekly = Subscription.Frequency.DAILY, Subscription.Frequency.WEEKLY
        return self.confirmed().filter(
            Q(frequency=daily, covered_until__lte=now - Subscription.PERIODS[daily])
            | Q(frequency=weekly, covered_until__lte=now - Subscription.PERIODS[weekly])
        )

    def unconfirmed_expired(self, now):
        return self.filter(
            confirmed_at__isnull=True, created_at__lt=now - timedelta(days=UNCONFIRMED_DAYS)
        )


class Subscription(models.Model):
    """One address following one search of the practice list."""

    class Frequency(models.TextChoices):
        # The values are the public form's (`frequence`).
        DAILY = "quotidienne", "Chaque jour"
        WEEKLY = "hebdomadaire", "Chaque semaine"

    PERIODS = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}

    email = models.EmailField("adresse électronique", max_length=254)
    query = models.CharField(
        "filtres",
        max_length=QUERY_MAX_LENGTH,
        blank=True,
        help_text="Les paramètres de la liste des pratiques suivis (vide : toutes les "
        "nouvelles pratiques).",
    )
    frequency = models.CharField(
        "fréquence", max_length=12, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    token = models.CharField("jeton", max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField("demandée le", default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField("confirmée le", null=True, blank=True, editable=False)
    covered_until = models.DateTimeField(
        "pratiques vues jusqu'au",
        null=True,
        blank=True,
        editable=False,
        help_text="Les pratiques publiées avant cette date ont déjà été examinées.",
    )
    last_sent_at = models.DateTimeField("dernier envoi", null=True, blank=True, editable=False)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = "abonnement à une alerte"
        verbose_name_plural = "abonnements aux alertes"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["email", "query"], name="alert_email_query_unique")
        ]
        indexes = [
            models.Index(fields=["frequency", "covered_until"], name="alert_due_idx"),
        ]

    def __str__(self):
        return f"Alerte n° {self.pk}"

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None

    def confirm(self, now=None):
        """Start the alert: practices published from now on will be sent."""
        if self.confirmed_at is None:
            self.confirmed_at = self.covered_until = now or timezone.now()
            self.save(update_fields=["confirmed_at", "covered_until"])


class PublicationNotice(models.Model):
    """A contributor asked to be told when their proposal is published (« Me prévenir de
    la publication » on /proposer/); the address is the contribution's own."""

    practice = models.OneToOneField(
        Practice,
        on_delete=models.CASCADE,
        related_name="publication_notice",
        verbose_name="pratique",
    )
    requested_at = models.DateTimeField("demandé le", default=timezone.now, editable=False)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "avis de publication"
        verbose_name_plural = "avis de publication"

    def __str__(self):
        return f"Avis de publication : {self.practice}"


class EditorsSummary(models.Model):
    """One row per editors' daily summary sent: a second run the same day sends none."""

    day = models.DateField("jour", unique=True)
    sent_at = models.DateTimeField("envoyé le", default=timezone.now)

    class Meta:
        verbose_name = "récapitulatif des éditeurs"
        verbose_name_plural = "récapitulatifs des éditeurs"

    def __str__(self):
        return f"Récapitulatif du {self.day:%d/%m/%Y}"
