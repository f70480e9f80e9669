"""In Chromium: an admin form with unsaved changes asks before it is left (a link, the
tab closed, « Retour »); saving, or leaving an untouched form, never asks."""

import re

import pytest

from tests.browser.test_editor_flow import PASSWORD, http_cookies, log_in  # noqa: F401
from tests.factories import make_lever, make_practice, make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def editor_page(browser, live_server, http_cookies):  # noqa: F811
    practice = make_practice(levers=[make_lever(name="Clauses sociales")], title="Titre publié")
    make_staff("Responsables éditoriaux", username="responsable", password=PASSWORD)
    page = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    path = f"/admin/practices/practice/{practice.pk}/change/"
    log_in(page, live_server.url, "responsable", path)
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    yield page, asked
    page.context.close()


def test_leaving_a_form_with_typed_text_asks_first(editor_page):
    page, asked = editor_page
    page.locator("#id_summary").click()
    page.keyboard.type(" Une phrase pas encore enregistrée.")
    page.get_by_role("link", name="Historique").click()
    page.wait_for_url(re.compile(r"/history/$"))
    assert asked == ["beforeunload"]


def test_leaving_an_untouched_form_or_saving_does_not_ask(editor_page):
    page, asked = editor_page
    page.get_by_role("link", name="Historique").click()
    page.wait_for_url(re.compile(r"/history/$"))
    page.go_back()
    page.locator("#id_title").click()
    page.keyboard.type(" modifié")
    page.locator("input[name=_continue]").first.click()
    page.locator(".messagelist .success").wait_for()
    page.get_by_role("link", name="Historique").click()
    page.wait_for_url(re.compile(r"/history/$"))
    assert asked == []


def test_a_form_sent_back_with_an_error_asks_too(editor_page):
    page, asked = editor_page
    page.locator("#id_title").fill("")
    page.locator("input[name=_continue]").first.click()
    page.locator(".errornote").wait_for()
    # Nothing typed since: what the form holds is still saved nowhere.
    page.get_by_role("link", name="Historique").click()
    page.wait_for_url(re.compile(r"/history/$"))
    assert asked == ["beforeunload"]
