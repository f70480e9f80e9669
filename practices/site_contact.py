"""Messages sent to the editors through /contact/: personal data, deleted after retention.

The form and its view are in practices/pages.py; the message is saved first and only
then mailed (like /proposer/), so a failing mail server loses nothing.
"""

from django.db import models
from django.utils import timezone


class SiteMessageQuerySet(models.QuerySet):
    def older_than(self, cutoff):
        return self.filter(received_at__lt=cutoff)

    def purge(self, cutoff):
        """Delete the messages received before `cutoff`; returns how many."""
        count, _ = self.older_than(cutoff).delete()
        return count


class SiteMessage(models.Model):
    name = models.CharField("nom", max_length=120, help_text="Donnée personnelle.")
    email = models.EmailField("courriel", help_text="Pour répondre ; jamais affiché sur le site.")
    subject = models.CharField("objet", max_length=150)
    message = models.TextField("message", max_length=5000)
    received_at = models.DateTimeField("reçu le", default=timezone.now, db_index=True)
    handled = models.BooleanField(
        "traité", default=False, help_text="Cochez une fois la réponse envoyée."
    )

    objects = SiteMessageQuerySet.as_manager()

    class Meta:
        verbose_name = "message au portail"
        verbose_name_plural = "messages au portail"
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.subject} ({self.received_at:%d/%m/%Y})"
