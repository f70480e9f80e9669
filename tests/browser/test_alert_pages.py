"""E-mail alerts in a real browser: subscribing from a filtered list, confirming from the
mail (real SMTP server), managing; axe-core at 1280 and 360 pixels on every alert page."""

import re

import pytest
from playwright.sync_api import expect

from practices.alerts.models import Subscription

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def site(live_server, content, settings):
    settings.SITE_URL = live_server.url
    return live_server.url


def test_a_person_subscribes_from_a_filtered_list_and_confirms(page, site, smtp_server):
    page.goto(site + "/pratiques/?levier=clauses-sociales")
    alert = page.locator(".alert-signup")
    expect(alert).to_contain_text("correspondant à : Clauses sociales")
    alert.get_by_label("Votre adresse électronique").fill("agent@ville.example")
    alert.get_by_label("Chaque jour").check()
    alert.get_by_role("button", name="Recevoir les alertes").click()
    expect(page.locator("h1")).to_have_text("Vérifiez votre messagerie")

    smtp_server.wait_for(1)
    link = re.search(r"https?://\S+/confirmer/", smtp_server.body(0)).group(0)
    page.goto(link)
    assert Subscription.objects.get().confirmed_at is None
    page.get_by_role("button", name="Confirmer").click()
    expect(page.locator("[role=status]")).to_contain_text("Votre alerte est confirmée")
    subscription = Subscription.objects.get()
    assert subscription.is_confirmed
    assert subscription.frequency == "quotidienne"
    assert subscription.query == "levier=clauses-sociales"


@pytest.mark.parametrize("width", [1280, 360])
def test_alert_pages_have_no_axe_violation(browser, site, axe_violations, width):
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    page = context.new_page()
    pending = Subscription.objects.create(email="a@ville.example", query="levier=spaser")
    active = Subscription.objects.create(email="b@ville.example", query="region=06")
    active.confirm()
    paths = [
        "/alertes/?levier=spaser&region=06",
        "/alertes/demande-envoyee/",
        f"/alertes/{pending.token}/confirmer/",
        f"/alertes/{active.token}/?fait=confirmee",
        f"/alertes/{active.token}/desabonner/",
    ]
    for path in paths:
        response = page.goto(site + path)
        assert response.status == 200, path
        assert axe_violations(page) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    # The form with errors, and the page after unsubscribing.
    page.goto(site + "/alertes/")
    page.get_by_label("Votre adresse électronique").fill("agent@ville")
    page.get_by_role("button", name="Recevoir les alertes").click()
    expect(page.locator("[role=alert]")).to_contain_text("n'a pas été enregistrée")
    assert axe_violations(page) == []
    page.goto(f"{site}/alertes/{active.token}/desabonner/")
    page.get_by_role("button", name="Me désabonner").click()
    expect(page.locator("h1")).to_have_text("Vous êtes désabonné")
    assert axe_violations(page) == []
    context.close()
