"""In Chromium with axe-core: the editors' admin meets RGAA (WCAG 2.1 A/AA) for each role."""

import pytest

from practices.models import Practice
from tests.factories import make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "mot-de-passe-solide-42"
WIDTHS = (1280, 768)


@pytest.fixture
def http_cookies(settings):
    # live_server speaks plain HTTP; production cookies are Secure.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


def admin_pages(practice):
    """The admin pages editors use, by path."""
    pk = practice.pk
    history = practice.history.order_by("history_id").first()
    pages = [
        "/admin/",
        "/admin/practices/practice/",
        "/admin/practices/practice/add/",
        f"/admin/practices/practice/{pk}/change/",
        f"/admin/practices/practice/{pk}/history/",
        f"/admin/practices/practice/{pk}/history/{history.history_id}/",
        "/admin/practices/practice/import/",
        "/admin/practices/practice/export/",
        "/admin/practices/keyfigure/",
        "/admin/practices/contribution/",
        "/admin/practices/sector/",
        "/admin/practices/partner/",
        "/admin/practices/department/",
        "/admin/practices/region/",
        "/admin/levers/lever/",
        "/admin/levers/lever/add/",
        "/admin/levers/legalbasis/",
        "/admin/levers/kit/",
        "/admin/levers/fiche/",
        "/admin/levers/fiche/add/",
        "/admin/levers/resource/",
    ]
    return pages


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


@pytest.mark.parametrize("group", ["Responsables éditoriaux", "Éditeurs"])
def test_admin_pages_have_no_axe_violation(
    browser, live_server, content, http_cookies, axe_violations, group
):
    make_staff(group, username="personne", password=PASSWORD)
    practice = Practice.objects.published().order_by("pk").first()
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server.url, "personne")
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path in admin_pages(practice):
            response = page.goto(live_server.url + path)
            if response.status == 403:
                continue
            assert response.status == 200, path
            violations = axe_violations(page)
            if violations:
                found[f"{width} {path}"] = violations
            if width == 1280:
                overflow = horizontal_overflow(page)
                if overflow > 0:
                    found[f"{width} {path} overflow"] = overflow
    context.close()
    import json, os
    if os.environ.get('AXE_DUMP'):
        open(os.environ['AXE_DUMP'],'w').write(json.dumps(found, indent=1, ensure_ascii=False))
    assert found == {}
