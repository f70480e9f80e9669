from django.apps import AppConfig


class LeversConfig(AppConfig):
    name = "levers"
    verbose_name = "Leviers, kits et fiches"
