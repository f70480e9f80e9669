"""Production hardening: security headers, deployment checks, brute-force protection."""

import secrets
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from procurement_portal.security import client_ip

ROOT = Path(__file__).resolve().parent.parent

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
PAGES = ["/", "/admin/login/"]


def csp_directives(response):
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value.strip()
    return directives


@pytest.mark.parametrize("url", PAGES)
def test_pages_carry_a_strict_content_security_policy(client, content, url):
    response = client.get(url, secure=True)
    assert csp_directives(response) == EXPECTED_CSP
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_carry_hsts_nosniff_referrer_opener_and_frame_headers(client, content, url):
    response = client.get(url, secure=True)
    # No preload by default: leaving browsers' preload lists takes months.
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_plain_http_is_redirected_to_https_in_production(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/admin/login/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_forwarded_proto_is_ignored_unless_a_proxy_is_configured(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/admin/login/", headers={"x-forwarded-proto": "https"})
    assert response.status_code == 301

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/admin/login/", headers={"x-forwarded-proto": "https"})
    assert response.status_code == 200


def production_env(**extra):
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "portail.example.org",
        **extra,
    }


@pytest.fixture
def run_deploy_check(run_portal):
    return lambda env: run_portal(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING", **env
    )


@pytest.mark.parametrize("preload", ["0", "1"])
def test_deployment_checklist_is_clean_with_production_settings(preload, run_deploy_check):
    result = run_deploy_check(production_env(DJANGO_SECURE_HSTS_PRELOAD=preload))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_hsts_preload_is_off_unless_switched_on_from_the_environment(run_portal):
    code = "import procurement_portal.settings as s; print(s.SECURE_HSTS_PRELOAD)"

    def preload(env):
        result = run_portal("-c", code, **env)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert preload(production_env()) == "False"
    assert preload(production_env(DJANGO_SECURE_HSTS_PRELOAD="1")) == "True"


def test_deployment_checklist_warns_when_https_is_switched_off(run_deploy_check):
    result = run_deploy_check(production_env(DJANGO_SECURE_SSL_REDIRECT="0"))
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_SECURE_HSTS_SECONDS": "un an"}, "DJANGO_SECURE_HSTS_SECONDS"),
        ({"DJANGO_AXES_FAILURE_LIMIT": "0"}, "DJANGO_AXES_FAILURE_LIMIT"),
        ({"DJANGO_AXES_COOLOFF_MINUTES": "bientôt"}, "DJANGO_AXES_COOLOFF_MINUTES"),
        ({"DJANGO_TRUSTED_PROXY_COUNT": "-1"}, "DJANGO_TRUSTED_PROXY_COUNT"),
        ({"DJANGO_SECURE_PROXY_SSL_HEADER": "peut-être"}, "DJANGO_SECURE_PROXY_SSL_HEADER"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
    ],
)
def test_bad_security_values_stop_start_up_naming_the_variable(env, message, run_deploy_check):
    result = run_deploy_check(production_env(**env))
    assert result.returncode != 0
    assert message in result.stderr


# Brute-force protection -----------------------------------------------------


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user(
        "editrice", password="Balade-vers-la-rade-42", is_staff=True
    )


def failed_login(client, **headers):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "editrice", "password": "mauvais-mot-de-passe"},
        headers=headers,
    )


def test_admin_login_is_locked_after_repeated_failures_with_a_french_page(client, editor, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert failed_login(client).status_code == 200
    response = failed_login(client)
    assert response.status_code == 429
    text = response.content.decode()
    assert '<html lang="fr">' in text
    assert "Connexion temporairement bloquée" in text
    assert "Réessayez dans 30&nbsp;minutes" in text
    assert response["Retry-After"] == "1800"
    assert 'rel="stylesheet"' in text  # the site's page, header and footer
    assert 'href="/"' in text

    # Even the right password is refused during the cool-off.
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "editrice", "password": "Balade-vers-la-rade-42"},
    )
    assert response.status_code == 429


def test_lockout_page_counts_a_single_minute_in_the_singular(client, editor, settings):
    settings.AXES_FAILURE_LIMIT = 1
    settings.AXES_COOLOFF_TIME = timedelta(minutes=1)
    response = failed_login(client)
    assert response.status_code == 429
    assert "Réessayez dans 1&nbsp;minute :" in response.content.decode()
    assert response["Retry-After"] == "60"


def test_a_successful_login_is_not_locked(client, editor, settings):
    settings.AXES_FAILURE_LIMIT = 3
    failed_login(client)
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "editrice", "password": "Balade-vers-la-rade-42"},
    )
    assert response.status_code == 302


def test_behind_a_proxy_each_client_is_locked_out_separately(client, editor, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = {"x-forwarded-for": "203.0.113.7"}
    for _ in range(2):
        failed_login(client, **attacker)
    assert failed_login(client, **attacker).status_code == 429
    # Another visitor behind the same proxy (same REMOTE_ADDR) can still log in.
    assert failed_login(client, **{"x-forwarded-for": "198.51.100.9"}).status_code == 200


def test_without_a_proxy_a_forged_forwarded_header_does_not_escape_the_lockout(
    client, editor, settings
):
    settings.AXES_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(2):
        failed_login(client, **{"x-forwarded-for": f"203.0.113.{n}"})
    assert failed_login(client, **{"x-forwarded-for": "203.0.113.99"}).status_code == 429


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "10.0.0.2"),
        (1, "203.0.113.7", "203.0.113.7"),
        # The client wrote the left-most entry itself: only the proxy's is trusted.
        (1, "1.2.3.4, 203.0.113.7", "203.0.113.7"),
        (2, "1.2.3.4, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        # Fewer entries than proxies, or garbage: the socket address.
        (2, "203.0.113.7", "10.0.0.2"),
        (1, "pas-une-adresse", "10.0.0.2"),
        (1, "", "10.0.0.2"),
        (1, "2001:db8::1", "2001:db8::1"),
        # Load balancers that append the client's port.
        (1, "203.0.113.7:51234", "203.0.113.7"),
        (1, "[2001:db8::1]:51234", "2001:db8::1"),
        (1, "203.0.113.7:port", "10.0.0.2"),
    ],
)
def test_client_address_is_taken_from_trusted_proxies_only(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


# Passwords -----------------------------------------------------------------


@pytest.mark.parametrize("password", ["court-42", "password1234", "qwertyuiop123", "1234567890123"])
def test_short_common_or_numeric_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_uncommon_password_is_accepted():
    validate_password("Balade-vers-la-rade-42")


def test_public_pages_carry_nothing_the_strict_csp_refuses(client, content, settings):
    """Every public HTML page (those of the map, statistics, comparison, alerts, forms and
    legal pages included): no style attribute, no on… handler, no inline script."""
    from practices.models import Practice
    from tests.conftest import inline_code
    from tests.test_personal_data import public_outputs

    settings.PORTAL_EDITORS_EMAILS = ["redaction@portail.example"]
    practices = list(Practice.objects.published()[:2])
    found = {}
    for url in public_outputs(*practices):
        response = client.get(url)
        assert response.status_code == 200, url
        if response["Content-Type"].startswith("text/html"):
            found.update(inline_code(url, response.content.decode()))
    assert found == {}
