"""/proposer/: a local authority proposes a practice that reaches the editors."""

import hashlib
import re
import smtplib
from decimal import Decimal
from html import unescape
from pathlib import Path
from unittest import mock

import pytest
from django.core import mail
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from practices.models import Contribution, Practice, unique_practice_slug
from procurement_portal.forms import CONTROL_CHARS_MESSAGE
from procurement_portal.rate_limit import RateLimit
from tests.conftest import as_read

from .factories import make_lever, make_practice, make_sector

URL = reverse("practices:propose")
DONE_URL = reverse("practices:propose_done")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    # The rate limit lives in its cache, which outlives a test's database transaction.
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


@pytest.fixture
def lever(db):
    return make_lever(name="Marchés réservés", slug="marches-reserves")


@pytest.fixture
def editors(settings):
    settings.PORTAL_EDITORS_EMAILS = ["edition@rtes.example", "relecture@rtes.example"]
    settings.PORTAL_PRIVACY_EMAIL = "donnees@rtes.example"
    return settings.PORTAL_EDITORS_EMAILS


def proposal_data(lever, **overrides):
    data = {
        "authority_type": "commune",
        "authority_name": "Ville de Rennes",
        "department": "35",
        "contributor_name": "Camille Durand",
        "contributor_role": "Responsable de la commande publique",
        "contributor_email": "camille.durand@rennes.example",
        "title": "Un marché réservé pour l'entretien des espaces verts",
        "summary": "La Ville réserve aux structures d'insertion l'entretien de ses parcs.",
        "levers": [lever.slug],
        "start_year": "2021",
        "end_year": "",
        "links": "https://rennes.example/deliberation-2021",
        "site_web": "",
        "chiffres-TOTAL_FORMS": "3",
        "chiffres-INITIAL_FORMS": "0",
        "chiffres-MIN_NUM_FORMS": "0",
        "chiffres-MAX_NUM_FORMS": "3",
        "chiffres-0-label": "heures d'insertion",
        "chiffres-0-value": "1 234,5",
        "chiffres-0-unit": "heures",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def page_text(response):
    return as_read(unescape(response.content.decode()))


def post(client, data, **extra):
    return client.post(URL, data, **extra)


# A valid proposal ------------------------------------------------------------------


def test_valid_proposal_saves_a_proposed_practice_with_its_contribution(client, lever):
    sector = make_sector(name="Espaces verts", slug="espaces-verts")
    response = post(client, proposal_data(lever, sectors=[sector.slug], end_year="2024"))

    assert response.status_code == 302
    assert response["Location"] == DONE_URL
    practice = Practice.objects.get()
    assert practice.status == Practice.Status.PROPOSED
    assert practice.published_at is None
    assert practice.slug == "un-marche-reserve-pour-l-entretien-des-espaces-verts"
    assert practice.authority_type == "commune"
    assert practice.department_id == "35"
    assert (practice.start_year, practice.end_year) == (2021, 2024)
    assert list(practice.levers.all()) == [lever]
    assert list(practice.sectors.all()) == [sector]
    figure = practice.key_figures.get()
    assert (figure.label, figure.value, figure.unit) == (
        "heures d'insertion",
        Decimal("1234.5"),
        "heures",
    )
    # The contributor's details go to the contribution only, never to the public contact.
    assert practice.contact_name == practice.contact_email == ""
    contribution = practice.contribution
    assert contribution.contributor_name == "Camille Durand"
    assert contribution.contributor_email == "camille.durand@rennes.example"
    assert contribution.contributor_role == "Responsable de la commande publique"
    assert contribution.links == "https://rennes.example/deliberation-2021"
    assert Practice.objects.search("entretien espaces verts").filter(pk=practice.pk).exists()


def test_proposed_practice_is_never_public(client, lever):
    post(client, proposal_data(lever))
    practice = Practice.objects.get()

    assert not Practice.objects.published().exists()
    assert client.get(practice.get_absolute_url()).status_code == 404
    assert client.get(f"/api/pratiques/{practice.slug}/").status_code == 404
    assert practice.slug not in client.get("/api/pratiques/").content.decode()
    assert practice.slug not in client.get("/pratiques/flux/").content.decode()


def test_confirmation_page_follows_the_redirect(client, lever):
    response = post(client, proposal_data(lever), follow=True)

    assert response.redirect_chain == [(DONE_URL, 302)]
    assert response.status_code == 200
    assert "Merci, votre proposition est bien enregistrée" in page_text(response)


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


# Slugs ----------------------------------------------------------------------------------


def test_slug_is_unique_and_derived_from_the_title(client, lever):
    make_practice(slug="cantine-bio-et-equitable", title="Autre")
    post(client, proposal_data(lever, title="Cantine bio et équitable"))
    post(client, proposal_data(lever, title="Cantine bio et équitable"))

    slugs = set(Practice.objects.values_list("slug", flat=True))
    assert slugs == {
        "cantine-bio-et-equitable",
        "cantine-bio-et-equitable-2",
        "cantine-bio-et-equitable-3",
    }


def test_slug_never_takes_a_fixed_path_and_folds_ligatures(db):
    assert unique_practice_slug("Flux") == "flux-2"
    assert unique_practice_slug("Cœur de ville") == "coeur-de-ville"
    assert unique_practice_slug("!!!") == "pratique"
    assert len(unique_practice_slug("mot " * 100)) <= 200


# Abuse -------------------------------------------------------------------------------


def test_form_requires_a_csrf_token(lever):
    response = Client(enforce_csrf_checks=True).post(URL, proposal_data(lever))

    assert response.status_code == 403
    assert not Practice.objects.exists()
    # The portal's own French page, which tells the visitor what to do.
    text = page_text(response)
    assert '<html lang="fr">' in text
    assert "Votre envoi n'a pas pu être vérifié" in text
    assert "Rechargez la page du formulaire" in text


def test_honeypot_is_hidden_from_people_without_inline_style(client, lever):
    html = client.get(URL).content.decode()

    wrapper = re.search(r'<div class="hp-field" aria-hidden="true">(.*?)</div>', html, re.S)
    assert wrapper, "the honeypot wrapper is missing"
    field = re.search(r"<input[^>]*name=\"site_web\"[^>]*>", wrapper.group(1)).group(0)
    assert 'tabindex="-1"' in field
    assert 'autocomplete="off"' in field
    assert "style=" not in html
    assert "<style" not in html
    assert "css/contribute.css" in html
    css = (ROOT / "static" / "css" / "contribute.css").read_text()
    assert re.search(r"\.hp-field\s*\{[^}]*position:\s*absolute", css)


def test_filled_honeypot_saves_nothing_and_sends_nothing(client, lever, editors):
    response = post(client, proposal_data(lever, site_web="https://spam.example"))

    # The robot is shown the usual confirmation, so it learns nothing.
    assert response.status_code == 302
    assert response["Location"] == DONE_URL
    assert not Practice.objects.exists()
    assert not Contribution.objects.exists()
    assert mail.outbox == []


def test_rate_limit_answers_a_french_429_page(client, lever, settings):
    settings.PORTAL_PROPOSALS_PER_HOUR = 2
    for n in range(2):
        assert post(client, proposal_data(lever, title=f"Pratique {n}")).status_code == 302

    response = post(client, proposal_data(lever, title="Une de trop"))

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    text = page_text(response)
    assert '<html lang="fr">' in text
    assert "Trop de propositions envoyées" in text
    assert "2 propositions au plus" in text
    assert Practice.objects.count() == 2
    # Another address is not affected.
    other = post(client, proposal_data(lever, title="Ailleurs"), REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302
    # Reading the form is never limited.
    assert client.get(URL).status_code == 200


def test_rate_limit_key_cannot_be_traced_back_to_the_address(client, lever, settings):
    request = Client().get(URL).wsgi_request  # REMOTE_ADDR 127.0.0.1
    key = RateLimit(request, "proposals", 5).key
    # Hashing alone would let anyone reading the cache try every IPv4 address.
    assert hashlib.sha256(b"127.0.0.1").hexdigest()[:32] not in key
    settings.SECRET_KEY = "another-secret"
    assert RateLimit(request, "proposals", 5).key != key


def test_rate_limit_holds_when_concurrent_requests_pass_the_first_check(
    client, lever, settings, monkeypatch
):
    settings.PORTAL_PROPOSALS_PER_HOUR = 1
    # As if both requests had been checked before either was counted.
    monkeypatch.setattr("procurement_portal.rate_limit.RateLimit.exceeded", lambda self: False)

    assert post(client, proposal_data(lever)).status_code == 302
    assert post(client, proposal_data(lever)).status_code == 429
    assert Practice.objects.count() == 1


def test_rate_limit_counts_the_client_behind_trusted_proxies(client, lever, settings):
    settings.PORTAL_PROPOSALS_PER_HOUR = 1
    settings.TRUSTED_PROXY_COUNT = 1
    first = post(client, proposal_data(lever), HTTP_X_FORWARDED_FOR="198.51.100.1")
    second = post(client, proposal_data(lever), HTTP_X_FORWARDED_FOR="198.51.100.2")
    again = post(client, proposal_data(lever), HTTP_X_FORWARDED_FOR="198.51.100.1")

    assert [first.status_code, second.status_code, again.status_code] == [302, 302, 429]


def test_rate_limit_counts_an_ipv6_client_per_64_network(client, lever, settings):
    settings.PORTAL_PROPOSALS_PER_HOUR = 1
    first = post(client, proposal_data(lever), REMOTE_ADDR="2001:db8:1:2::1")
    # Another address of the same /64: the same subscriber.
    same = post(client, proposal_data(lever), REMOTE_ADDR="2001:db8:1:2:ffff:0:0:9")
    other = post(client, proposal_data(lever), REMOTE_ADDR="2001:db8:1:3::1")
    assert [first.status_code, same.status_code, other.status_code] == [302, 429, 302]


def test_rate_limit_reads_an_ipv4_mapped_address_as_ipv4(rf):
    from procurement_portal.rate_limit import rate_limit_client

    assert rate_limit_client(rf.get("/", REMOTE_ADDR="::ffff:203.0.113.9")) == "203.0.113.9"
    assert rate_limit_client(rf.get("/", REMOTE_ADDR="203.0.113.9")) == "203.0.113.9"
    assert rate_limit_client(rf.get("/", REMOTE_ADDR="2001:db8::5")) == "2001:db8::/64"


def test_invalid_submissions_do_not_use_up_the_rate_limit(client, lever, settings):
    settings.PORTAL_PROPOSALS_PER_HOUR = 1
    for _ in range(3):
        assert post(client, proposal_data(lever, title="")).status_code == 200

    assert post(client, proposal_data(lever)).status_code == 302


def test_other_methods_are_refused(client, db):
    assert client.put(URL).status_code == 405
    assert client.delete(URL).status_code == 405


# Field limits ----------------------------------------------------------------------------

LIMITS = {
    "authority_name": 160,
    "contributor_name": 120,
    "contributor_role": 120,
    "title": 200,
    "summary": 1000,
}


@pytest.mark.parametrize(("field", "limit"), LIMITS.items())
def test_each_text_field_accepts_its_limit_and_refuses_one_more(client, lever, field, limit):
    too_long = post(client, proposal_data(lever, **{field: "é" * (limit + 1)}))

    assert too_long.status_code == 200
    assert f"{limit} caractères au plus (vous en avez saisi {limit + 1})" in page_text(too_long)
    assert not Practice.objects.exists()

    assert post(client, proposal_data(lever, **{field: "é" * limit})).status_code == 302
    assert Practice.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"contributor_email": "pas-une-adresse"}, "Saisissez une adresse électronique valide"),
        (
            {"contributor_email": "a" * 250 + "@x.fr"},
            "L'adresse électronique est limitée à 254 caractères.",
        ),
        ({"authority_type": "empire"}, "Choisissez un type de collectivité dans la liste."),
        ({"department": "99"}, "Choisissez un département dans la liste."),
        ({"department": ""}, "Indiquez le département."),
        ({"levers": []}, "Cochez au moins un levier."),
        ({"levers": ["inconnu"]}, "« inconnu » ne fait pas partie des leviers proposés."),
        ({"sectors": ["inconnu"]}, "« inconnu » ne fait pas partie des secteurs proposés."),
        ({"start_year": "1989"}, "Indiquez une année à partir de 1990."),
        ({"start_year": "2101"}, "Indiquez une année jusqu'à 2100."),
        ({"start_year": "deux mille"}, "Indiquez une année en chiffres"),
        ({"start_year": "2021", "end_year": "2020"}, "L'année de fin ne peut précéder"),
        ({"title": ""}, "Ce champ est obligatoire."),
        ({"title": "Ligne 1\r\nBcc: victime@example.org"}, "Ce champ tient sur une seule ligne."),
        ({"links": "javascript:alert(1)"}, "n'est pas une adresse web valide"),
        ({"links": "ftp://rennes.example/fichier"}, "n'est pas une adresse web valide"),
        (
            {"links": "\n".join(f"https://rennes.example/{n}" for n in range(6))},
            "5 liens au plus, un par ligne.",
        ),
        ({"links": "https://rennes.example/" + "a" * 500}, "limité à 500 caractères"),
        ({"chiffres-0-label": "x" * 161}, "160 caractères au plus"),
        ({"chiffres-0-unit": "x" * 41}, "40 caractères au plus"),
        ({"chiffres-0-value": "-3"}, "Un chiffre clé ne peut pas être négatif."),
        ({"chiffres-0-value": "beaucoup"}, "« beaucoup » n'est pas un nombre"),
        ({"chiffres-0-value": "1,234"}, "« 1,234 » peut se lire de deux façons"),
        ({"chiffres-0-value": "0,125"}, "Deux chiffres après la virgule au plus."),
        ({"chiffres-0-value": "1" * 13}, "Ce nombre est trop grand."),
        ({"chiffres-0-value": ""}, "Indiquez la valeur de ce chiffre."),
        ({"chiffres-0-label": "", "chiffres-0-unit": ""}, "Dites ce que ce chiffre compte."),
    ],
)
def test_bad_values_are_refused_with_a_french_message(client, lever, overrides, message):
    response = post(client, proposal_data(lever, **overrides))

    assert response.status_code == 200
    text = page_text(response)
    assert message in text
    assert "Votre proposition n'a pas encore été envoyée" in text
    assert not Practice.objects.exists()
    assert mail.outbox == []


