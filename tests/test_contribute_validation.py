"""/proposer/: each field's limits and bad values are refused with a French message."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from practices.models import Practice
from procurement_portal.forms import CONTROL_CHARS_MESSAGE

from .conftest import page_text, post
from .factories import proposal_data

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
    written = f"{limit:,} caractères au plus (vous en avez saisi {limit + 1:,})"
    assert written.replace(",", "\u202f") in page_text(too_long)
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


# C0, DEL, C1 (NEL), a direction override, a zero-width space.
@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u202e", "\u200b"])
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
