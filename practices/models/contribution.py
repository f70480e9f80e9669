"""Who proposed a practice through the public form: personal data, purged after retention."""

from django.db import models
from django.utils import timezone

from .practice import Practice


class ContributionQuerySet(models.QuerySet):
    def personal_data_older_than(self, cutoff):
        return self.filter(submitted_at__lt=cutoff, personal_data_purged_at__isnull=True)

    def purge_personal_data(self, cutoff, now=None):
        """Erase who sent the proposals submitted before `cutoff`; return how many."""
        return self.personal_data_older_than(cutoff).update(
            contributor_name="",
            contributor_email="",
            contributor_role="",
            personal_data_purged_at=now or timezone.now(),
        )


class Contribution(models.Model):
    """Who proposed a practice through the public form; personal data, purged after retention."""

    practice = models.OneToOneField(
        Practice,
        on_delete=models.CASCADE,
        related_name="contribution",
        verbose_name="pratique",
        help_text="Pratique créée par le formulaire « Proposer une pratique ».",
    )
    contributor_name = models.CharField(
        "nom du contributeur",
        max_length=120,
        blank=True,
        help_text="Donnée personnelle : ne pas la recopier dans la pratique.",
    )
    contributor_email = models.EmailField(
        "courriel du contributeur",
        blank=True,
        help_text="Pour recontacter le contributeur ; jamais affiché sur le site.",
    )
    contributor_role = models.CharField(
        "fonction", max_length=120, blank=True, help_text="Fonction déclarée par le contributeur."
    )
    links = models.TextField(
        "liens proposés",
        blank=True,
        help_text="Liens envoyés par le contributeur, un par ligne ; vérifiez-les avant usage.",
    )
    submitted_at = models.DateTimeField(
        "proposée le", default=timezone.now, help_text="Date d'envoi du formulaire."
    )
    personal_data_purged_at = models.DateTimeField(
        "données personnelles effacées le",
        null=True,
        blank=True,
        help_text="Date à laquelle nom et courriel ont été effacés.",
    )

    objects = ContributionQuerySet.as_manager()

    class Meta:
        verbose_name = "contribution"
        verbose_name_plural = "contributions"
        ordering = ["-submitted_at"]

    def __str__(self):
        return f"Contribution du {self.submitted_at:%d/%m/%Y} : {self.practice}"
