"""In Chromium with axe-core: the editors' admin meets RGAA (WCAG 2.1 A/AA), for each role,
at 1280 and 768 px, and can be used with the keyboard alone."""

import pytest
from playwright.sync_api import expect

from practices import revisions
from practices.models import Practice
from tests.factories import make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "mot-de-passe-solide-42"
WIDTHS = (1280, 768)
EDITORS = "Éditeurs"
PUBLISHERS = "Responsables éditoriaux"
IMPORT_CSV = (
    "slug,title,summary,type_collectivite,authority_name,departement,leviers,start_year,statut\n"
    "import-clavier,Une pratique importée,Un résumé.,departement,Département,35,"
    "commerce-equitable,2021,draft\n"
)


@pytest.fixture
def http_cookies(settings):
    # live_server speaks plain HTTP; production cookies are Secure.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


def admin_pages(practice):
    """Every admin page the editors use, by path (a 403 for a role is skipped)."""
    pk = practice.pk
    version = practice.history.order_by("history_id").first().history_id
    lever = practice.levers.first()
    figure = practice.key_figures.first()
    return [
        "/admin/",
        f"/admin/practices/practice/{pk}/relecture/",  # the pending revision's diff
        "/admin/practices/practice/",
        "/admin/practices/practice/?corbeille=oui",
        "/admin/practices/practice/add/",
        f"/admin/practices/practice/{pk}/change/",
        f"/admin/practices/practice/{pk}/history/",
        f"/admin/practices/practice/{pk}/history/{version}/",
        f"/admin/practices/practice/{pk}/delete/",
        "/admin/practices/practice/import/",
        "/admin/practices/practice/export/",
        "/admin/practices/keyfigure/",
        f"/admin/practices/keyfigure/{figure.pk}/change/",
        "/admin/practices/contribution/",
        "/admin/practices/recognition/",
        "/admin/practices/sector/",
        "/admin/practices/partner/",
        "/admin/practices/department/",
        "/admin/practices/department/35/change/",
        "/admin/practices/region/",
        "/admin/levers/lever/",
        "/admin/levers/lever/add/",
        f"/admin/levers/lever/{lever.pk}/change/",
        f"/admin/levers/lever/{lever.pk}/history/",
        "/admin/levers/legalbasis/",
        "/admin/levers/kit/",
        "/admin/levers/fiche/",
        "/admin/levers/fiche/add/",
        "/admin/levers/resource/",
        "/admin/password_change/",
    ]


def log_in(page, base_url, username):
    page.goto(f"{base_url}/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(f"{base_url}/admin/")


def horizontal_overflow(page):
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def check(page, axe_violations, found, label, width):
    violations = axe_violations(page)
    if violations:
        found[f"{width} {label}"] = violations
    if width == 1280 and horizontal_overflow(page) > 0:
        found[f"{width} {label}: horizontal scroll"] = horizontal_overflow(page)


@pytest.mark.parametrize("group", [PUBLISHERS, EDITORS])
def test_admin_pages_have_no_axe_violation_at_both_widths(
    browser, live_server, content, http_cookies, axe_violations, group
):
    author = make_staff(EDITORS, username="autrice", password=PASSWORD)
    make_staff(group, username="personne", password=PASSWORD)
    practice = Practice.objects.published().get(slug__contains="ille-et-vilaine")
    # A change waiting for review: the queue on the admin home and its diff page.
    edited = Practice.objects.get(pk=practice.pk)
    edited.summary += " Une phrase ajoutée par l'autrice."
    assert revisions.submit(practice, revisions.snapshot_with(edited), author) is not None
    # Edited directly since as well: the diff page asks which edits the revision replaces.
    Practice.objects.filter(pk=practice.pk).update(summary=f"{practice.summary} Corrigé.")
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server.url, "personne")
    found = {}
    checked = 0
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path in admin_pages(practice):
            response = page.goto(live_server.url + path)
            if response.status == 403:
                continue
            assert response.status == 200, path
            if path.endswith("/relecture/") and group == PUBLISHERS:
                # The question about the direct edit is part of what axe checks.
                assert page.locator("input[name=replace]").count() == 1
            check(page, axe_violations, found, path, width)
            checked += 1

        # The import's preview and its result, which only a file upload reaches.
        page.goto(live_server.url + "/admin/practices/practice/import/")
        page.locator("input[type=file]").set_input_files(
            files=[{"name": "pratiques.csv", "mimeType": "text/csv", "buffer": IMPORT_CSV.encode()}]
        )
        page.locator("select#id_format").select_option(label="csv")
        page.locator("#content form input[type=submit]").click()
        page.get_by_role("button", name="Confirmer l’importation").wait_for()
        check(page, axe_violations, found, "import preview", width)
        page.get_by_role("button", name="Confirmer l’importation").click()
        page.locator(".messagelist").wait_for()
        check(page, axe_violations, found, "import result", width)
        Practice.objects.filter(slug="import-clavier").delete()

        # A form sent back with errors.
        page.goto(live_server.url + "/admin/practices/practice/add/")
        page.locator("#id_title").fill("Sans le reste")
        page.locator("input[name=_save]").first.click()
        page.locator(".errornote").wait_for()
        check(page, axe_violations, found, "add form with errors", width)
        checked += 3
    context.close()
    assert checked > 40
    assert found == {}


