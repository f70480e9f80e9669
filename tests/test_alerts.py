"""Subscribing to an alert (/alertes/): the form on list pages, validation, double opt-in
by POST, managing and unsubscribing. Sending: tests/test_send_alerts.py."""

import re
from html import unescape

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from practices.alerts.models import Subscription
from procurement_portal.forms import CONTROL_CHARS_MESSAGE
from tests.conftest import as_read, retry_after

from .factories import make_lever, make_practice

URL = "/alertes/"
SENT_URL = reverse("alerts:sent")


@pytest.fixture(autouse=True)
def _fresh_rate_limit(settings):
    settings.SITE_URL = "https://portail.example.org"
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


@pytest.fixture
def lever(db):
    return make_lever(name="Clauses sociales", slug="clauses-sociales")


def text(response):
    return as_read(unescape(response.content.decode()))


def links(body):
    return re.findall(r"https://portail\.example\.org/\S*", body)


def subscribe(client, **data):
    data = {"email": "agent@ville.example", "frequence": "hebdomadaire", **data}
    return client.post(URL, data, HTTP_ORIGIN="http://testserver")


# The form on list pages --------------------------------------------------------------


def test_list_page_offers_the_alert_with_its_filters_in_plain_words(client, lever):
    make_practice(levers=[lever], department="59")
    response = client.get(
        "/pratiques/", {"levier": "clauses-sociales", "region": "32", "page": "1"}
    )
    page = text(response)
    form = re.search(
        r'<form class="alert-form" method="post" action="/alertes/">(.*?)</form>', page, re.S
    )
    assert form, "no alert form"
    assert "Recevoir les nouvelles pratiques par e-mail" in page
    assert "correspondant à : <strong>Clauses sociales, Hauts-de-France</strong>" in page
    hidden = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form.group(1))
    assert hidden == [("levier", "clauses-sociales"), ("region", "32")]
    assert 'value="hebdomadaire"' in form.group(1)
    assert re.search(r'value="hebdomadaire"[^>]*checked', form.group(1))
    # Cached list pages carry no CSRF token and set no cookie.
    assert "csrfmiddlewaretoken" not in form.group(1)
    assert not response.cookies


def test_list_page_keeps_its_query_budget_with_the_alert_form(
    client, lever, django_assert_max_num_queries
):
    make_practice(levers=[lever])
    # The list's own budget for a search finding few practices: labels, synonyms, facets
    # and page, then two for « Vouliez-vous dire » (issue 14); the alert form adds none.
    with django_assert_max_num_queries(6):
        response = client.get("/pratiques/", {"levier": "clauses-sociales", "q": "commande"})
    assert "correspondant à : <strong>« commande », Clauses sociales</strong>" in text(response)


def test_lever_and_department_pages_offer_their_alert(client, lever):
    page = text(client.get(reverse("levers:detail", args=[lever.slug])))
    assert '<input type="hidden" name="levier" value="clauses-sociales">' in page
    assert "correspondant à : <strong>Clauses sociales</strong>" in page
    page = text(client.get("/departements/62/"))
    assert '<input type="hidden" name="departement" value="62">' in page
    assert "correspondant à : <strong>Pas-de-Calais (62)</strong>" in page


# Subscribing --------------------------------------------------------------------------


def test_subscribing_saves_an_unconfirmed_alert_and_mails_a_link(client, lever, smtp_server):
    response = subscribe(client, levier="clauses-sociales", region="32", q=" cantine ")
    assert response.status_code == 302
    assert response["Location"] == SENT_URL
    subscription = Subscription.objects.get()
    assert subscription.email == "agent@ville.example"
    assert subscription.query == "levier=clauses-sociales&region=32&q=cantine"
    assert subscription.frequency == "hebdomadaire"
    assert subscription.confirmed_at is None
    (received,) = smtp_server.wait_for(1)
    assert received["to"] == ["agent@ville.example"]
    body, html = smtp_server.body(0), smtp_server.body(0, "html")
    confirm = f"https://portail.example.org/alertes/{subscription.token}/confirmer/"
    assert links(body) == [confirm, "https://portail.example.org/"]
    assert confirm in html
    assert f"n° {subscription.pk}" in body


