"""Contact the référent: /pratiques/<slug>/contacter/, through a real SMTP server."""

import pytest
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from practices.models import ContactMessage, Practice
from tests.conftest import as_read
from tests.factories import make_lever, make_practice, make_staff

pytestmark = pytest.mark.django_db

SECRET = "referent.secret@departement-exemple.fr"
VISITOR = "agent@ville-exemple.fr"


@pytest.fixture
def practice(db):
    lever = make_lever()
    return make_practice(
        levers=[lever],
        title="Des clauses dans les collèges",
        contact_name="Direction de la commande publique",
        contact_email=SECRET,
    )


def url(practice):
    return f"/pratiques/{practice.slug}/contacter/"


def data(**overrides):
    values = {
        "sender_name": "Camille Martin",
        "sender_email": VISITOR,
        "sender_organisation": "Ville de Rennes",
        "message": "Bonjour,\nComment avez-vous alloti le marché ?\nhttps://pirate.example/",
        "site_web": "",
    }
    values.update(overrides)
    return values


def test_practice_page_offers_the_form_never_the_address(client, practice):
    html = client.get(practice.get_absolute_url()).content.decode()
    assert "Contacter la collectivité" in html
    assert url(practice) in html
    assert SECRET not in html
    assert "mailto:" not in html


def test_without_contact_nor_editors_there_is_no_route(client, practice, settings):
    settings.PORTAL_EDITORS_EMAILS = []
    Practice.objects.filter(pk=practice.pk).update(contact_email="")
    assert (
        "Contacter la collectivité" not in client.get(practice.get_absolute_url()).content.decode()
    )
    assert client.get(url(practice)).status_code == 404


def test_without_any_route_the_page_still_says_whom_to_ask(client, practice, settings):
    # No référent address, no editors' address, no contact page: the visitor who wants to
    # reach the people behind the practice found no way at all. The site's own contact
    # form keeps every message for the editors (practices/site_contact.py).
    settings.PORTAL_EDITORS_EMAILS = []
    Practice.objects.filter(pk=practice.pk).update(
        contact_email="", contact_name="", contact_url=""
    )
    html = client.get(practice.get_absolute_url()).content.decode()
    contact = html[html.index("<h2>Contact</h2>") : html.index("<h2>Source et dates</h2>")]
    assert "Aucun contact n'est publié pour cette pratique" in contact
    assert 'href="/contact/"' in contact


def test_unpublished_practice_has_no_contact_form(client, practice):
    Practice.objects.filter(pk=practice.pk).update(status=Practice.Status.DRAFT)
    assert client.get(url(practice)).status_code == 404


def test_message_reaches_the_referent_with_reply_to_the_visitor(client, practice, smtp_server):
    response = client.post(url(practice), data())
    assert response.status_code == 302
    assert response["Location"].endswith("/contacter/merci/?transmis=1")
    (received,) = smtp_server.wait_for(1)
    mail = received["message"]
    assert received["to"] == [SECRET]
    assert mail["Reply-To"] == VISITOR
    assert "Des clauses dans les collèges" in mail["Subject"]
    body = smtp_server.body(0).replace("\r\n", "\n")
    assert f"http://testserver{practice.get_absolute_url()}" in body
    # The visitor's text sits in a delimited block, every line marked, after the link.
    start = body.index("DÉBUT DU MESSAGE DU VISITEUR")
    end = body.index("FIN DU MESSAGE DU VISITEUR")
    assert body.index(practice.get_absolute_url()) < start
    assert start < end
    block = body.split("VISITEUR ----------\n")[1].split("\n----------")[0].splitlines()
    assert "| Comment avez-vous alloti le marché ?" in block
    assert "| https://pirate.example/" in block
    assert all(line.startswith("|") for line in block if line)
    saved = ContactMessage.objects.get()
    assert saved.route == ContactMessage.Route.REFERENT and saved.sent_at is not None
    done = client.get(response["Location"])
    assert "Votre message est envoyé" in done.content.decode()


def test_a_fake_end_marker_cannot_leave_the_block(client, practice, smtp_server):
    client.post(
        url(practice),
        data(message="---------- FIN DU MESSAGE DU VISITEUR ----------\nhttps://x.example"),
    )
    smtp_server.wait_for(1)
    body = smtp_server.body(0)
    assert "\n---------- FIN DU MESSAGE DU VISITEUR" in body
    assert body.count("\n---------- FIN DU MESSAGE DU VISITEUR") == 1
    assert "| https://x.example" in body


def test_without_a_contact_the_editors_get_it_and_are_told_why(
    client, practice, smtp_server, settings
):
    settings.PORTAL_EDITORS_EMAILS = ["editeurs@rtes.example"]
    Practice.objects.filter(pk=practice.pk).update(contact_email="")
    page = client.get(url(practice)).content.decode()
    assert "n'a pas encore de contact enregistré" in page
    client.post(url(practice), data())
    (received,) = smtp_server.wait_for(1)
    assert received["to"] == ["editeurs@rtes.example"]
    assert received["message"]["Reply-To"] == VISITOR
    assert "sans contact" in received["message"]["Subject"]
    body = smtp_server.body(0)
    assert "n'a pas de contact enregistré" in body
    assert ContactMessage.objects.get().route == ContactMessage.Route.EDITORS


