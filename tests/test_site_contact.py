"""/contact/: saved, then mailed to the editors through a real SMTP server; abuse kept down."""

import pytest
from django.test import Client

from practices.site_contact import SiteMessage
from tests.conftest import retry_after
from tests.factories import make_lever, make_practice

URL = "/contact/"
DONE_URL = "/contact/merci/"


def data(**overrides):
    values = {
        "name": "Camille Martin",
        "email": "camille.martin@example.org",
        "subject": "Lien cassé",
        "message": "Le lien vers la fiche n°12 ne s'ouvre pas.\nMerci !",
        "site_web": "",
    }
    values.update(overrides)
    return values


@pytest.fixture
def editors(settings):
    settings.PORTAL_EDITORS_EMAILS = ["redaction@example.org"]
    settings.PORTAL_PRIVACY_EMAIL = "dpo@example.org"
    settings.DJANGO_SITE_URL = ""


def test_the_form_is_labelled_and_protected(client, db):
    html = client.get(URL).content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    for name, label in [("name", "Votre nom"), ("email", "Votre adresse électronique")]:
        assert f'for="id_{name}"' in html and label in html
    assert 'maxlength="5000"' in html and 'maxlength="150"' in html
    assert 'class="hp-field" aria-hidden="true"' in html
    assert 'autocomplete="email"' in html


def test_a_message_is_saved_then_mailed_to_the_editors_and_acknowledged(
    client, db, editors, smtp_server
):
    response = client.post(URL, data())
    assert response.status_code == 302
    assert response["Location"] == DONE_URL
    message = SiteMessage.objects.get()
    assert (message.name, message.email, message.subject) == (
        "Camille Martin",
        "camille.martin@example.org",
        "Lien cassé",
    )
    received = smtp_server.wait_for(2)
    assert len(received) == 2
    to_editors = next(m for m in received if m["to"] == ["redaction@example.org"])
    assert to_editors["message"]["Reply-To"] == "camille.martin@example.org"
    assert "Lien cassé" in to_editors["message"]["Subject"]
    editors_body = smtp_server.body(received.index(to_editors))
    assert "ne s'ouvre pas" in editors_body
    assert f"/admin/practices/sitemessage/{message.pk}/change/" in editors_body


def test_the_acknowledgement_echoes_nothing_the_visitor_typed(client, db, editors, smtp_server):
    client.post(
        URL,
        data(
            name="Gagnez un iPhone sur http://arnaque.example",
            subject="Cliquez http://arnaque.example",
            message="Rendez-vous sur http://arnaque.example",
            email="victime@example.org",
        ),
    )
    received = smtp_server.wait_for(2)
    index = next(i for i, m in enumerate(received) if m["to"] == ["victime@example.org"])
    acknowledgement = received[index]["message"]
    body = smtp_server.body(index)
    assert "arnaque" not in body and "iPhone" not in body
    assert "arnaque" not in acknowledgement["Subject"]
    assert "/donnees-personnelles/" in body
    assert acknowledgement["Reply-To"] == "dpo@example.org"


def test_a_failing_mail_server_loses_nothing(client, db, editors, smtp_server, caplog):
    smtp_server.stop()
    response = client.post(URL, data())
    assert response.status_code == 302
    assert SiteMessage.objects.count() == 1
    assert "it is saved" in caplog.text
    assert "camille.martin@example.org" not in caplog.text


def test_the_honeypot_drops_the_message_silently(client, db, editors, smtp_server):
    response = client.post(URL, data(site_web="http://spam.example"))
    assert response.status_code == 302
    assert not SiteMessage.objects.exists()
    assert smtp_server.messages == []


def test_the_form_requires_a_csrf_token(db):
    response = Client(enforce_csrf_checks=True).post(URL, data())
    assert response.status_code == 403
    assert not SiteMessage.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "Ce champ est obligatoire."),
        ({"email": "pas-une-adresse"}, "email", "Indiquez une adresse électronique valide"),
        ({"subject": "x" * 151}, "subject", "150 caractères au plus"),
        ({"message": "x" * 5001}, "message", "5\u202f000 caractères au plus"),
        ({"subject": "Deux\nlignes"}, "subject", "une seule ligne"),
        ({"message": "Nul\x00"}, "message", "caractères invisibles non autorisés"),
        ({"name": "Bip\x07"}, "name", "caractères invisibles non autorisés"),
    ],
)
def test_bad_input_gets_a_french_message_and_keeps_what_was_typed(
    client, db, overrides, field, message
):
    response = client.post(URL, data(**overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in " ".join(response.context["form"].errors[field])
    assert "Votre message n'a pas encore été envoyé" in html
    assert f'href="#id_{field}"' in html
    assert "Camille Martin" in html or field == "name"
    assert not SiteMessage.objects.exists()


def test_the_shared_rate_limiter_caps_messages_per_address(client, db, settings):
    settings.PORTAL_PROPOSALS_PER_HOUR = 2
    assert client.post(URL, data()).status_code == 302
    assert client.post(URL, data()).status_code == 302
    response = client.post(URL, data())
    assert response.status_code == 429
    assert retry_after(response)
    assert "Trop de demandes de contact envoyées" in response.content.decode()
    assert SiteMessage.objects.count() == 2
    assert client.post(URL, data(), REMOTE_ADDR="192.0.2.9").status_code == 302


def test_messages_to_a_practice_do_not_use_up_the_site_contact_budget(client, db, settings):
    # « A budget of its own »: writing to a référent does not stop a visitor from then
    # reporting a problem to the editors.
    settings.PORTAL_PROPOSALS_PER_HOUR = 1
    practice = make_practice(levers=[make_lever()], contact_email="referent@example.org")
    referent = {
        "sender_name": "Camille Martin",
        "sender_email": "camille.martin@example.org",
        "sender_organisation": "Ville",
        "message": "Bonjour",
    }
    assert client.post(f"/pratiques/{practice.slug}/contacter/", referent).status_code == 302
    assert client.post(URL, data()).status_code == 302
    assert SiteMessage.objects.count() == 1


def test_contact_page_query_budget(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(0):
        assert client.get(DONE_URL).status_code == 200


def test_old_messages_are_purged_with_the_contributions(db, settings):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    settings.PORTAL_CONTACT_RETENTION_MONTHS = 12
    old = SiteMessage.objects.create(
        name="A", email="a@example.org", subject="S", message="M",
        received_at=timezone.now() - timedelta(days=400),
    )  # fmt: skip
    recent = SiteMessage.objects.create(name="B", email="b@example.org", subject="S", message="M")
    call_command("purge_contributions")
    assert list(SiteMessage.objects.all()) == [recent]
    assert not SiteMessage.objects.filter(pk=old.pk).exists()


def test_the_message_limit_is_written_the_french_way(client, db):
    assert "5\u202f000 caractères au plus." in client.get(URL).content.decode()
