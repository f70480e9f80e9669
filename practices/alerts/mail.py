"""The alerts' messages: French, a plain text part and an HTML part, absolute links.

Mails sent to an address a visitor typed (the confirmation, « already subscribed ») carry
the portal's own words, a reference and a link only, never text typed into a form: the
form cannot be used to send someone else a message of one's making.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from procurement_portal import links

from .models import UNCONFIRMED_DAYS

DIGEST_SIZE = 20
SUMMARY_SIZE = 10


def absolute_url(path, request=None):
    """procurement_portal.links.absolute_url; without a request (send_alerts), the
    setting is required."""
    if request is None and not settings.SITE_URL:
        raise ImproperlyConfigured("DJANGO_SITE_URL is required to put links in the alerts' mails.")
    return links.absolute_url(request, path)


def _one_line(text, limit=180):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _message(template, context, subject, to, connection=None, headers=None):
    context = {"site_url": absolute_url("/", context.get("request")), **context}
    message = EmailMultiAlternatives(
        subject=_one_line(subject),
        body=render_to_string(f"emails/{template}.txt", context),
        to=to,
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
    return message


def subscription_urls(subscription, request=None):
    token = subscription.token
    return {
        "confirm_url": absolute_url(reverse("alerts:confirm", args=[token]), request),
        "manage_url": absolute_url(reverse("alerts:manage", args=[token]), request),
        "unsubscribe_url": absolute_url(reverse("alerts:unsubscribe", args=[token]), request),
    }


def confirmation(subscription, request=None):
    """Asks to confirm a new alert; or, when the address already has it, says so."""
    context = {
        "request": request,
        "reference": subscription.pk,
        "subscription": subscription,
        "unconfirmed_days": UNCONFIRMED_DAYS,
        **subscription_urls(subscription, request),
    }
    if subscription.is_confirmed:
        return _message(
            "alert_already",
            context,
            f"Votre alerte n° {subscription.pk} est déjà active",
            [subscription.email],
        )
    return _message(
        "alert_confirmation",
        context,
        f"Confirmez votre alerte n° {subscription.pk} – Commande publique responsable",
        [subscription.email],
    )


def digest(subscription, description, practices, total, list_url, connection=None):
    """The practices published since the previous digest, with RFC 8058 one-click
    unsubscription (List-Unsubscribe + List-Unsubscribe-Post)."""
    urls = subscription_urls(subscription)
    context = {
        "subscription": subscription,
        "description": description,
        "practices": [
            {"practice": practice, "url": absolute_url(practice.get_absolute_url())}
            for practice in practices
        ],
        "total": total,
        "more": total - len(practices),
        "list_url": list_url,
        **urls,
    }
    plural = "s" if total > 1 else ""
    return _message(
        "alert_digest",
        context,
        f"{total} nouvelle{plural} pratique{plural} : {description}",
        [subscription.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{urls['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def publication_notice(notice, email, connection=None):
    """Tells a contributor their proposal is online: a link, no text of theirs."""
    context = {
        "reference": notice.practice_id,
        "practice_url": absolute_url(notice.practice.get_absolute_url()),
    }
    return _message(
        "publication_notice",
        context,
        "Votre proposition de pratique est publiée",
        [email],
        connection=connection,
    )


def editors_summary(day, waiting, connection=None):
    """What awaits the editors: {label: (count, [(title, admin url)])}."""
    context = {"day": day, "waiting": waiting, "admin_url": absolute_url(reverse("admin:index"))}
    total = sum(count for count, _ in waiting.values())
    return _message(
        "editors_summary",
        context,
        f"{total} élément{'s' if total > 1 else ''} en attente de relecture ({day:%d/%m/%Y})",
        settings.PORTAL_EDITORS_SUMMARY_EMAILS,
        connection=connection,
    )
