"""In Chromium: an editor writes a draft in the admin, a publisher publishes it, visitors see it."""

import re

import pytest

from practices.models import Practice
from tests.factories import make_lever, make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "mot-de-passe-solide-42"
TITLE = "Des clauses sociales dans les marchés de voirie"


@pytest.fixture
def http_cookies(settings):
    # live_server speaks plain HTTP; production cookies are Secure.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


def log_in(page, base_url, username, next_path):
    page.goto(f"{base_url}/admin/login/?next={next_path}")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(f"{base_url}{next_path}")


def choose_in_autocomplete(page, field_id, search, option):
    """Pick a value in one of the admin's autocomplete (select2) fields."""
    page.locator(f"#{field_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).first.click()


def test_editor_drafts_publisher_publishes_visitor_finds_it(browser, live_server, http_cookies):
    clauses = make_lever(name="Clauses sociales d'insertion", slug="clauses-sociales")
    reserved = make_lever(name="Marchés réservés", slug="marches-reserves")
    make_staff("Éditeurs", username="editrice", password=PASSWORD)
    make_staff("Responsables éditoriaux", username="responsable", password=PASSWORD)
    base = live_server.url

    # The editor writes the practice and saves it as a draft.
    editor = browser.new_context(locale="fr-FR").new_page()
    editor.set_default_timeout(15_000)
    log_in(editor, base, "editrice", "/admin/practices/practice/add/")
    editor.locator("#id_title").fill(TITLE)
    editor.locator("#id_summary").fill("Le Département réserve des heures d'insertion.")
    editor.locator("#id_authority_name").fill("Département de la Meurthe-et-Moselle")
    editor.locator("#id_start_year").fill("2019")
    choose_in_autocomplete(editor, "id_department", "Meurthe", "Meurthe-et-Moselle (54)")
    choose_in_autocomplete(editor, "id_levers", "Clauses", clauses.name)
    choose_in_autocomplete(editor, "id_levers", "réservés", reserved.name)
    assert editor.locator("#id_status").input_value() == Practice.Status.DRAFT
    editor.locator("input[name=_save]").first.click()
    editor.wait_for_url(re.compile(r"/admin/practices/practice/$"))

    practice = Practice.objects.get(title=TITLE)
    assert practice.status == Practice.Status.DRAFT
    assert practice.department_id == "54"
    assert set(practice.levers.all()) == {clauses, reserved}
    assert practice.slug  # filled in by the admin's prepopulated field

    # A visitor does not see the draft.
    visitor = browser.new_context(locale="fr-FR").new_page()
    response = visitor.goto(f"{base}/pratiques/{practice.slug}/")
    assert response.status == 404
    visitor.goto(f"{base}/pratiques/?levier={clauses.slug}")
    assert TITLE not in visitor.content()

    # The publisher publishes it from the list.
    publisher = browser.new_context(locale="fr-FR").new_page()
    publisher.set_default_timeout(15_000)
    log_in(publisher, base, "responsable", "/admin/practices/practice/")
    publisher.locator(f"input[name=_selected_action][value='{practice.pk}']").check()
    publisher.locator("select[name=action]").select_option("publish_selected")
    publisher.locator("button[name=index]").click()
    publisher.get_by_text("1 pratique(s) publiée(s).").wait_for()

    practice.refresh_from_db()
    assert practice.status == Practice.Status.PUBLISHED
    assert practice.published_at is not None

    # Visitors now find it in the list filtered by one of its levers.
    visitor.goto(f"{base}/pratiques/?levier={clauses.slug}")
    assert TITLE in visitor.content()
    visitor.goto(f"{base}/pratiques/?levier={reserved.slug}")
    assert TITLE in visitor.content()
