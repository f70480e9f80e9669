"""The practice list on a phone and with a keyboard, in Chromium (issue 15's scenarios)."""

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
MAX_TABS_TO_FIRST_RESULT = 40


@pytest.fixture
def site(live_server, content):
    return live_server.url


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="fr-FR", viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def top(page, selector):
    """Distance from the top of the document to the element, in CSS pixels."""
    return page.evaluate(
        "(s) => document.querySelector(s).getBoundingClientRect().top + window.scrollY", selector
    )


def test_on_a_phone_the_first_result_starts_within_two_screens(phone, site):
    phone.goto(site + "/pratiques/?q=clause")
    first_card = top(phone, ".card")
    assert first_card < 2 * PHONE["height"], first_card
    # The filters are folded; the count and the active criteria stay above the results.
    panel = phone.locator("#filtres-panneau")
    expect(panel).not_to_have_attribute("open", "")
    expect(phone.locator(".filters__toggle")).to_be_visible()
    assert top(phone, "#resultats") < first_card
    assert top(phone, ".chips") < first_card
    expect(phone.locator(".chips")).to_be_visible()


def test_on_a_phone_the_header_is_short_and_the_panel_opens(phone, site):
    phone.goto(site + "/pratiques/?levier=clauses-sociales&region=32")
    header = phone.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
    assert header < 200, header
    toggle = phone.locator(".filters__toggle")
    expect(toggle).to_have_text("Filtrer (2 actifs)")
    toggle.click()
    expect(phone.locator("#filtres-panneau")).to_have_attribute("open", "")
    expect(phone.get_by_label("Clauses sociales — 1 pratique")).to_be_checked()


def test_on_a_phone_the_compare_box_is_as_easy_to_tap_as_the_filters(phone, site):
    # The « Comparer » box was the browser's default 13 px square, smaller than the
    # filters' boxes; with its label, the target now reaches 24 px high (WCAG 2.5.8).
    phone.goto(site + "/pratiques/")
    box = phone.locator(".card__compare input").first.bounding_box()
    assert box["width"] >= 18 and box["height"] >= 18, box
    label = phone.locator(".card__compare label").first.bounding_box()
    assert label["height"] >= 24, label
    phone.locator(".card__compare label").first.tap()
    expect(phone.locator(".card__compare input").first).to_be_checked()


@pytest.mark.parametrize("width", [320, 390])
def test_nothing_overflows_sideways_on_a_small_phone(browser, site, width):
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 700})
    try:
        page = context.new_page()
        page.goto(site + "/pratiques/?levier=clauses-sociales&departement=35&departement=976")
        page.locator(".filters__toggle").click()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


def test_the_first_result_is_reached_in_at_most_40_tabs(page, site):
    page.goto(site + "/pratiques/?levier=clauses-sociales")
    expect(page.locator("#filtres-panneau")).to_have_attribute("open", "")  # the sidebar
    first = page.locator(".card a").first.get_attribute("href")
    for _ in range(MAX_TABS_TO_FIRST_RESULT):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == first:
            break
    else:
        pytest.fail(f"the first result was not reached in {MAX_TABS_TO_FIRST_RESULT} Tabs")


def test_the_skip_link_goes_straight_to_the_results(page, site):
    page.goto(site + "/pratiques/?levier=clauses-sociales")
    page.get_by_label("Rechercher une pratique").focus()
    for _ in range(3):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Aller aux résultats":
            break
    else:
        pytest.fail("no « Aller aux résultats » link after the search bar")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "resultats"
    page.keyboard.press("Tab")  # the sort select, then its button, the chip, the first result
    assert page.evaluate("document.activeElement.id") == "id_tri"


def test_after_filtering_the_results_heading_has_the_focus(page, site):
    page.goto(site + "/pratiques/")
    page.get_by_label("Commerce équitable — 1 pratique").check()
    page.get_by_role("button", name="Appliquer les filtres").click()
    expect(page).to_have_url(re.compile("levier=commerce-equitable"))
    expect(page.locator("#resultats")).to_be_focused()
    expect(page.locator("#resultats")).to_have_text("1 pratique")
    expect(page).to_have_title("1 pratique – Commerce équitable – Commande publique responsable")
    # A plain visit (a shared link, a reload) leaves the focus alone.
    page.reload()
    expect(page.locator("#resultats")).not_to_be_focused()


def test_the_submitted_form_leaves_no_empty_parameters(page, site):
    page.goto(site + "/pratiques/")
    page.get_by_label("Département", exact=True).select_option("35")
    page.get_by_role("button", name="Appliquer les filtres").click()
    expect(page).to_have_url(re.compile(r"/pratiques/\?departement=35$"))

    page.get_by_label("Rechercher une pratique").fill("commerce")
    page.get_by_role("button", name="Rechercher").click()
    expect(page).to_have_url(re.compile(r"q=commerce"))
    params = parse_qsl(urlsplit(page.url).query, keep_blank_values=True)
    assert sorted(params) == [("departement", "35"), ("q", "commerce")]

    page.get_by_label("Trier par").select_option("titre")
    page.get_by_role("button", name="Trier").click()
    expect(page).to_have_url(re.compile(r"tri=titre"))
    params = parse_qsl(urlsplit(page.url).query, keep_blank_values=True)
    assert all(value for _, value in params), params
    canonical = page.locator("link[rel=canonical]").get_attribute("href")
    assert "=&" not in canonical + "&" and "annee" not in canonical
