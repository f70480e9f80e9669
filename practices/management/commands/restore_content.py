"""Restore a backup written by `backup_content`: `restore_content portal.json`.

Like `loaddata`, with history recording off: loading many-to-many relations would
otherwise add a history record to every practice and fiche, on top of the history
the backup restores. Cached public pages become stale as with any other write
(procurement_portal.invalidation: loaddata saves through the ORM).
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test.utils import override_settings


class Command(BaseCommand):
    help = "Load a backup written by backup_content into a migrated database."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="JSON file written by backup_content.")

    def handle(self, *args, backup, **options):
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            call_command("loaddata", backup, verbosity=options["verbosity"])
