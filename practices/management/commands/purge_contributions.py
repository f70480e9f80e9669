"""Erase personal data once its retention period is over (GDPR).

Contributions lose their contributor's details, messages to référents are deleted,
suggestions lose their reply address (after PORTAL_CONTRIBUTION_RETENTION_MONTHS);
messages to the portal (/contact/) are deleted after PORTAL_CONTACT_RETENTION_MONTHS.

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

from practices.models import ContactMessage, Contribution, SiteMessage, Suggestion


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
            messages_ = ContactMessage.objects.older_than(cutoff).count()
            suggestions = Suggestion.objects.personal_data_older_than(cutoff).count()
            self.stdout.write(
                f"{messages_} message(s) aux référents seraient supprimé(s), "
                f"{suggestions} courriel(s) de suggestions effacé(s)."
            )
            site_cutoff = months_before(now, settings.PORTAL_CONTACT_RETENTION_MONTHS)
            site_messages = SiteMessage.objects.older_than(site_cutoff).count()
            self.stdout.write(
                f"{site_messages} message(s) au portail antérieur(s) au {site_cutoff:%d/%m/%Y} "
                "seraient supprimé(s)."
            )
            return
        count = Contribution.objects.purge_personal_data(cutoff, now=now)
        # Messages to référents are personal data through and through: deleted whole.
        messages_ = ContactMessage.objects.purge(cutoff)
        suggestions = Suggestion.objects.purge_personal_data(cutoff)
        self.stdout.write(
            f"{count} contribution(s) antérieure(s) au {cutoff:%d/%m/%Y} anonymisée(s) "
            f"(conservation : {months} mois)."
        )
        self.stdout.write(
            f"{messages_} message(s) aux référents supprimé(s), "
            f"{suggestions} courriel(s) de suggestions effacé(s)."
        )
        site_months = settings.PORTAL_CONTACT_RETENTION_MONTHS
        site_cutoff = months_before(now, site_months)
        site_messages = SiteMessage.objects.purge(site_cutoff)
        self.stdout.write(
            f"{site_messages} message(s) au portail antérieur(s) au {site_cutoff:%d/%m/%Y} "
            f"supprimé(s) (conservation : {site_months} mois)."
        )
