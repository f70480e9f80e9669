from django.apps import AppConfig
from django.db.models.signals import m2m_changed


class PracticesConfig(AppConfig):
    name = "practices"
    verbose_name = "Pratiques et territoires"

    def ready(self):
        from levers.models import relations_changed

        from .models import Practice

        # Many-to-many writes bypass save(): cached public pages must not show them late.
        for field in ("levers", "sectors", "partners"):
            m2m_changed.connect(relations_changed, sender=getattr(Practice, field).through)
