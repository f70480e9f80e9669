"""Rebuild the search indexes the database does not keep itself: `rebuild_search_index`.

SQLite's full-text table and the « Vouliez-vous dire » vocabulary follow every save();
after changes that bypass it (SQL, loaddata), rebuild them. PostgreSQL's search vectors
are generated columns: always in step.
"""

from django.core.management.base import BaseCommand

from practices import search_index


class Command(BaseCommand):
    help = "Reconstruit l'index plein texte SQLite et le vocabulaire des suggestions."

    def handle(self, *args, **options):
        indexed, words = search_index.rebuild()
        self.stdout.write(
            f"Index plein texte : {indexed} pratique(s) ; vocabulaire : {words} mot(s)."
        )
