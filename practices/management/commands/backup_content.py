"""A portable backup of the portal's data as one JSON file, for `restore_content`.

    python manage.py backup_content --output portal.json
    python manage.py restore_content portal.json   # into a migrated, empty database

Primary keys are kept, so history records still point at their practice, lever or
fiche. Foreign keys to content types and permissions are written as natural keys
(`migrate` recreates those tables, possibly with other ids). History tables are
written with plain ids: they may refer to deleted objects, which have no natural key.
Left out: content types and permissions (rebuilt by `migrate`), sessions, the admin
log and login attempts, the search indexes (rebuilt by the restore).
"""

import io
import json

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand
from simple_history.models import HistoricalChanges

EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "axes",
    # Page cache bookkeeping, bumped by the restore itself.
    "practices.contentversion",
    # Search indexes, rebuilt by the restore from the practices (practices.search_index).
    "practices.searchentry",
    "practices.searchword",
]


def history_labels():
    return [
        model._meta.label
        for model in apps.get_models()
        if issubclass(model, HistoricalChanges)
        and model._meta.app_label not in EXCLUDED
        and model._meta.label not in EXCLUDED
    ]


def dump(*args):
    out = io.StringIO()
    call_command("dumpdata", *args, stdout=out)
    return json.loads(out.getvalue())


def backup():
    """Every row to keep, as a list of dumpdata objects, history last."""
    history = history_labels()
    exclusions = [f"--exclude={label}" for label in EXCLUDED + history]
    rows = dump("--natural-foreign", *exclusions)
    if history:
        rows += dump(*history)
    return rows


class Command(BaseCommand):
    help = "Write every row worth keeping to one JSON file, for `loaddata`."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args, output=None, **options):
        rows = backup()
        if output:
            with open(output, "w", encoding="utf-8") as stream:
                json.dump(rows, stream, ensure_ascii=False, indent=1)
            self.stderr.write(f"Sauvegarde écrite : {output} ({len(rows)} objets).")
        else:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