def test_alerts_and_map_links_follow_every_filter_of_the_list_but_its_sort():
    # One list of them: a filter added to the list page and forgotten here would be
    # dropped by alerts and by the map's and statistics' links (as « preuve » was).
    from practices.filters import PracticeFilter

    assert set(PracticeFilter.FILTER_PARAMS) == set(PracticeFilter.base_filters) - {"tri"}


def test_the_alert_follows_the_evidence_level_the_list_page_offers_it_with(
    client, lever, smtp_server
):
    make_practice(levers=[lever], evidence_level="evalue")
    page = text(client.get("/pratiques/", {"levier": "clauses-sociales", "preuve": "evalue"}))
    assert '<input type="hidden" name="preuve" value="evalue">' in page

    response = subscribe(client, levier="clauses-sociales", preuve="evalue")

    assert response.status_code == 302
    assert Subscription.objects.get().query == "levier=clauses-sociales&preuve=evalue"


def test_the_confirmation_mail_echoes_nothing_the_visitor_typed(client, lever, smtp_server):
    subscribe(client, email="victime@ville.example", q="Gagnez un iPhone sur evil.example")
    smtp_server.wait_for(1)
    message = smtp_server.messages[0]["message"]
    for part in (smtp_server.body(0), smtp_server.body(0, "html"), message["Subject"]):
        assert "iPhone" not in part and "evil" not in part
        assert "victime" not in part


def test_the_same_page_answers_whether_the_address_had_the_alert_or_not(client, lever, smtp_server):
    first = subscribe(client, levier="clauses-sociales")
    Subscription.objects.get().confirm()
    again = subscribe(client, levier="clauses-sociales", frequence="quotidienne")
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == SENT_URL
    subscription = Subscription.objects.get()
    # Only its owner changes a confirmed alert; they are told it exists, with its link.
    assert subscription.frequency == "hebdomadaire"
    smtp_server.wait_for(2)
    assert f"/alertes/{subscription.token}/" in smtp_server.body(1)
    assert "confirmer" not in smtp_server.body(1)


def test_a_double_click_racing_to_create_the_alert_is_answered_as_usual(
    client, lever, smtp_server, monkeypatch
):
    # The other submission inserted the same alert after this one looked it up: the
    # unique constraint refuses a second row, which must not be a 500.
    other = Subscription.objects.create(
        email="agent@ville.example", query="levier=clauses-sociales"
    )
    manager = Subscription.objects
    lookups = []

    def looked_up_before_the_other_insert():
        lookups.append(1)
        return manager.none() if len(lookups) == 1 else manager.get_queryset().select_for_update()

    monkeypatch.setattr(manager, "select_for_update", looked_up_before_the_other_insert)
    response = subscribe(client, levier="clauses-sociales")
    assert response.status_code == 302
    assert response["Location"] == SENT_URL
    assert list(Subscription.objects.all()) == [other]


def test_asking_again_for_an_unconfirmed_alert_gives_seven_days_again(client, lever, smtp_server):
    subscribe(client, frequence="quotidienne")
    Subscription.objects.update(created_at=timezone.now() - timezone.timedelta(days=8))
    subscribe(client, frequence="hebdomadaire")
    subscription = Subscription.objects.get()
    assert subscription.frequency == "hebdomadaire"
    smtp_server.wait_for(2)
    link = re.search(r"https://portail\.example\.org(/\S+/confirmer/)", smtp_server.body(1))
    assert client.get(link.group(1)).status_code == 200
    client.post(link.group(1))
    subscription.refresh_from_db()
    assert subscription.is_confirmed


def test_an_address_typed_in_other_capitals_has_the_same_alert(client, lever, smtp_server):
    subscribe(client, email="Agent@Ville.example", levier="clauses-sociales")
    Subscription.objects.get().confirm()
    subscribe(client, email="agent@VILLE.example", levier="clauses-sociales")
    subscribe(client, email="AGENT@ville.example", levier="clauses-sociales")
    assert Subscription.objects.count() == 1
    smtp_server.wait_for(3)
    # The later requests are told the alert exists: nothing new to confirm.
    assert "confirmer" not in smtp_server.body(2)