def test_a_form_with_errors_lists_them_as_links_and_takes_the_focus(
    browser, live_server, content, http_cookies
):
    make_staff(EDITORS, username="personne", password=PASSWORD)
    page = browser.new_context(locale="fr-FR").new_page()
    log_in(page, live_server.url, "personne")
    page.goto(live_server.url + "/admin/practices/practice/add/")
    page.locator("#id_title").fill("Sans le reste")
    page.locator("input[name=_save]").first.click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    page.wait_for_function("document.activeElement.classList.contains('errornote')")
    links = summary.get_by_role("link")
    assert "Résumé : Ce champ est obligatoire." in links.all_inner_texts()
    summary.get_by_role("link", name="Résumé", exact=False).click()
    assert page.evaluate("document.activeElement.id") == "id_summary"
    # Each message is tied to its field for screen readers (Django's aria-describedby).
    described_by = page.locator("#id_summary").get_attribute("aria-describedby")
    assert "id_summary_error" in described_by.split()


def test_the_lockout_page_has_no_axe_violation(
    browser, live_server, db, http_cookies, axe_violations, settings
):
    make_staff(EDITORS, username="personne", password=PASSWORD)
    page = browser.new_context(locale="fr-FR").new_page()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto(live_server.url + "/admin/login/")
        page.get_by_label("Nom d’utilisateur").fill("personne")
        page.get_by_label("Mot de passe").fill("pas-le-bon-mot-de-passe")
        page.get_by_role("button", name="Connexion").click()
    page.get_by_role("heading", level=1).wait_for()
    assert "bloqu" in page.content().lower()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert axe_violations(page) == []


def test_the_session_ended_page_gives_the_text_back_without_axe_violation(
    browser, live_server, db, http_cookies, axe_violations
):
    practice = Practice.objects.create(
        title="Cantines bio", slug="cantines-bio", summary="Un résumé.", authority_name="CD",
        department_id="35", start_year=2020,
    )  # fmt: skip
    make_staff(EDITORS, username="editrice", password=PASSWORD)
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    log_in(page, live_server.url, "editrice")
    page.goto(f"{live_server.url}/admin/practices/practice/{practice.pk}/change/")
    page.locator("#id_body").fill("Une heure de travail")
    context.clear_cookies(name="sessionid")  # the session ends (expired, logged out)
    page.locator("input[name=_continue]").first.click()
    expect(page.get_by_label("Description détaillée")).to_have_value("Une heure de travail")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert axe_violations(page) == []


# The keyboard journey --------------------------------------------------------

