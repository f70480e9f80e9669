"""What `manage.py send_alerts` does: due digests, publication notices, the editors'
summary, and erasing unconfirmed subscriptions.

Each message is sent inside the transaction that records it (a subscription's period
covered, a notice's sending date, the summary's day): a failing mail server rolls the
record back, so the message stays due for the next run, and the others go on. Rows are
locked (SKIP LOCKED on PostgreSQL) and read again as due once locked, so two runs at the
same moment send nothing twice. Subscriptions are read by batches of primary keys:
memory stays bounded whatever their number.
"""

import logging
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from practices.models import ContentVersion, Contribution, Practice

from . import mail
from .models import EditorsSummary, PublicationNotice, Subscription
from .searches import describe, search_filter

logger = logging.getLogger(__name__)

BATCH = 500


@dataclass
class Report:
    digests: int = 0
    nothing_new: int = 0
    notices: int = 0
    summary: bool = False
    erased: int = 0
    failures: list = field(default_factory=list)


def _failed(report, connection, what, error):
    # The error's class only: SMTP errors quote addresses, which stay out of the logs.
    logger.error("Could not send the %s: %s; it stays due.", what, type(error).__name__)
    report.failures.append(what)
    connection.close()  # a broken connection is opened anew for the next message


def _in_batches(queryset):
    last = 0
    while True:
        pks = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not pks:
            return
        yield from pks
        last = pks[-1]


def send_digest(pk, now, connection, references):
    """Send subscription `pk` its digest if due; True if sent, False if nothing was new,
    None if it was no longer due (another run took it)."""
    with transaction.atomic():
        subscription = (
            Subscription.objects.due(now).select_for_update(skip_locked=True).filter(pk=pk).first()
        )
        if subscription is None:
            return None
        new = Practice.objects.published(now).filter(published_at__gt=subscription.covered_until)
        filterset = search_filter(subscription.query, queryset=new, request=references)
        if filterset.errors:
            # A lever or sector removed since: the remaining filters apply.
            logger.warning(
                "Alert %s: filters no longer valid (%s), the others apply.",
                subscription.pk,
                ", ".join(filterset.errors),
            )
        matches = filterset.qs.order_by("-published_at", "-pk")
        total = matches.count()
        sent = False
        if total:
            practices = list(matches.for_cards()[: mail.DIGEST_SIZE])
            query = subscription.query + ("&" if subscription.query else "") + "tri=recent"
            list_url = mail.absolute_url(f"{reverse('practices:list')}?{query}")
            mail.digest(
                subscription,
                describe(filterset, quote_words=False),
                practices,
                total,
                list_url,
                connection,
            ).send()
            subscription.last_sent_at = now
            sent = True
            logger.info("Alert %s: digest of %s practice(s) sent.", subscription.pk, total)
        subscription.covered_until = now
        subscription.save(update_fields=["covered_until", "last_sent_at"])
        return sent


def send_digests(now, connection, report):
    # Filters' labels are read once for the whole run, not once per subscription.
    references = SimpleNamespace(content_version=ContentVersion.objects.current())
    for pk in _in_batches(Subscription.objects.due(now)):
        try:
            sent = send_digest(pk, now, connection, references)
        except Exception as error:
            _failed(report, connection, f"digest of alert {pk}", error)
            continue
        if sent:
            report.digests += 1
        elif sent is False:
            report.nothing_new += 1


def send_publication_notices(now, connection, report):
    """Contributors who asked are told once, when their proposal is first public."""
    pending = PublicationNotice.objects.filter(
        sent_at__isnull=True, practice__in=Practice.objects.published(now)
    )
    for pk in _in_batches(pending):
        try:
            with transaction.atomic():
                notice = pending.select_for_update(skip_locked=True).filter(pk=pk).first()
                if notice is None:
                    continue
                email = (
                    Contribution.objects.filter(practice=notice.practice_id)
                    .values_list("contributor_email", flat=True)
                    .first()
                )
                if email:  # erased after the retention period: nobody to tell
                    mail.publication_notice(notice, email, connection).send()
                    report.notices += 1
                    logger.info("Practice %s: publication notice sent.", notice.practice_id)
                notice.sent_at = now
                notice.save(update_fields=["sent_at"])
        except Exception as error:
            _failed(report, connection, f"publication notice {pk}", error)


def waiting_for_editors():
    """{label: (count, [(title, admin url)])} of what awaits the editors, non-empty only."""
    waiting = {}
    for status, label in (
        (Practice.Status.PROPOSED, "Propositions reçues par le formulaire"),
        (Practice.Status.REVIEW, "Pratiques en relecture"),
    ):
        rows = Practice.objects.not_deleted().filter(status=status).order_by("updated_at")
        count = rows.count()
        if count:
            first = rows.values_list("pk", "title")[: mail.SUMMARY_SIZE]
            waiting[label] = (
                count,
                [
                    (
                        title,
                        mail.absolute_url(reverse("admin:practices_practice_change", args=[pk])),
                    )
                    for pk, title in first
                ],
            )
    return waiting


def send_editors_summary(now, connection, report):
    if not settings.PORTAL_EDITORS_SUMMARY_EMAILS:
        return
    day = timezone.localdate(now)
    if EditorsSummary.objects.filter(day=day).exists():
        return
    waiting = waiting_for_editors()
    if not waiting:
        return
    try:
        with transaction.atomic():
            # The unique day: a concurrent run fails here, before sending anything.
            EditorsSummary.objects.create(day=day, sent_at=now)
            mail.editors_summary(day, waiting, connection).send()
    except Exception as error:
        _failed(report, connection, "editors' summary", error)
        return
    report.summary = True
    logger.info("Editors' summary of %s sent.", day)


def erase_unconfirmed(now):
    count, _ = Subscription.objects.unconfirmed_expired(now).delete()
    return count


def run(now=None):
    now = now or timezone.now()
    report = Report(erased=erase_unconfirmed(now))
    connection = get_connection()
    try:
        send_digests(now, connection, report)
        send_publication_notices(now, connection, report)
        send_editors_summary(now, connection, report)
    finally:
        connection.close()
    return report