def test_sent_page_says_to_check_the_mailbox(client, db):
    page = text(client.get(SENT_URL))
    assert "Vérifiez votre messagerie" in page
    assert "7 jours" in page


def test_a_cross_site_post_or_one_without_token_saves_nothing(lever):
    client = Client(enforce_csrf_checks=True)
    data = {"email": "agent@ville.example", "frequence": "quotidienne"}
    assert client.post(URL, data).status_code == 403
    assert client.post(URL, data, HTTP_ORIGIN="https://evil.example").status_code == 403
    assert not Subscription.objects.exists()
    # From this site's own pages: with the page's token, or same-origin from a list page.
    page = client.get(URL)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text(page)).group(1)
    assert client.post(URL, {**data, "csrfmiddlewaretoken": token}).status_code == 302
    data["email"] = "autre@ville.example"
    assert client.post(URL, data, HTTP_ORIGIN="http://testserver").status_code == 302
    assert Subscription.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "pas-une-adresse"}, "Saisissez une adresse électronique valide"),
        ({"email": ""}, "Indiquez votre adresse électronique."),
        ({"email": "a" * 250 + "@x.fr"}, "limitée à 254 caractères"),
        ({"frequence": "mensuelle"}, "Choisissez « Chaque jour » ou « Chaque semaine »."),
        ({"levier": "inconnu"}, "« inconnu »"),
        ({"region": "99"}, "Cette région n'existe pas."),
        ({"annee": "deux-mille"}, "Indiquez une année en chiffres"),
        ({"q": "x" * 201}, "La recherche est limitée à"),
        ({"email": "agent\x00@ville.example"}, CONTROL_CHARS_MESSAGE),
        ({"levier": "clauses\x00sociales"}, "caractères non autorisés"),
        ({"q": "cantine\x01"}, "caractères non autorisés"),
    ],
)
def test_bad_input_gets_a_french_message_and_saves_nothing(client, lever, data, message):
    response = subscribe(client, **data)
    assert response.status_code == 200
    page = text(response)
    assert "Votre demande n'a pas été enregistrée" in page
    assert message in page
    assert not Subscription.objects.exists()


def test_honeypot_saves_nothing_and_answers_as_usual(client, lever, smtp_server):
    response = subscribe(client, site_web="https://spam.example")
    assert response["Location"] == SENT_URL
    assert not Subscription.objects.exists()
    assert smtp_server.wait_for(1, timeout=0.5) == []


def test_subscriptions_have_the_shared_per_address_rate_limit(client, lever, settings):
    settings.PORTAL_ALERTS_PER_HOUR = 2
    for n in range(2):
        assert subscribe(client, email=f"a{n}@ville.example").status_code == 302
    response = subscribe(client, email="a3@ville.example")
    assert response.status_code == 429
    assert retry_after(response)
    assert "demandes d'alerte" in text(response)
    assert Subscription.objects.count() == 2


def test_alert_page_has_the_personal_data_notice(client, db):
    page = text(client.get(URL))
    assert "Vos données personnelles" in page
    assert "jusqu'à votre désabonnement" in page
    assert "non confirmée est effacée au bout de 7 jours" in page
    assert 'name="csrfmiddlewaretoken"' in page


# Confirming, managing, unsubscribing ---------------------------------------------------


@pytest.fixture
def pending(lever):
    return Subscription.objects.create(email="agent@ville.example", query="levier=clauses-sociales")


def test_a_get_on_the_confirmation_link_confirms_nothing(client, pending):
    response = client.get(reverse("alerts:confirm", args=[pending.token]))
    page = text(response)
    assert response.status_code == 200
    assert "<button" in page and "Confirmer</button>" in page
    assert "Clauses sociales" in page
    assert "agent@ville.example" not in page
    pending.refresh_from_db()
    assert pending.confirmed_at is None


