"""Suggest a change: /pratiques/<slug>/suggerer/, stored for the editors and mailed to them."""

import pytest
from django.test import Client

from practices.models import Practice, Suggestion
from tests.factories import make_lever, make_practice, make_staff

pytestmark = pytest.mark.django_db

EDITORS = ["editeurs@rtes.example"]


@pytest.fixture
def practice(db, settings):
    settings.PORTAL_EDITORS_EMAILS = EDITORS
    return make_practice(levers=[make_lever()], title="Un marché réservé")


def url(practice):
    return f"/pratiques/{practice.slug}/suggerer/"


def test_practice_page_links_to_the_form(client, practice):
    assert url(practice) in client.get(practice.get_absolute_url()).content.decode()


def test_suggestion_is_stored_and_editors_emailed_with_the_text_delimited(
    client, practice, smtp_server
):
    text = "Le chiffre de 2020 est faux.\nVoir https://pirate.example/"
    response = client.post(url(practice), {"message": text, "email": "agent@ville.example"})
    assert response.status_code == 302
    assert response["Location"] == f"/pratiques/{practice.slug}/suggerer/merci/"
    suggestion = Suggestion.objects.get()
    assert suggestion.status == Suggestion.Status.TODO
    assert suggestion.practice == practice
    (received,) = smtp_server.wait_for(1)
    assert received["to"] == EDITORS
    assert received["message"]["Reply-To"] == "agent@ville.example"
    body = smtp_server.body(0).replace("\r\n", "\n")
    block = body.split("VISITEUR ----------\n")[1].split("\n----------")[0]
    assert block.splitlines() == [
        "| Le chiffre de 2020 est faux.",
        "| Voir https://pirate.example/",
    ]
    # The portal's links are outside the visitor's block.
    admin_url = f"/admin/practices/suggestion/{suggestion.pk}/change/"
    assert admin_url in body.split("DÉBUT DE LA SUGGESTION")[0]
    assert "merci" in client.get(response["Location"]).content.decode().lower()


def test_nothing_is_mailed_to_the_visitor(client, practice, smtp_server):
    client.post(url(practice), {"message": "Il manque le budget.", "email": "agent@ville.example"})
    smtp_server.wait_for(2, timeout=1)
    assert [m["to"] for m in smtp_server.messages] == [EDITORS]


def test_email_is_optional(client, practice, smtp_server):
    client.post(url(practice), {"message": "Il manque le budget.", "email": ""})
    (received,) = smtp_server.wait_for(1)
    assert received["message"]["Reply-To"] is None
    assert Suggestion.objects.get().email == ""


def test_failing_mail_server_keeps_the_suggestion(client, practice, smtp_server):
    smtp_server.stop()
    response = client.post(url(practice), {"message": "Chiffre à jour : 950."})
    assert response.status_code == 302
    assert Suggestion.objects.count() == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"message": "x" * 2001}, "2\u202f000 caractères au plus"),
        ({"message": "Texte\x00nul"}, "caractères invisibles"),
        ({"message": "ok", "email": "pas une adresse"}, "adresse électronique valide"),
        ({"message": ""}, "obligatoire"),
    ],
)
def test_bad_input_gets_a_french_message(client, practice, values, message):
    response = client.post(url(practice), values)
    assert response.status_code == 200
    assert message in response.content.decode()
    # The summary fits every form (« envoyez-le » said it of « votre suggestion »).
    assert "Corrigez les points suivants, puis renvoyez le formulaire" in response.content.decode()
    assert Suggestion.objects.count() == 0


def test_abuse_protections(practice, settings, smtp_server):
    assert Client(enforce_csrf_checks=True).post(url(practice), {"message": "x"}).status_code == 403
    settings.PORTAL_PROPOSALS_PER_HOUR = 2
    client = Client()
    client.post(url(practice), {"message": "spam", "site_web": "http://spam.example"})
    assert Suggestion.objects.count() == 0  # but the honeypot counted one
    assert client.post(url(practice), {"message": "Un"}).status_code == 302
    assert client.post(url(practice), {"message": "Deux"}).status_code == 429


def test_unpublished_practice_has_no_form(client, practice):
    Practice.objects.filter(pk=practice.pk).update(status=Practice.Status.DRAFT)
    assert client.get(url(practice)).status_code == 404


def test_editors_list_suggestions_with_status_and_mark_them_done(client, practice):
    suggestion = Suggestion.objects.create(practice=practice, message="Corriger le titre.")
    client.force_login(make_staff(is_superuser=True))
    page = client.get("/admin/practices/suggestion/").content.decode()
    assert "À traiter" in page and "Corriger le titre." in page
    assert f"/admin/practices/practice/{practice.pk}/change/" in page
    client.post(
        "/admin/practices/suggestion/",
        {"action": "mark_done", "_selected_action": [suggestion.pk]},
    )
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.DONE


def test_form_page_is_cheap(client, practice, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert client.get(url(practice)).status_code == 200


def test_acknowledgement_page_is_cheap(client, practice, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get(f"/pratiques/{practice.slug}/suggerer/merci/")
    assert response.status_code == 200
    assert practice.title in response.content.decode()


@pytest.mark.parametrize("query", ["", "?status=traitee", "?q=introuvable"])
def test_an_empty_suggestion_list_reads_as_a_page_not_an_error(client, query):
    # No row on the page: Django then builds the editable list's empty row, which has
    # no practice yet.
    client.force_login(make_staff("Responsables éditoriaux"))
    response = client.get(f"/admin/practices/suggestion/{query}")
    assert response.status_code == 200
    assert "0 suggestion" in response.content.decode()
