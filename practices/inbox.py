"""What visitors send about a practice: messages to its référent, suggested changes.

Both are saved before any mail is attempted (a failing mail server loses nothing) and
hold personal data, purged after PORTAL_CONTRIBUTION_RETENTION_MONTHS by
`purge_contributions`. The practice is named by string: practices.models imports this
module at its end.
"""

from django.db import models
from django.utils import timezone

MESSAGE_MAX_LENGTH = 3000
SUGGESTION_MAX_LENGTH = 2000


class ContactMessageQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(sent_at__isnull=True)

    def older_than(self, cutoff):
        return self.filter(created_at__lt=cutoff)

    def purge(self, cutoff):
        """Delete the messages received before `cutoff` (all of it is personal); how many."""
        count, _ = self.older_than(cutoff).delete()
        return count


class ContactMessage(models.Model):
    """A visitor's message to the people behind a practice, sent through the portal.

    The référent's address is never shown: the portal forwards the message, with
    Reply-To the visitor, to the practice's contact or, when it has none, to the editors.
    """

    class Route(models.TextChoices):
        REFERENT = "referent", "Contact de la pratique"
        EDITORS = "editeurs", "Équipe éditoriale (pratique sans contact)"

    practice = models.ForeignKey(
        "practices.Practice",
        on_delete=models.CASCADE,
        related_name="contact_messages",
        verbose_name="pratique",
        help_text="Pratique au sujet de laquelle le visiteur écrit.",
    )
    sender_name = models.CharField(
        "nom de l'expéditeur", max_length=120, help_text="Donnée personnelle, jamais publiée."
    )
    sender_email = models.EmailField(
        "courriel de l'expéditeur",
        help_text="Adresse de réponse du message ; jamais publiée.",
    )
    sender_organisation = models.CharField(
        "collectivité de l'expéditeur", max_length=160, help_text="Déclarée par l'expéditeur."
    )
    message = models.TextField(
        "message", max_length=MESSAGE_MAX_LENGTH, help_text="Texte saisi par le visiteur."
    )
    route = models.CharField(
        "destinataire",
        max_length=10,
        choices=Route.choices,
        help_text="À qui le portail a adressé le message.",
    )
    created_at = models.DateTimeField("reçu le", default=timezone.now)
    sent_at = models.DateTimeField(
        "transmis le",
        null=True,
        blank=True,
        help_text="Vide tant que le serveur de courriel n'a pas accepté le message : "
        "utilisez l'action « Transmettre à nouveau ».",
    )

    objects = ContactMessageQuerySet.as_manager()

    class Meta:
        verbose_name = "message à un référent"
        verbose_name_plural = "messages aux référents"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Message du {self.created_at:%d/%m/%Y} sur « {self.practice} »"


class SuggestionQuerySet(models.QuerySet):
    def personal_data_older_than(self, cutoff):
        return self.filter(created_at__lt=cutoff).exclude(email="")

    def purge_personal_data(self, cutoff):
        """Erase the reply addresses given before `cutoff`; the suggestion itself stays."""
        return self.personal_data_older_than(cutoff).update(email="")


class Suggestion(models.Model):
    """« Suggérer une modification »: what a visitor found wrong or missing on a practice."""

    class Status(models.TextChoices):
        TODO = "a_traiter", "À traiter"
        DONE = "traitee", "Traitée"

    practice = models.ForeignKey(
        "practices.Practice",
        on_delete=models.CASCADE,
        related_name="suggestions",
        verbose_name="pratique",
        help_text="Pratique que la suggestion concerne.",
    )
    message = models.TextField(
        "suggestion",
        max_length=SUGGESTION_MAX_LENGTH,
        help_text="Texte du visiteur : vérifiez-le avant de modifier la pratique.",
    )
    email = models.EmailField(
        "courriel pour la réponse",
        blank=True,
        help_text="Facultatif ; effacé automatiquement à la fin de la durée de conservation.",
    )
    status = models.CharField(
        "statut",
        max_length=10,
        choices=Status.choices,
        default=Status.TODO,
        db_index=True,
        help_text="Passez à « Traitée » une fois la pratique corrigée ou la suggestion écartée.",
    )
    created_at = models.DateTimeField("reçue le", default=timezone.now)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = "suggestion de modification"
        verbose_name_plural = "suggestions de modification"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Suggestion du {self.created_at:%d/%m/%Y} sur « {self.practice} »"
