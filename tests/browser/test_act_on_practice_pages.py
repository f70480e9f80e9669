"""Practice, contact, suggestion and comparison pages in a real browser: axe-core at
1280 and 360 px, no sideways scroll, comparison without JavaScript, copy-link button."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MAYOTTE = "mayotte-achat-socialement-responsable"
MEURTHE = "meurthe-et-moselle-spaser-2021-2026"
PAGES = {
    "pratique": f"/pratiques/{MAYOTTE}/",
    "contact": f"/pratiques/{MAYOTTE}/contacter/",
    "contact envoyé": f"/pratiques/{MAYOTTE}/contacter/merci/?transmis=1",
    "contact différé": f"/pratiques/{MAYOTTE}/contacter/merci/?transmis=0",
    "suggestion": f"/pratiques/{MAYOTTE}/suggerer/",
    "suggestion envoyée": f"/pratiques/{MAYOTTE}/suggerer/merci/",
    "comparaison": f"/pratiques/comparer/?pratique={MAYOTTE}&pratique={MEURTHE}",
    "comparaison avec erreurs": f"/pratiques/comparer/?pratique={MAYOTTE}&pratique=inconnue",
}


@pytest.fixture
def site(live_server, content, settings):
    settings.PORTAL_EDITORS_EMAILS = ["editeurs@rtes.example"]
    return live_server.url


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("url", PAGES.values(), ids=PAGES.keys())
def test_zero_axe_violations_and_no_sideways_scroll(browser, site, axe_violations, url, width):
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        response = page.goto(site + url)
        assert response.status == 200
        assert axe_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


def test_form_errors_have_zero_axe_violations(page, site, axe_violations):
    page.goto(site + PAGES["contact"])
    # Past the browser's own checks of required fields: the server's summary is tested.
    page.evaluate("document.querySelector('form.propose-form').noValidate = true")
    page.get_by_role("button", name="Envoyer mon message").click()
    expect(page.get_by_role("alert")).to_contain_text("n'a pas encore été envoyé")
    assert axe_violations(page) == []


def test_compare_two_practices_from_the_list_without_javascript(browser, site):
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site + "/pratiques/")
        page.get_by_label(re.compile(r"Comparer «\s+Achat socialement")).check()
        page.get_by_label(re.compile(r"Comparer «\s+Le SPASER")).check()
        page.get_by_role("button", name="Comparer les pratiques cochées").click()
        expect(page).to_have_url(re.compile(r"/pratiques/comparer/\?pratique="))
        headers = page.locator("table.compare thead th")
        expect(headers).to_have_count(2)
        expect(page.locator("table.compare tbody th").first).to_have_text("Territoire")
    finally:
        context.close()


def test_compare_on_a_phone_keeps_the_row_names_in_view_while_scrolling(browser, site):
    # At 360 px the table scrolls sideways inside its region; scrolled to the second
    # practice, the rows had lost their names (« Territoire », « Chiffres clés »…), and the
    # names' column took half the screen.
    context = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto(site + PAGES["comparaison"])
        region = page.get_by_role("region", name="2 pratiques côte à côte")
        region.evaluate("element => { element.scrollLeft = element.scrollWidth; }")
        box = region.bounding_box()
        for name in ["Territoire", "Chiffres clés"]:
            header = page.locator("table.compare tbody th", has_text=name).bounding_box()
            assert box["x"] <= header["x"] < box["x"] + 2, name
            assert header["width"] < 130, name  # 176 px before, half the phone's width
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()


def test_a_visitor_writes_to_the_collectivite(page, site, smtp_server):
    page.goto(site + PAGES["pratique"])
    page.get_by_role("link", name="Contacter la collectivité").first.click()
    page.get_by_label("Vos prénom et nom").fill("Camille Martin")
    page.get_by_label("Votre courriel professionnel").fill("camille@ville.example")
    page.get_by_label("Votre collectivité ou organisme").fill("Ville de Rennes")
    page.get_by_label("Votre message").fill("Comment avez-vous fixé le seuil ?")
    page.get_by_role("button", name="Envoyer mon message").click()
    expect(page.locator("h1")).to_have_text("Votre message est envoyé")
    (received,) = smtp_server.wait_for(1)
    assert received["to"] == ["editeurs@rtes.example"]


def test_copy_link_and_print_buttons_appear_with_javascript(page, site):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(site + PAGES["pratique"])
    copy = page.get_by_role("button", name="Copier le lien")
    expect(copy).to_be_visible()
    expect(page.get_by_role("button", name="Imprimer")).to_be_visible()
    copy.click()
    expect(page.locator("#copie-statut")).to_have_text(re.compile("Lien copié|La copie a échoué"))
