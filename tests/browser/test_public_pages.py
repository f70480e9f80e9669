"""The public pages in a real browser: search, filters, keyboard, axe-core, small screens."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import database_down
from tests.factories import make_lever, make_practice

# Territories come from a migration: serialized_rollback restores them after each flush.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PAGE_TYPES = {
    "accueil": "/",
    "liste": "/pratiques/",
    "liste filtrée sans résultat": "/pratiques/?levier=spaser&q=cafe&region=53",
    "liste avec erreurs": "/pratiques/?levier=inconnu&annee=abc",
    "recherche avec suggestion": "/pratiques/?q=restoration+colective",
    "recherche sans mot pris en compte": "/pratiques/?q=le",
    "pratique": "/pratiques/mayotte-achat-socialement-responsable/",
    "leviers": "/leviers/",
    "levier": "/leviers/spaser/",
    "départements": "/departements/",
    "département": "/departements/976/",
    "département sans pratique": "/departements/2A/",
    "fiches": "/fiches/",
    "fiche": "/fiches/kit-departementaless-12-commande-publique-responsable/",
    "404": "/pratiques/nexiste-pas/",
    "liste filtrée": "/pratiques/?levier=clauses-sociales&departement=35&departement=976",
    "déclaration d'accessibilité": "/accessibilite/",
    "mentions légales": "/mentions-legales/",
    "données personnelles": "/donnees-personnelles/",
    "plan du site": "/plan-du-site/",
    "contact": "/contact/",
    "message envoyé": "/contact/merci/",
    "données ouvertes": "/donnees/",
    "carte": "/carte/",
    "carte filtrée": "/carte/?levier=commerce-equitable",
    "carte avec erreurs": "/carte/?levier=inconnu&annee=abc",
    "statistiques": "/statistiques/",
    "statistiques d'une région": "/statistiques/?region=32",
    "statistiques sans résultat": "/statistiques/?q=introuvable",
}
# The widths axe-core checks every page type at: an office screen and a small phone.
WIDTHS = {"1280px": (1280, 900), "360px": (360, 740)}


@pytest.fixture
def site(live_server, content):
    return live_server.url


def focused(page):
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return {tag: el.tagName.toLowerCase(), name: el.getAttribute('name'),
                    value: el.getAttribute('value'), text: el.textContent.trim(),
                    href: el.getAttribute('href'),
                    outline: getComputedStyle(el).outlineStyle};
        }"""
    )


def tab_until(page, predicate, limit=80):
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if predicate(element):
            return element
    raise AssertionError("focus never reached the expected element")


def test_a_person_searches_ticks_a_lever_and_opens_a_practice(page, site):
    # expect() waits for the next page: a click only starts the navigation.
    results = page.locator("#resultats")
    page.goto(site + "/")
    page.get_by_label("Rechercher une pratique").fill("café")
    page.get_by_role("button", name="Rechercher").click()
    expect(page).to_have_url(re.compile(r"/pratiques/\?q=caf"))
    expect(results).to_have_text("1 pratique")
    assert "Ille-et-Vilaine" in page.locator(".card").inner_text()

    page.goto(site + "/pratiques/")
    page.get_by_label("Clauses sociales — 3 pratiques").check()
    page.get_by_role("button", name="Appliquer les filtres").click()
    expect(page).to_have_url(re.compile("levier=clauses-sociales"))
    expect(results).to_have_text("3 pratiques")
    assert page.get_by_label("Clauses sociales — 3 pratiques").is_checked()

    page.get_by_label("Département", exact=True).select_option("976")
    page.get_by_role("button", name="Appliquer les filtres").click()
    expect(results).to_have_text("1 pratique")
    page.get_by_role("link", name="Département : Mayotte (976) (retirer ce critère)").click()
    expect(results).to_have_text("3 pratiques")

    page.get_by_role("link", name=re.compile("Achat socialement responsable")).click()
    expect(page).to_have_url(re.compile("/pratiques/mayotte-achat-socialement-responsable/$"))
    assert "Achat socialement responsable" in page.locator("h1").inner_text()
    assert page.locator(".key-figure").count() >= 1


def test_a_person_paginates_and_keeps_the_filters(page, live_server):
    lever = make_lever(name="Insertion", slug="insertion")
    for n in range(15):
        make_practice(title=f"Pratique d'insertion {n:02d}", levers=[lever])
    cards = page.locator(".card")
    page.goto(live_server.url + "/pratiques/?levier=insertion")
    expect(page.locator("#resultats")).to_have_text("15 pratiques")
    expect(cards).to_have_count(12)
    page.get_by_role("link", name="Page suivante").click()
    expect(page).to_have_url(re.compile(r"levier=insertion.*page=2|page=2.*levier=insertion"))
    expect(cards).to_have_count(3)
    assert page.get_by_label("Insertion — 15 pratiques").is_checked()
    page.get_by_role("link", name="Page précédente").click()
    expect(cards).to_have_count(12)


