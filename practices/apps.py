import sqlite3

from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_fts5():
    """Search on SQLite needs its full-text engine, FTS5: refuse to start without it."""
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute("CREATE VIRTUAL TABLE probe USING fts5(text)")
    except sqlite3.OperationalError as error:
        raise ImproperlyConfigured(
            f"La recherche sur SQLite demande le moteur plein texte FTS5, absent de la "
            f"bibliothèque SQLite {sqlite3.sqlite_version} de ce Python ({error}). "
            "Installez un Python dont sqlite3 inclut FTS5 (c'est le cas de Debian et des "
            "paquets officiels), ou utilisez PostgreSQL (DATABASE_URL)."
        ) from error
    finally:
        connection.close()


class PracticesConfig(AppConfig):
    name = "practices"
    verbose_name = "Pratiques et territoires"

    def ready(self):
        if any(db["ENGINE"].endswith("sqlite3") for db in settings.DATABASES.values()):
            require_fts5()

        from procurement_portal import invalidation

        # Here because this app holds the last of the public models (it depends on levers).
        invalidation.connect_receivers()

        from levers.models import Fiche
        from procurement_portal.admin import name_link_rows

        from .models import Practice

        name_link_rows(Practice.levers, Practice.sectors, Practice.partners, Fiche.levers)
