"""The proposal form's settings: mail backend, editors' addresses, limits, read at start-up."""

import pytest

SETTINGS_LINE = (
    "import procurement_portal.settings as s;"
    "print(s.EMAIL_BACKEND, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL,"
    " ','.join(s.PORTAL_EDITORS_EMAILS), s.PORTAL_PROPOSALS_PER_HOUR,"
    " s.PORTAL_CONTRIBUTION_RETENTION_MONTHS)"
)


@pytest.fixture
def settings_result(run_portal):
    return lambda **env: run_portal("-c", SETTINGS_LINE, **{"DJANGO_SECRET_KEY": "x" * 50, **env})


def test_email_is_smtp_in_production_and_console_in_development(settings_result):
    production = settings_result(
        DJANGO_EMAIL_PORT="587",
        DJANGO_EMAIL_USE_TLS="1",
        DJANGO_DEFAULT_FROM_EMAIL="portail@rtes.example",
        PORTAL_EDITORS_EMAILS="a@rtes.example, b@rtes.example",
    )
    assert production.returncode == 0, production.stderr
    assert production.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "587",
        "True",
        "portail@rtes.example",
        "a@rtes.example,b@rtes.example",
        "5",
        "24",
    ]
    development = settings_result(DJANGO_DEBUG="1")
    assert development.stdout.startswith("django.core.mail.backends.console.EmailBackend")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORTAL_EDITORS_EMAILS", "a@rtes.example, pas-une-adresse"),
        ("DJANGO_DEFAULT_FROM_EMAIL", "portail"),
        ("DJANGO_EMAIL_PORT", "smtp"),
        ("DJANGO_EMAIL_PORT", "70000"),
        ("DJANGO_EMAIL_USE_TLS", "peut-être"),
        ("PORTAL_PROPOSALS_PER_HOUR", "0"),
        ("PORTAL_CONTRIBUTION_RETENTION_MONTHS", "deux ans"),
    ],
)
def test_bad_contribution_settings_stop_the_start_up(name, value, settings_result):
    result = settings_result(**{name: value})

    assert result.returncode != 0
    assert name in result.stderr
