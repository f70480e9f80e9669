from django.apps import AppConfig
from django.db.models.signals import m2m_changed


class LeversConfig(AppConfig):
    name = "levers"
    verbose_name = "Leviers, kits et fiches"

    def ready(self):
        from .models import Fiche, relations_changed

        # Many-to-many writes bypass save(): cached public pages must not show them late.
        m2m_changed.connect(relations_changed, sender=Fiche.levers.through)