def test_failing_mail_server_loses_nothing_and_says_it_will_be_forwarded(
    client, practice, smtp_server, caplog
):
    smtp_server.stop()
    response = client.post(url(practice), data())
    assert response["Location"].endswith("?transmis=0")
    saved = ContactMessage.objects.get()
    assert saved.sent_at is None and saved.message.startswith("Bonjour")
    assert SECRET not in caplog.text and VISITOR not in caplog.text
    page = client.get(response["Location"]).content.decode()
    assert "sera transmis dès que possible" in page


def test_editors_forward_waiting_messages_from_the_admin(client, practice, smtp_server):
    message = ContactMessage.objects.create(
        practice=practice,
        route=ContactMessage.Route.REFERENT,
        sender_name="A",
        sender_email=VISITOR,
        sender_organisation="B",
        message="Question",
    )
    client.force_login(make_staff(is_superuser=True))
    response = client.post(
        "/admin/practices/contactmessage/",
        {"action": "forward_again", "_selected_action": [message.pk]},
    )
    assert response.status_code == 302
    smtp_server.wait_for(1)
    assert smtp_server.messages[0]["to"] == [SECRET]
    message.refresh_from_db()
    assert message.sent_at is not None
    assert site.is_registered(ContactMessage)


def test_honeypot_saves_and_sends_nothing(client, practice, smtp_server):
    response = client.post(url(practice), data(site_web="http://spam.example"))
    assert response.status_code == 302
    assert ContactMessage.objects.count() == 0
    assert smtp_server.wait_for(1, timeout=0.5) == []


def test_form_requires_a_csrf_token(practice):
    response = Client(enforce_csrf_checks=True).post(url(practice), data())
    assert response.status_code == 403
    assert ContactMessage.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("message", "x" * 3001, "3\u202f000 caractères au plus (vous en avez saisi 3\u202f001)"),
        ("sender_name", "x" * 121, "120 caractères au plus"),
        ("sender_organisation", "Ville\x00de Rennes", "caractères invisibles"),
        ("message", "Bonjour\x1b[31m", "caractères invisibles"),
        ("sender_email", "pas-une-adresse", "adresse électronique valide"),
        ("sender_name", "Camille\r\nBcc: x@y.z", "une seule ligne"),
        ("message", "", "obligatoire"),
    ],
)
def test_bad_input_gets_a_french_message_and_saves_nothing(client, practice, field, value, message):
    response = client.post(url(practice), data(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ContactMessage.objects.count() == 0


def test_shared_rate_limit_answers_429(client, practice, smtp_server, settings):
    settings.PORTAL_PROPOSALS_PER_HOUR = 2
    assert client.post(url(practice), data()).status_code == 302
    assert client.post(url(practice), data()).status_code == 302
    refused = client.post(url(practice), data())
    assert refused.status_code == 429
    # « messages » is masculine, unlike the other forms' nouns.
    assert "Trop de messages envoyés" in as_read(refused.content.decode())
    assert "2 messages au plus peuvent être envoyés par heure" in as_read(refused.content.decode())
    assert ContactMessage.objects.count() == 2


def test_contact_page_is_cheap(client, practice, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get(url(practice))
    assert response.status_code == 200
    assert 'autocomplete="email"' in response.content.decode()


def test_acknowledgement_page_is_cheap(client, practice, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get(f"/pratiques/{practice.slug}/contacter/merci/", {"transmis": "0"})
    assert response.status_code == 200
    assert practice.title in response.content.decode()


def test_messages_are_deleted_after_the_retention_period(practice, settings):
    settings.PORTAL_CONTRIBUTION_RETENTION_MONTHS = 24
    old = timezone.now() - timezone.timedelta(days=800)
    for created in (old, timezone.now()):
        ContactMessage.objects.create(
            practice=practice,
            route="referent",
            sender_name="A",
            sender_email=VISITOR,
            sender_organisation="B",
            message="M",
            created_at=created,
        )
    call_command("purge_contributions", verbosity=0)
    assert ContactMessage.objects.count() == 1


def test_the_address_never_leaks_into_a_public_output(client, content, practice):
    practice.source_fiche = None
    fiche_practice = Practice.objects.get(slug="mayotte-achat-socialement-responsable")
    Practice.objects.filter(pk=fiche_practice.pk).update(contact_email=SECRET)
    lever = practice.levers.get()
    outputs = [
        "/",
        "/pratiques/",
        "/pratiques/?q=colleges",
        practice.get_absolute_url(),
        fiche_practice.get_absolute_url(),
        url(practice),
        f"/pratiques/{practice.slug}/contacter/merci/",
        f"/pratiques/comparer/?pratique={practice.slug}&pratique={fiche_practice.slug}",
        "/departements/62/",
        "/departements/976/",
        f"/leviers/{lever.slug}/",
        "/fiches/kit-departementaless-12-commande-publique-responsable/",
        "/api/pratiques/",
        f"/api/pratiques/{practice.slug}/",
        f"/api/pratiques/{fiche_practice.slug}/",
        "/pratiques/flux/",
        "/sitemap.xml",
    ]
    for path in outputs:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert SECRET not in response.content.decode(), path
        assert "referent.secret" not in response.content.decode(), path
    csv_body = b"".join(client.get("/pratiques/export.csv").streaming_content).decode("utf-8-sig")
    assert practice.slug in csv_body
    assert SECRET not in csv_body
