"""/alertes/: subscribe to a search of the list, confirm by POST, manage, unsubscribe.

The subscription form sits on cached list pages, which carry no CSRF token (a token
would set a cookie and make every list page uncacheable). A POST whose Origin header is
this site's is a same-origin form submission, which a browser never lets another site
forge; any other POST goes through Django's CSRF check (token required), so a forged
cross-site POST is refused with the 403 page.
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from procurement_portal.mail import send_or_log
from procurement_portal.page_cache import query_parameters
from procurement_portal.rate_limit import RateLimit, too_many_requests

from ..filters import PracticeFilter
from . import mail
from .forms import AlertForm, FrequencyForm
from .models import QUERY_MAX_LENGTH, UNCONFIRMED_DAYS, Subscription
from .searches import canonical_query, describe, hidden_inputs, search_filter

logger = logging.getLogger(__name__)

ONE_CLICK_BODY = "List-Unsubscribe=One-Click"


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _same_origin(request):
    origin = request.META.get("HTTP_ORIGIN")
    if not origin:
        return False
    allowed = {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}
    if settings.SITE_URL:
        allowed.add(_origin(settings.SITE_URL))
    return origin in allowed


def subscribe_address(email, query, frequency):
    """The subscription of `email` to `query`: created unconfirmed, or the existing one.
    An existing confirmed one is left as it is (only its owner changes it)."""
    try:
        return _subscribe_address(email, query, frequency)
    except IntegrityError:
        # Two submissions at once (a double click): the other one created it between
        # this one's lookup and its insert. Found this time.
        return _subscribe_address(email, query, frequency)


def _subscribe_address(email, query, frequency):
    with transaction.atomic():
        # Mailboxes ignore the case of addresses: « Agent@… » already has « agent@… »'s alert.
        subscription = (
            Subscription.objects.select_for_update()
            .filter(email__iexact=email, query=query)
            .first()
        )
        if subscription is None:
            return Subscription.objects.create(email=email, query=query, frequency=frequency)
        if not subscription.is_confirmed:
            # Asked again: the latest frequency, and seven days again to confirm.
            subscription.frequency = frequency
            subscription.created_at = timezone.now()
            subscription.save(update_fields=["frequency", "created_at"])
    return subscription


def _render_form(request, form, filterset, status=200):
    return render(
        request,
        "alerts/subscribe.html",
        {
            "form": form,
            "filters": hidden_inputs(filterset),
            "description": describe(filterset),
            # On a GET (/alertes/?levier=…), unknown filters are simply left out.
            "filter_errors": filterset.errors if form.is_bound else {},
            "unconfirmed_days": UNCONFIRMED_DAYS,
            "privacy_email": settings.PORTAL_PRIVACY_EMAIL,
        },
        status=status,
    )


def _subscribe(request):
    if request.method != "POST":
        return _render_form(request, AlertForm(), search_filter(request.GET))
    rate_limit = RateLimit(request, "alerts", settings.PORTAL_ALERTS_PER_HOUR)
    if rate_limit.exceeded():
        return too_many_requests(request, rate_limit, noun="demandes d'alerte")
    form = AlertForm(request.POST)
    filterset = search_filter(request.POST)
    if form.is_spam():
        rate_limit.hit()
        logger.info("Alert subscription dropped: the honeypot field was filled.")
        return redirect("alerts:sent")
    form_valid, filters_valid = form.is_valid(), not filterset.errors
    if form_valid and filters_valid:
        query = canonical_query(filterset)
        if len(query) > QUERY_MAX_LENGTH:
            form.add_error(None, "Trop de critères pour une alerte : retirez-en quelques-uns.")
        else:
            if not rate_limit.hit():
                return too_many_requests(request, rate_limit, noun="demandes d'alerte")
            email = BaseUserManager.normalize_email(form.cleaned_data["email"])
            subscription = subscribe_address(email, query, form.cleaned_data["frequence"])
            send_or_log(
                mail.confirmation(subscription, request),
                f"the confirmation of alert {subscription.pk}",
            )
            # The same page whether the address had this alert or not.
            return redirect("alerts:sent")
    return _render_form(request, form, filterset)


# The list's filters, pre-filling the form: kept by the page cache's canonical query.
@query_parameters(*PracticeFilter.base_filters)
@csrf_exempt  # checked here: same origin, or Django's CSRF check (see the module's doc)
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    if request.method == "POST" and not _same_origin(request):
        return csrf_protect(_subscribe)(request)
    return _subscribe(request)


@never_cache
@require_http_methods(["GET", "HEAD"])
def sent(request):
    return render(request, "alerts/sent.html", {"unconfirmed_days": UNCONFIRMED_DAYS})


def _subscription(token):
    """The subscription of a link; an unconfirmed one past its 7 days is gone already."""
    live = Subscription.objects.exclude(
        pk__in=Subscription.objects.unconfirmed_expired(timezone.now()).values("pk")
    )
    try:
        return live.get(token=token)
    except Subscription.DoesNotExist:
        raise Http404("Alerte introuvable.") from None


def _context(subscription, **extra):
    filterset = search_filter(subscription.query)
    return {
        "subscription": subscription,
        "description": describe(filterset),
        "list_query": subscription.query,
        **extra,
    }


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """A GET shows a button and confirms nothing: mail scanners follow links."""
    subscription = _subscription(token)
    if request.method == "POST":
        subscription.confirm()
        logger.info("Alert %s confirmed.", subscription.pk)
        return redirect(f"{subscription_url(subscription)}?fait=confirmee")
    if subscription.is_confirmed:
        return redirect(subscription_url(subscription))
    return render(request, "alerts/confirm.html", _context(subscription))


def subscription_url(subscription):
    return reverse("alerts:manage", args=[subscription.token])


DONE_MESSAGES = {
    "confirmee": "Votre alerte est confirmée : vous recevrez les prochaines pratiques publiées.",
    "frequence": "La fréquence de votre alerte est enregistrée.",
}


@query_parameters("fait")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, token):
    subscription = _subscription(token)
    if not subscription.is_confirmed:
        return redirect("alerts:confirm", token=token)
    form = FrequencyForm(
        request.POST if request.method == "POST" else None,
        initial={"frequence": subscription.frequency},
    )
    if request.method == "POST" and form.is_valid():
        subscription.frequency = form.cleaned_data["frequence"]
        subscription.save(update_fields=["frequency"])
        return redirect(f"{subscription_url(subscription)}?fait=frequence")
    done = DONE_MESSAGES.get(request.GET.get("fait", ""))
    return render(request, "alerts/manage.html", _context(subscription, form=form, done=done))


@csrf_exempt  # RFC 8058 one-click POSTs carry no token; the URL's own token authorises
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    if request.method == "POST":
        # Whether it existed or not (a second click, a mail client's retry): the same answer.
        deleted, _ = Subscription.objects.filter(token=token).delete()
        if deleted:
            one_click = request.body.decode("utf-8", "replace").strip() == ONE_CLICK_BODY
            logger.info("Alert unsubscribed%s.", " (one click)" if one_click else "")
        return render(request, "alerts/unsubscribed.html")
    subscription = _subscription(token)
    return render(request, "alerts/unsubscribe.html", _context(subscription))
