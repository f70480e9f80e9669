"""The proposal form and the open data page in a real browser: labels, keyboard, axe-core."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from practices.models import Contribution, Practice

# Territories come from a migration: serialized_rollback restores them after each flush.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def site(live_server, content, settings):
    cache.clear()
    settings.PORTAL_EDITORS_EMAILS = ["edition@rtes.example"]
    yield live_server.url
    cache.clear()


def fill_proposal(page):
    page.get_by_label("Type de collectivité").select_option("commune")
    page.get_by_label("Nom de la collectivité").fill("Ville de Quimper")
    page.get_by_label("Département").select_option("29")
    page.get_by_label("Titre de la pratique").fill("Des repas bio et équitables à la cantine")
    page.get_by_label("Résumé").fill("La Ville achète des denrées équitables pour ses écoles.")
    page.get_by_label("Commerce équitable").check()
    page.get_by_label("Année de début").fill("2022")
    page.locator("#id_chiffres-0-value").fill("1 200")
    page.locator("#id_chiffres-0-unit").fill("repas par jour")
    page.locator("#id_chiffres-0-label").fill("repas servis")
    page.get_by_label("Vos prénom et nom").fill("Dominique Le Gall")
    page.get_by_label("Votre courriel professionnel").fill("d.legall@quimper.example")


def test_an_agent_proposes_a_practice_that_reaches_the_editors(page, site):
    page.goto(site + "/proposer/")
    fill_proposal(page)
    page.get_by_role("button", name="Envoyer ma proposition").click()

    expect(page).to_have_url(re.compile("/proposer/merci/$"))
    assert "bien enregistrée" in page.locator("h1").inner_text()
    practice = Practice.objects.get(title="Des repas bio et équitables à la cantine")
    assert practice.status == Practice.Status.PROPOSED
    assert Contribution.objects.get().contributor_email == "d.legall@quimper.example"
    assert [m.to for m in mail.outbox] == [["edition@rtes.example"], ["d.legall@quimper.example"]]


def test_errors_are_listed_and_the_form_keeps_what_was_typed(page, site, axe_violations):
    page.goto(site + "/proposer/")
    fill_proposal(page)
    page.get_by_label("Année de fin (facultatif)").fill("2020")
    page.get_by_role("button", name="Envoyer ma proposition").click()

    alert = page.get_by_role("alert")
    assert "L'année de fin ne peut précéder l'année de début." in alert.inner_text()
    assert page.get_by_label("Nom de la collectivité").input_value() == "Ville de Quimper"
    assert page.get_by_label("Année de fin (facultatif)").get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []
    assert not Practice.objects.filter(status=Practice.Status.PROPOSED).exists()


def test_keyboard_never_reaches_the_honeypot(page, site):
    page.goto(site + "/proposer/")
    names = []
    for _ in range(60):
        page.keyboard.press("Tab")
        names.append(page.evaluate("() => document.activeElement.getAttribute('name')"))
    assert "site_web" not in names
    assert "contributor_email" in names
    box = page.locator(".hp-field").bounding_box()
    assert box is None or box["x"] + box["width"] <= 0, "the honeypot must be off-screen"


@pytest.mark.parametrize("path", ["/proposer/", "/proposer/merci/", "/donnees/"])
def test_pages_have_no_axe_violation(page, site, axe_violations, path):
    response = page.goto(site + path)

    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "fr"
    assert axe_violations(page) == []


def test_rate_limit_page_has_no_axe_violation(page, site, axe_violations, settings):
    settings.PORTAL_PROPOSALS_PER_HOUR = 1
    page.goto(site + "/proposer/")
    fill_proposal(page)
    page.get_by_role("button", name="Envoyer ma proposition").click()
    expect(page).to_have_url(re.compile("/proposer/merci/$"))
    page.goto(site + "/proposer/")
    fill_proposal(page)
    page.get_by_role("button", name="Envoyer ma proposition").click()

    expect(page.locator("h1")).to_have_text("Trop de propositions envoyées")
    assert axe_violations(page) == []