FOCUS_IS_VISIBLE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return false;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
    return outline || style.boxShadow !== 'none';
}"""


def tab_to(page, selector, backwards=False, limit=250):
    """Press Tab (or Shift+Tab) until `selector` has the focus, checking at each stop that
    the focus is visible (RGAA 10.7)."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if page.evaluate("(sel) => document.activeElement.matches(sel)", selector):
            return
        page.keyboard.press(key)
        if page.evaluate("document.activeElement === document.body"):
            continue  # past the last control, as in a browser's own toolbar
        assert page.evaluate(FOCUS_IS_VISIBLE), page.evaluate("document.activeElement.outerHTML")
    raise AssertionError(f"{selector} not reached with {key}")


def pick_in_autocomplete(page, search, option):
    # A single choice's search box opens and takes the focus a moment after Enter: keys typed
    # before that are lost (« lle » instead of « Ille » lists Charente first, through its region).
    page.wait_for_function(
        "document.activeElement && document.activeElement.matches('.select2-search__field')"
    )
    page.keyboard.type(search)
    # The results of the first keystrokes can land after those of the whole word: wait until the
    # highlighted choice is the one wanted, as a person reads it before pressing Enter.
    # expect()'s own 5 s default is short for a loaded CI machine: the page's timeout applies.
    highlighted = page.locator(".select2-results__option--highlighted")
    expect(highlighted).to_have_text(option, timeout=15_000)
    page.keyboard.press("Enter")


def test_an_editor_creates_a_practice_for_review_with_the_keyboard_alone(
    browser, live_server, content, http_cookies
):
    make_staff(EDITORS, username="personne", password=PASSWORD)
    page = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    base = live_server.url

    page.goto(f"{base}/admin/login/")
    tab_to(page, "#id_username")
    page.keyboard.type("personne")
    tab_to(page, "#id_password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/admin/")

    tab_to(page, 'a[href="/admin/practices/practice/add/"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/admin/practices/practice/add/")
    page.locator("#id_levers + .select2").wait_for()

    tab_to(page, "#id_title")
    page.keyboard.type("Des clauses sociales saisies au clavier")
    tab_to(page, "#id_summary")
    page.keyboard.type("Une pratique créée sans souris.")
    tab_to(page, "#id_authority_name")
    page.keyboard.type("Département d'Ille-et-Vilaine")
    tab_to(page, "#id_department + .select2 .select2-selection")
    page.keyboard.press("Enter")
    pick_in_autocomplete(page, "Ille", "Ille-et-Vilaine (35)")
    tab_to(page, "#id_levers + .select2 .select2-search__field")
    pick_in_autocomplete(page, "Clauses", "Clauses sociales")
    pick_in_autocomplete(page, "équitable", "Commerce équitable")
    tab_to(page, "#id_start_year")
    page.keyboard.type("2022")
    tab_to(page, "#id_status")
    page.keyboard.press("End")  # a closed <select> takes arrow keys: last choice, then up
    while page.locator("#id_status").input_value() != Practice.Status.REVIEW:
        page.keyboard.press("ArrowUp")

    tab_to(page, "#key_figures-group .add-row a")
    page.keyboard.press("Enter")
    tab_to(page, "#id_key_figures-0-label", backwards=True)
    page.keyboard.type("heures d'insertion")
    tab_to(page, "#id_key_figures-0-value")
    page.keyboard.type("12000")
    tab_to(page, "#id_key_figures-0-unit")
    page.keyboard.type("heures")

    tab_to(page, 'input[name="_save"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/admin/practices/practice/")

    practice = Practice.objects.get(title="Des clauses sociales saisies au clavier")
    assert practice.status == Practice.Status.REVIEW
    assert practice.department_id == "35"
    assert sorted(practice.levers.values_list("slug", flat=True)) == [
        "clauses-sociales",
        "commerce-equitable",
    ]
    assert [(f.label, f.value) for f in practice.key_figures.all()] == [
        ("heures d'insertion", 12000)
    ]

    tab_to(page, "#logout-form button")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Déconnecté").wait_for()
