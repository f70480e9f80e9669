from django.apps import AppConfig


class AlertsConfig(AppConfig):
    """E-mail alerts on a saved search, publication notices to contributors, the editors'
    daily summary (python manage.py send_alerts)."""

    name = "practices.alerts"
    label = "alerts"
    verbose_name = "Alertes par courriel"
