"""In Chromium: an Éditeur's change to a published practice waits for review; the
Responsable finds it on the admin home, reads the differences and approves. The new
admin pages are axe-clean at 1280 px and trigger no CSP report."""

import re
from decimal import Decimal

import pytest

from practices.models import Practice
from tests.browser.test_csp_browser import watch_violations
from tests.browser.test_editor_flow import PASSWORD, http_cookies, log_in  # noqa: F401
from tests.factories import make_lever, make_practice, make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def new_page(browser):
    page = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    return page


def no_horizontal_scroll(page):
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_review_flow_in_the_browser(browser, live_server, http_cookies, axe_violations):  # noqa: F811
    lever = make_lever(name="Clauses sociales")
    practice = make_practice(
        levers=[lever],
        title="Titre publié",
        slug="titre-publie",
        figures=[("heures d'insertion", Decimal("913"))],
    )
    make_staff("Éditeurs", username="editrice", password=PASSWORD)
    make_staff("Responsables éditoriaux", username="responsable", password=PASSWORD)
    base = live_server.url
    change = f"/admin/practices/practice/{practice.pk}/change/"

    # The Éditeur, in a browser whose locale is not French, edits the published practice.
    editor = new_page(browser)
    csp = watch_violations(editor)
    log_in(editor, base, "editrice", change)
    # The form fits the screen. (Its own axe findings — select2 and inline rows, Django's
    # markup — are issue 20's, which audits the existing admin pages.)
    assert no_horizontal_scroll(editor)
    editor.locator("#id_title").fill("Titre proposé")
    figure = editor.locator("#id_key_figures-0-value")
    assert figure.get_attribute("inputmode") == "decimal"
    figure.fill("350 000,50")
    editor.locator("input[name=_save]").first.click()
    editor.wait_for_url(re.compile(r"/admin/practices/practice/$"))
    assert "sont en relecture" in editor.content()

    # Visitors still see the published version.
    visitor = new_page(browser)
    visitor.goto(f"{base}{practice.get_absolute_url()}")
    assert "Titre publié" in visitor.content()
    assert "Titre proposé" not in visitor.content()

    # The Responsable finds it on the admin home and reads the differences.
    publisher = new_page(browser)
    csp += watch_violations(publisher)
    log_in(publisher, base, "responsable", "/admin/")
    assert axe_violations(publisher) == []
    publisher.get_by_role("link", name=re.compile("Révisions de pratiques publiées")).click()
    publisher.get_by_role("link", name="Voir les différences").click()
    publisher.wait_for_url(re.compile(r"/relecture/$"))
    text = publisher.locator("#content").inner_text()
    assert "Titre publié" in text and "Titre proposé" in text
    assert "350\u202f000,50" in text
    assert no_horizontal_scroll(publisher)
    assert axe_violations(publisher) == []
    publisher.get_by_role("button", name="Approuver et publier").click()
    publisher.wait_for_url(f"{base}{change}")

    visitor.goto(f"{base}{practice.get_absolute_url()}")
    assert "Titre proposé" in visitor.content()
    assert "350\u202f000,50" in visitor.content()
    practice.refresh_from_db()
    assert practice.key_figures.get().value == Decimal("350000.50")
    assert practice.status == Practice.Status.PUBLISHED

    publisher.goto(f"{base}/admin/practices/practice/{practice.pk}/history/")
    assert "Approuvée et publiée" in publisher.content()
    assert axe_violations(publisher) == []
    assert csp == []


def test_markdown_preview_in_the_browser(browser, live_server, http_cookies):  # noqa: F811
    make_staff("Éditeurs", username="editrice", password=PASSWORD)
    page = new_page(browser)
    csp = watch_violations(page)
    log_in(page, live_server.url, "editrice", "/admin/practices/practice/add/")
    page.locator("#id_body").fill("## Résultats\n\n**913** salariés <script>alert(1)</script>")
    # One button per Markdown field (the lessons have theirs), each named after its field.
    assert page.get_by_role("button", name=re.compile("^Prévisualiser")).count() == 4
    page.get_by_role("button", name="Prévisualiser : Description détaillée").click()
    preview = page.get_by_role("region", name="Aperçu : Description détaillée")
    preview.locator("strong").wait_for()
    assert preview.locator("strong").inner_text() == "913"
    assert preview.locator("h2").inner_text() == "Résultats"
    assert preview.locator("script").count() == 0
    assert csp == []


def test_admin_pages_report_nothing_to_the_csp_and_the_list_fits(
    browser,
    live_server,
    http_cookies,  # noqa: F811
):
    lever = make_lever(name="Clauses sociales d'insertion et de promotion de l'emploi")
    long_title = (
        "Un marché réservé aux structures d'insertion par l'activité économique pour "
        "l'entretien des espaces verts de tous les collèges du département"
    )
    practice = make_practice(levers=[lever], title=long_title, figures=[("emplois", 12)])
    for n in range(5):
        make_practice(levers=[lever], title=f"{long_title} n°{n}")
    make_staff("Responsables éditoriaux", username="responsable", password=PASSWORD)
    page = new_page(browser)
    csp = watch_violations(page)
    base = "/admin/practices/practice/"
    log_in(page, live_server.url, "responsable", base)
    assert no_horizontal_scroll(page)
    assert page.locator(f'.field-short_title span[title="{long_title}"]').count() == 1
    record = practice.history.first().history_id
    for path in [
        f"{base}add/",
        f"{base}{practice.pk}/change/",
        f"{base}{practice.pk}/history/",
        f"{base}{practice.pk}/history/{record}/",
        f"{base}{practice.pk}/delete/",
        f"{base}{practice.pk}/relecture/",
        f"{base}import/",
        f"{base}export/",
        "/admin/",
    ]:
        page.goto(live_server.url + path)
        if path.endswith(("/add/", "/change/")):
            assert no_horizontal_scroll(page), path
    assert csp == []
