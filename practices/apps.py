from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "practices"
    verbose_name = "Pratiques et territoires"

    def ready(self):
        from procurement_portal import invalidation

        # Here because this app holds the last of the public models (it depends on levers).
        invalidation.connect_receivers()
