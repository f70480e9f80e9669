"""The map and the statistics in Chromium: accessible names of the shapes, links that lead to
the counted practices, keyboard, the CSP (axe-core and width: test_public_pages.py)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# axe-core and the 320 px check of these pages are in test_public_pages.py (PAGE_TYPES).
PAGES = ["/carte/", "/carte/?levier=commerce-equitable", "/departements/", "/statistiques/", "/"]


@pytest.fixture
def site(live_server, content):
    return live_server.url


def test_shapes_have_accessible_names_with_their_counts(page, site):
    page.goto(site + "/carte/")
    expect(page.get_by_role("img", name="Corse-du-Sud (2A) : aucune pratique")).to_have_count(1)
    expect(page.get_by_role("img", name="Haute-Corse (2B) : aucune pratique")).to_have_count(1)
    expect(page.get_by_role("img", name="Guadeloupe (971) : aucune pratique")).to_have_count(1)
    mayotte = page.get_by_role("link", name="Mayotte (976) : 1 pratique")
    expect(mayotte).to_have_attribute("href", "/pratiques/?departement=976")
    expect(page.locator("svg[aria-labelledby=carte-titre]")).to_have_count(1)


def test_a_coloured_department_leads_to_its_practices(page, site):
    page.goto(site + "/carte/?levier=commerce-equitable")
    shape = page.get_by_role("link", name="Ille-et-Vilaine (35) : 1 pratique")
    expect(shape).to_have_count(1)
    expect(page.locator("a.dep-map__link")).to_have_count(1)
    shape.locator("path").click()
    expect(page).to_have_url(re.compile(r"/pratiques/\?levier=commerce-equitable&departement=35$"))
    expect(page.locator("#resultats")).to_have_text("1 pratique")


def test_the_map_adds_no_tab_stop_and_its_table_carries_the_links(page, site):
    page.goto(site + "/carte/?levier=clauses-sociales")
    stops = []
    for _ in range(40):
        page.keyboard.press("Tab")
        stops.append(
            page.evaluate(
                "() => [!!document.activeElement.closest('svg'), "
                "document.activeElement.getAttribute('href')]"
            )
        )
    assert not any(in_svg for in_svg, _ in stops)
    hrefs = [href for _, href in stops]
    assert "/pratiques/?levier=clauses-sociales&departement=976" in hrefs


def test_statistics_numbers_lead_to_the_list(page, site):
    page.goto(site + "/statistiques/?region=32")
    expect(page.get_by_role("img", name=re.compile(r"^Pratiques par levier : "))).to_have_count(1)
    table = page.get_by_role("table", name=re.compile("^Pratiques par levier"))
    table.get_by_role("link", name="1 pratique : Clauses sociales").click()
    expect(page).to_have_url(re.compile(r"/pratiques/\?region=32&levier=clauses-sociales$"))
    expect(page.locator("#resultats")).to_have_text("1 pratique")


def test_the_list_leads_to_its_map_and_statistics(page, site):
    page.goto(site + "/pratiques/?levier=clauses-sociales")
    page.get_by_role("link", name="Voir sur la carte").click()
    expect(page).to_have_url(re.compile(r"/carte/\?levier=clauses-sociales$"))
    expect(page.get_by_role("heading", name="3 pratiques dans 3 départements")).to_be_visible()
    page.get_by_role("link", name="Statistiques de ces pratiques").click()
    expect(page).to_have_url(re.compile(r"/statistiques/\?levier=clauses-sociales$"))


def test_pages_run_under_the_policy_and_without_javascript(browser, site):
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    violations = []
    try:
        page = context.new_page()
        page.on(
            "console",
            lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
        )
        for url in PAGES:
            page.goto(site + url)
        page.goto(site + "/carte/?levier=commerce-equitable")
        expect(page.get_by_role("link", name="Ille-et-Vilaine (35) : 1 pratique")).to_have_count(1)
    finally:
        context.close()
    assert violations == []
