"""In Chromium, the strict Content-Security-Policy blocks nothing the pages need."""

import pytest
from django.contrib.auth import get_user_model

from practices.models import Practice

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "Balade-vers-la-rade-42"


def watch_violations(page):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: violations.append(str(error)))
    return violations


def log_in_to_the_admin(page, live_server):
    get_user_model().objects.create_superuser("editrice", "e@example.org", PASSWORD)
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill("editrice")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(live_server.url + "/admin/")


def test_public_pages_run_under_the_policy_without_violations(page, live_server, content):
    violations = watch_violations(page)
    practice = Practice.objects.published().first()
    for path in ["/", "/pratiques/", practice.get_absolute_url(), "/leviers/", "/proposer/"]:
        response = page.goto(live_server.url + path)
        assert "default-src 'self'" in response.headers["content-security-policy"]
    assert violations == []


def test_the_admin_works_under_the_policy(page, live_server, content):
    violations = watch_violations(page)
    log_in_to_the_admin(page, live_server)
    page.goto(live_server.url + "/admin/practices/practice/add/")
    # Admin scripts (e.g. the slug prepopulated from the title) still run.
    page.locator("#id_title").fill("Une pratique écrite sous CSP")
    page.locator("#id_title").blur()
    assert page.locator("#id_slug").input_value() != ""
    assert [v for v in violations if "script" in v.lower()] == []


def test_admin_export_select_all_and_history_styles_work_under_the_policy(
    page, live_server, content
):
    # django-import-export wires « Select all » with an inline onchange, and both it
    # and django-simple-history write a few style attributes: the policy refuses them,
    # the portal's admin script and stylesheet do the same work.
    log_in_to_the_admin(page, live_server)

    page.goto(live_server.url + "/admin/practices/practice/export/")
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]')
    assert fields.count() > 3
    toggle = page.locator("input.select-toggle")
    toggle.uncheck()
    assert not any(fields.nth(i).is_checked() for i in range(fields.count()))
    toggle.check()
    assert all(fields.nth(i).is_checked() for i in range(fields.count()))
    label = page.locator('label[for="select-all-toggle"]')
    assert label.evaluate("e => getComputedStyle(e).fontWeight") == "700"

    practice = Practice.objects.first()
    page.goto(live_server.url + f"/admin/practices/practice/{practice.pk}/history/")
    paginator = page.locator("#change-history + .paginator")
    assert paginator.evaluate("e => getComputedStyle(e).borderTopStyle") == "none"
