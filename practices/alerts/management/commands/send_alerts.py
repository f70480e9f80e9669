"""Send what is due: alert digests, publication notices, the editors' summary.

Run it daily (systemd timer, docs/deploy.md). Safe to run again at any time: what was
sent is recorded with the sending, and what failed stays due for the next run.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from practices.alerts.sending import run


class Command(BaseCommand):
    help = (
        "Envoie les alertes dues (nouvelles pratiques correspondant aux recherches suivies), "
        "les avis de publication aux contributeurs et le récapitulatif des éditeurs ; efface "
        "les abonnements non confirmés depuis 7 jours."
    )

    def handle(self, *args, **options):
        try:
            report = run(timezone.now())
        except Exception as error:
            raise CommandError(f"send_alerts stopped: {error}") from error
        self.stdout.write(
            f"{report.digests} alerte(s) envoyée(s), {report.nothing_new} sans nouveauté, "
            f"{report.notices} avis de publication, récapitulatif des éditeurs : "
            f"{'envoyé' if report.summary else 'non'}, {report.erased} abonnement(s) non "
            f"confirmé(s) effacé(s)."
        )
        if report.failures:
            # A non-zero exit marks the systemd unit as failed: someone looks at the logs.
            raise CommandError(
                f"{len(report.failures)} envoi(s) en échec, à nouveau dus au prochain passage : "
                + ", ".join(report.failures)
            )