def test_keyboard_only_skip_link_filters_and_enter(page, site):
    page.goto(site + "/pratiques/")
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["text"] == "Aller au contenu" and skip["outline"] != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"

    search = tab_until(page, lambda el: el["name"] == "q")
    assert search["outline"] != "none"
    page.keyboard.type("clause")
    checkbox = tab_until(page, lambda el: el["name"] == "levier" and el["value"] == "spaser")
    assert checkbox["outline"] != "none"
    page.keyboard.press("Space")
    tab_until(page, lambda el: el["text"] == "Appliquer les filtres")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"levier=spaser"))
    assert "q=clause" in page.url
    assert page.locator("#resultats").inner_text() == "1 pratique"

    tab_until(page, lambda el: (el["href"] or "").startswith("/pratiques/meurthe"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/pratiques/meurthe-et-moselle-spaser-2021-2026/$"))


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("url", PAGE_TYPES.values(), ids=PAGE_TYPES.keys())
def test_every_page_type_has_zero_axe_violations(browser, site, axe_violations, url, width):
    context = browser.new_context(locale="fr-FR", viewport={"width": width[0], "height": width[1]})
    try:
        page = context.new_page()
        page.goto(site + url)
        assert axe_violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("url", PAGE_TYPES.values(), ids=PAGE_TYPES.keys())
def test_no_horizontal_scroll_at_320_pixels(browser, site, url):
    context = browser.new_context(locale="fr-FR", viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        page.goto(site + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        context.close()


def test_pages_work_without_javascript(browser, site):
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site + "/pratiques/")
        page.get_by_text("Filtrer", exact=True).click()  # the <details> opens without a script
        page.get_by_label("Commerce équitable — 1 pratique").check()
        page.get_by_role("button", name="Appliquer les filtres").click()
        expect(page.locator("#resultats")).to_have_text("1 pratique")
    finally:
        context.close()


def test_a_typo_offers_a_correction_that_one_click_applies(page, site):
    page.goto(site + "/pratiques/?q=restoration+colective")
    page.get_by_role("link", name="restauration collective").click()
    expect(page).to_have_url(re.compile(r"q=restauration\+collective"))
    expect(page.locator("#resultats")).to_have_text("1 pratique")


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_database_outage_page_has_zero_axe_violations(browser, site, axe_violations, width):
    context = browser.new_context(locale="fr-FR", viewport={"width": width[0], "height": width[1]})
    try:
        page = context.new_page()
        # The live server's thread loses the database too; the stylesheet needs none.
        with database_down():
            response = page.goto(site + "/pratiques/")
            assert response.status == 503
            assert page.locator("h1").inner_text().startswith("Le portail est momentanément")
            assert page.locator(".site-footer").get_by_role("link", name="Plan du site").count()
        assert axe_violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_refusal_pages_of_a_form_have_zero_axe_violations(
    browser, site, axe_violations, settings, width
):
    # 429: the limit already reached (0 here) refuses a message before reading it.
    settings.PORTAL_PROPOSALS_PER_HOUR = 0
    context = browser.new_context(locale="fr-FR", viewport={"width": width[0], "height": width[1]})
    try:
        page = context.new_page()
        page.goto(site + "/contact/")
        page.evaluate("document.querySelector('main form').noValidate = true")
        with page.expect_navigation():
            page.locator("main form").evaluate("form => form.requestSubmit()")
        assert page.locator("h1").inner_text() == "Trop de demandes de contact envoyées"
        assert page.get_by_text("Réessayez dans").count() == 1
        assert axe_violations(page) == []
        # 403: the form's CSRF cookie gone (expired, blocked), the portal's own French page.
        page.goto(site + "/contact/")
        context.clear_cookies()
        page.evaluate("document.querySelector('main form').noValidate = true")
        with page.expect_navigation():
            page.locator("main form").evaluate("form => form.requestSubmit()")
        assert "Votre envoi n'a pas pu être vérifié" in page.locator("main").inner_text()
        assert axe_violations(page) == []
    finally:
        context.close()


def show(page, address, response):
    """Open `address`, answered with `response` (a page rendered in the test)."""
    page.route(
        address,
        lambda route: route.fulfill(
            status=response.status_code,
            content_type="text/html; charset=utf-8",
            body=response.content,
        ),
    )
    return page.goto(address)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_400_405_and_500_pages_have_zero_axe_violations(browser, site, axe_violations, width):
    from django.test import Client, RequestFactory

    from procurement_portal.errors import server_error

    context = browser.new_context(locale="fr-FR", viewport={"width": width[0], "height": width[1]})
    try:
        page = context.new_page()
        # 400: more query fields than Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS).
        response = page.goto(site + "/pratiques/?" + "&".join(f"a{n}=1" for n in range(1100)))
        assert response.status == 400
        assert axe_violations(page) == []
        # 500 and 405: nothing here fails on purpose, and a browser's POST meets the CSRF
        # check first: the pages rendered here are served at addresses of the live server,
        # whose stylesheet they load.
        assert show(page, site + "/erreur/", server_error(RequestFactory().get("/"))).status == 500
        assert page.locator("h1").inner_text() == "Une erreur est survenue"
        assert axe_violations(page) == []
        assert show(page, site + "/refuse/", Client().post("/pratiques/")).status == 405
        assert page.locator("h1").inner_text() == "Action impossible sur cette page"
        assert axe_violations(page) == []
    finally:
        context.close()