def test_a_post_confirms_and_opens_the_management_page(client, pending):
    response = client.post(reverse("alerts:confirm", args=[pending.token]))
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.confirmed_at is not None
    assert pending.covered_until == pending.confirmed_at
    page = text(client.get(response["Location"]))
    assert "Votre alerte est confirmée" in page
    assert "Clauses sociales" in page
    assert "agent@ville.example" not in page


def test_an_expired_or_unknown_link_is_a_404(client, pending):
    assert client.get(reverse("alerts:confirm", args=["inconnu"])).status_code == 404
    Subscription.objects.filter(pk=pending.pk).update(
        created_at=timezone.now() - timezone.timedelta(days=8)
    )
    assert client.post(reverse("alerts:confirm", args=[pending.token])).status_code == 404


def test_the_management_page_changes_the_frequency(client, pending):
    pending.confirm()
    url = reverse("alerts:manage", args=[pending.token])
    response = client.post(url, {"frequence": "quotidienne"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.frequency == "quotidienne"
    assert "fréquence de votre alerte est enregistrée" in text(client.get(response["Location"]))
    assert client.post(url, {"frequence": "annuelle"}).status_code == 200
    pending.refresh_from_db()
    assert pending.frequency == "quotidienne"


def test_one_click_unsubscribe_needs_no_csrf_token(pending):
    client = Client(enforce_csrf_checks=True)
    url = reverse("alerts:unsubscribe", args=[pending.token])
    page = text(client.get(url))
    assert "Me désabonner</button>" in page
    assert Subscription.objects.exists()
    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not Subscription.objects.exists()
    # Again (a mail client's retry): the same answer.
    assert (
        client.post(
            url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        ).status_code
        == 200
    )


def test_alert_pages_are_never_cached(client, pending, settings):
    settings.PAGE_CACHE_SECONDS = 600
    response = client.get(reverse("alerts:confirm", args=[pending.token]))
    assert "no-cache" in response["Cache-Control"]
    client.post(reverse("alerts:confirm", args=[pending.token]))
    assert client.get(reverse("alerts:confirm", args=[pending.token])).status_code == 302


def test_alert_pages_keep_their_query_budget(client, pending, django_assert_max_num_queries):
    # The form reads the filters' labels in one query; a subscription's pages look it up,
    # then read the labels of its criteria.
    confirmed = Subscription.objects.create(
        email="elu@ville.example", query="departement=62", confirmed_at=timezone.now()
    )
    pages = [
        (reverse("alerts:subscribe"), 1),
        (reverse("alerts:subscribe") + "?levier=clauses-sociales&departement=62&q=cantine", 1),
        (reverse("alerts:sent"), 0),
        (reverse("alerts:confirm", args=[pending.token]), 2),
        (reverse("alerts:manage", args=[confirmed.token]), 2),
        (reverse("alerts:unsubscribe", args=[confirmed.token]), 2),
    ]
    for url, budget in pages:
        with django_assert_max_num_queries(budget):
            response = client.get(url)
        assert response.status_code == 200, url


# The proposal form ---------------------------------------------------------------------


def test_the_proposal_form_offers_to_be_told_of_the_publication(client, db):
    page = text(client.get(reverse("practices:propose")))
    assert "Me prévenir de la publication" in page
    assert 'type="checkbox" name="notify_on_publication"' in page


# The admin, for support ----------------------------------------------------------------


def test_editors_see_subscriptions_but_cannot_create_them(client, pending, lever):
    from django.contrib.auth.models import User

    admin = User.objects.create_superuser("chef", "chef@rtes.example", "mot-de-passe-solide-42")
    client.force_login(admin)
    page = text(client.get("/admin/alerts/subscription/"))
    assert "agent@ville.example" in page
    assert "Clauses sociales" in page
    assert "/admin/alerts/subscription/add/" not in page
    assert client.get("/admin/alerts/subscription/add/").status_code == 403
    change = text(client.get(f"/admin/alerts/subscription/{pending.pk}/change/"))
    assert 'name="frequency"' in change
    assert 'name="email"' not in change