def test_tampered_key_figure_count_is_refused_without_error(client, lever):
    response = post(client, proposal_data(lever, **{"chiffres-TOTAL_FORMS": "100000"}))

    assert response.status_code == 200
    assert not Practice.objects.exists()


def test_missing_key_figure_management_form_is_refused_without_error(client, lever):
    data = {k: v for k, v in proposal_data(lever).items() if not k.startswith("chiffres-")}
    response = post(client, data)

    assert response.status_code == 200
    assert not Practice.objects.exists()


def test_key_figures_are_optional_and_blank_rows_ignored(client, lever):
    data = proposal_data(lever, **{"chiffres-0-label": "", "chiffres-0-value": ""})
    data["chiffres-0-unit"] = ""
    assert post(client, data).status_code == 302
    assert not Practice.objects.get().key_figures.exists()


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f"])
@pytest.mark.parametrize(
    "field",
    [
        "authority_name",
        "contributor_name",
        "contributor_email",
        "title",
        "summary",
        "links",
        "department",
        "authority_type",
        "levers",
        "start_year",
        "chiffres-0-label",
        "chiffres-0-value",
    ],
)
def test_control_characters_are_refused_with_a_clear_message(client, lever, field, char):
    values = proposal_data(lever)
    original = values[field]
    if isinstance(original, list):
        values[field] = [f"{original[0]}{char}"]
    else:
        values[field] = f"{original[:3]}{char}{original[3:]}"

    response = post(client, values)

    assert response.status_code == 200
    assert CONTROL_CHARS_MESSAGE in page_text(response)
    assert not Practice.objects.exists()


