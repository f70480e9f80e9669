import sqlite3

from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models.signals import m2m_changed


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

        from levers.models import relations_changed

        from .models import Practice

        # Many-to-many writes bypass save(): cached public pages must not show them late.
        for field in ("levers", "sectors", "partners"):
            m2m_changed.connect(relations_changed, sender=getattr(Practice, field).through)
