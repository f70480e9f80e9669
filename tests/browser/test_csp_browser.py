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


def test_public_pages_run_under_the_policy_without_violations(page, live_server, content):
    violations = watch_violations(page)
    practice = Practice.objects.published().first()
    for path in ["/", "/pratiques/", practice.get_absolute_url(), "/leviers/", "/proposer/"]:
        response = page.goto(live_server.url + path)
        assert "default-src 'self'" in response.headers["content-security-policy"]
    assert violations == []


def test_the_admin_works_under_the_policy(page, live_server, content):
    get_user_model().objects.create_superuser("editrice", "e@example.org", PASSWORD)
    violations = watch_violations(page)
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill("editrice")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(live_server.url + "/admin/")
    page.goto(live_server.url + "/admin/practices/practice/add/")
    # Admin scripts (e.g. the slug prepopulated from the title) still run.
    page.locator("#id_title").fill("Une pratique écrite sous CSP")
    page.locator("#id_title").blur()
    assert page.locator("#id_slug").input_value() != ""
    assert [v for v in violations if "script" in v.lower()] == []