def test_nul_bytes_never_reach_the_database(client, lever):
    values = proposal_data(lever, department="3\x005", levers=["marches\x00"])
    values["sectors"] = ["a\x00"]
    values["chiffres-0-label"] = "\x00"

    with CaptureQueriesContext(connection) as queries:
        response = post(client, values)

    assert response.status_code == 200
    form, figures = response.context["form"], response.context["figures"]
    for name in ("department", "levers", "sectors"):
        assert form.errors[name] == [CONTROL_CHARS_MESSAGE]
    assert figures.forms[0].errors["label"] == [CONTROL_CHARS_MESSAGE]
    assert not [q["sql"] for q in queries.captured_queries if "\x00" in q["sql"]]


def test_tabs_and_line_breaks_are_allowed_in_the_summary(client, lever):
    summary = "Première phrase.\r\n\tDeuxième phrase."
    assert post(client, proposal_data(lever, summary=summary)).status_code == 302
    assert Practice.objects.get().summary == summary


# The page -----------------------------------------------------------------------------------


def test_form_page_has_the_gdpr_notice(client, lever, settings):
    settings.PORTAL_CONTRIBUTION_RETENTION_MONTHS = 18
    settings.PORTAL_PRIVACY_EMAIL = "donnees@rtes.example"

    text = page_text(client.get(URL))

    assert "Vos données personnelles" in text
    assert "18 mois après l'envoi" in text
    assert "courriel professionnel" in text
    assert "mailto:donnees@rtes.example" in text
    assert "CNIL" in text


def test_main_navigation_marks_the_form_as_the_current_page(client, lever):
    html = client.get(URL).content.decode()

    assert '<a class="site-nav__cta" href="/proposer/" aria-current="page">' in html


def test_form_page_labels_every_field_and_is_cheap(client, lever, django_assert_max_num_queries):
    client.get("/api/")  # one-off set-up (the page cache's content version row)
    # Content version, departments, levers, sectors.
    with django_assert_max_num_queries(4):
        response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    for name in ["authority_name", "contributor_email", "title", "summary", "start_year"]:
        assert f'<label for="id_{name}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Proposer une pratique" in html
    assert 'value="marches-reserves"' in html


def test_errors_are_summarised_and_values_kept(client, lever):
    response = post(client, proposal_data(lever, department=""))

    text = page_text(response)
    assert '<a href="#id_department">Département</a>' in text
    assert 'value="Ville de Rennes"' in text
    assert 'aria-invalid="true"' in text


# Settings ------------------------------------------------------------------------------------


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
