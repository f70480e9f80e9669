"""Erase personal data once its retention period is over (GDPR).

Run it daily (cron, systemd timer). Contributors' details go after
PORTAL_CONTRIBUTION_RETENTION_MONTHS (24 by default), as the form's notice says: the
proposed practice itself is kept, only who proposed it is erased. Contact messages go
whole after PORTAL_CONTACT_RETENTION_MONTHS (12 by default), as /donnees-personnelles/ says.
"""

import calendar
from datetime import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from practices.models import ContactMessage, Contribution


def months_before(moment: datetime, months: int) -> datetime:
    """Same day and time `months` earlier (the month's last day when it is shorter)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


class Command(BaseCommand):
    help = (
        "Efface les coordonnées des contributeurs dont la proposition date de plus de "
        "PORTAL_CONTRIBUTION_RETENTION_MONTHS mois, et les messages de contact reçus il y a "
        "plus de PORTAL_CONTACT_RETENTION_MONTHS mois."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Affiche le nombre de contributions concernées sans rien effacer.",
        )

    def handle(self, *args, dry_run=False, **options):
        months = settings.PORTAL_CONTRIBUTION_RETENTION_MONTHS
        now = timezone.now()
        cutoff = months_before(now, months)
        if dry_run:
            count = Contribution.objects.personal_data_older_than(cutoff).count()
            self.stdout.write(
                f"{count} contribution(s) antérieure(s) au {cutoff:%d/%m/%Y} seraient "
                "anonymisée(s)."
            )
            messages_cutoff = months_before(now, settings.PORTAL_CONTACT_RETENTION_MONTHS)
            count = ContactMessage.objects.older_than(messages_cutoff).count()
            self.stdout.write(
                f"{count} message(s) de contact antérieur(s) au {messages_cutoff:%d/%m/%Y} "
                "seraient supprimé(s)."
            )
            return
        count = Contribution.objects.purge_personal_data(cutoff, now=now)
        self.stdout.write(
            f"{count} contribution(s) antérieure(s) au {cutoff:%d/%m/%Y} anonymisée(s) "
            f"(conservation : {months} mois)."
        )
        messages_months = settings.PORTAL_CONTACT_RETENTION_MONTHS
        messages_cutoff = months_before(now, messages_months)
        count = ContactMessage.objects.purge(messages_cutoff)
        self.stdout.write(
            f"{count} message(s) de contact antérieur(s) au {messages_cutoff:%d/%m/%Y} "
            f"supprimé(s) (conservation : {messages_months} mois)."
        )
