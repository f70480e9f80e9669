"""`build_csv_export`: build the full CSV export of the current content before any
request asks for it (deploy, after a bulk import), so that no visitor waits for it.

The file's lines hold absolute addresses: it is built for DJANGO_SITE_URL, or for
--site-url (the scheme and host visitors use, as requests would give them).
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from practices.exports import Snapshot


class Command(BaseCommand):
    help = "Build the full CSV export (/pratiques/export.csv) of the current content."

    def add_arguments(self, parser):
        parser.add_argument(
            "--site-url",
            default=settings.SITE_URL,
            help="« https://hôte » of the portal (default: DJANGO_SITE_URL).",
        )

    def handle(self, *args, site_url, **options):
        if not site_url:
            raise CommandError(
                "Indiquez l'adresse du portail : --site-url https://… ou DJANGO_SITE_URL."
            )
        snapshot = Snapshot.current(site_url.rstrip("/"))
        if snapshot.exists():
            self.stdout.write(f"Export CSV déjà à jour : {snapshot.csv}")
            return
        started = time.monotonic()
        snapshot.build(blocking=True)  # after another builder, if one is at work
        self.stdout.write(
            f"Export CSV construit en {time.monotonic() - started:.1f} s : {snapshot.csv}"
        )
