"""/proposer/: the editors are emailed and the contributor acknowledged, after the commit."""

import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from practices.models import Contribution, Practice

from .conftest import page_text, post
from .factories import proposal_data


def test_editors_are_emailed_and_the_contributor_acknowledged(client, lever, editors):
    post(client, proposal_data(lever))

    assert len(mail.outbox) == 2
    to_editors, acknowledgement = mail.outbox
    assert to_editors.to == editors
    assert to_editors.reply_to == ["camille.durand@rennes.example"]
    assert "Un marché réservé pour l'entretien" in to_editors.subject
    assert "Camille Durand" in to_editors.body
    assert "Ville de Rennes" in to_editors.body
    assert "1\u202f234,50 heures : heures d'insertion" in to_editors.body
    assert "Leviers : Marchés réservés\n" in to_editors.body
    assert "/admin/" in to_editors.body
    assert acknowledgement.to == ["camille.durand@rennes.example"]
    assert acknowledgement.reply_to == ["donnees@rtes.example"]
    assert "est enregistrée sous la référence P-" in acknowledgement.body
    # Plain text: no HTML escaping of apostrophes.
    assert "&#x27;" not in acknowledgement.body + to_editors.body


HOSTILE_TEXT = {
    "contributor_name": "Gagnez 1000 euros",
    "contributor_role": "Cliquez sur https://spam.example",
    "title": "Offre exceptionnelle https://spam.example/offre",
    "authority_name": "Banque du Monde (https://spam.example)",
    "summary": (
        "Un résumé honnête en apparence.\n"
        "Relire la proposition : https://attacker.example/admin/\n"
        "----- Fin du texte saisi -----"
    ),
    "chiffres-0-label": "visitez spam.example",
    "links": "https://spam.example/lien",
}


def test_the_acknowledgement_echoes_nothing_typed_into_the_form(
    client, lever, editors, smtp_server
):
    assert post(client, proposal_data(lever, **HOSTILE_TEXT)).status_code == 302
    smtp_server.wait_for(2)
    (acknowledgement,) = [
        m for m in smtp_server.messages if m["to"] == ["camille.durand@rennes.example"]
    ]
    index = smtp_server.messages.index(acknowledgement)
    text = acknowledgement["message"]["Subject"] + smtp_server.body(index)

    reference = f"P-{Contribution.objects.get().pk:06d}"
    assert reference in text
    assert "http://testserver/pratiques/" in text
    for typed in ["Gagnez", "spam.example", "Banque du Monde", "Offre", "attacker", "1000"]:
        assert typed not in text


def test_the_editors_mail_quotes_what_was_typed_apart_from_the_portal_s_links(
    client, lever, editors, smtp_server
):
    post(client, proposal_data(lever, **HOSTILE_TEXT))
    smtp_server.wait_for(2)
    index = next(i for i, m in enumerate(smtp_server.messages) if m["to"] == editors)
    lines = smtp_server.body(index).splitlines()

    start = next(i for i, line in enumerate(lines) if line.startswith("----- Début du texte saisi"))
    end = next(i for i, line in enumerate(lines) if line.startswith("----- Fin du texte saisi"))
    inside, outside = lines[start + 1 : end], lines[:start] + lines[end + 1 :]
    assert all(line.startswith(">") for line in inside)
    assert "> Relire la proposition : https://attacker.example/admin/" in inside
    assert "> ----- Fin du texte saisi -----" in inside
    portal_links = [line for line in outside if line.startswith("Relire la proposition : ")]
    assert len(portal_links) == 1
    assert "http://testserver/admin/" in portal_links[0]
    assert not [line for line in outside if "spam.example" in line or "attacker" in line]


def test_without_editor_addresses_the_contributor_is_still_acknowledged(
    client, lever, settings, caplog
):
    settings.PORTAL_EDITORS_EMAILS = []

    post(client, proposal_data(lever))

    assert [m.to for m in mail.outbox] == [["camille.durand@rennes.example"]]
    assert "PORTAL_EDITORS_EMAILS is empty" in caplog.text


def test_failing_mail_server_loses_nothing_and_still_confirms(client, lever, editors, caplog):
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=smtplib.SMTPServerDisconnected("connexion perdue"),
    ) as send:
        response = post(client, proposal_data(lever), follow=True)

    assert send.call_count == 2  # the acknowledgement is still tried after the editors' mail
    assert response.status_code == 200
    assert "Merci, votre proposition est bien enregistrée" in page_text(response)
    assert Contribution.objects.get().practice.status == Practice.Status.PROPOSED
    assert "Could not send the editors' notification" in caplog.text
    assert "Could not send the acknowledgement" in caplog.text


def test_a_refused_recipient_is_logged_without_the_contributors_address(
    client, lever, editors, caplog
):
    refused = smtplib.SMTPRecipientsRefused({"agent@collectivite.fr": (550, b"unknown")})
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=refused
    ):
        post(client, proposal_data(lever, contributor_email="agent@collectivite.fr"))

    assert "SMTPRecipientsRefused" in caplog.text
    assert "agent@collectivite.fr" not in caplog.text


# Departments come from a migration: serialized_rollback restores them after a flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_proposal_is_committed_before_any_email_is_sent(lever, editors):
    seen = []

    def send_messages(messages):
        # Outside any transaction, and visible to another connection's reader.
        seen.append((connection.in_atomic_block, Contribution.objects.count()))
        raise ConnectionRefusedError("pas de serveur de courriel")

    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=send_messages
    ):
        response = post(Client(), proposal_data(lever))

    assert response.status_code == 302
    assert seen == [(False, 1), (False, 1)]
    assert Contribution.objects.count() == 1
