"""Numbers typed the French way are kept exactly: admin, /proposer/ and import share one parser."""

from decimal import Decimal
from html import unescape

import pytest
from django.core.exceptions import ValidationError

from practices.models import KeyFigure, Practice
from practices.numbers import format_french_decimal, parse_french_decimal
from tests.conftest import post
from tests.factories import (
    make_lever,
    make_practice,
    make_staff,
    practice_admin_form_data,
    proposal_data,
)
from tests.test_admin_import import HEADERS, confirm, csv_file, preview, row

PUBLISHERS = "Responsables éditoriaux"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("12,5", "12.5"),
        ("350 000,50", "350000.50"),
        ("350\u00a0000,50", "350000.50"),
        ("350\u202f000,50", "350000.50"),
        ("1 234 567", "1234567"),
        ("12.5", "12.5"),
        ("0,125", "0.125"),
        ("1234.56", "1234.56"),
        (" 913 ", "913"),
    ],
)
def test_french_writing_is_read_as_meant(typed, meant):
    assert parse_french_decimal(typed) == Decimal(meant)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("1.234,5", "ambiguous"),
        ("1,234.5", "ambiguous"),
        ("1.234.567", "ambiguous"),
        ("1,234", "ambiguous"),
        ("12.500", "ambiguous"),
        ("35 0000", "ambiguous"),
        ("1234 567", "ambiguous"),
        ("12,5 %", "invalid"),
        ("douze", "invalid"),
        ("12,", "invalid"),
        ("1'234", "invalid"),
    ],
)
def test_what_could_be_read_two_ways_is_refused_in_french(typed, code):
    with pytest.raises(ValidationError) as caught:
        parse_french_decimal(typed)
    assert caught.value.code == code
    assert f"« {typed} »" in caught.value.messages[0]


def test_blank_is_nothing_and_spreadsheet_numbers_are_taken_as_they_are():
    assert parse_french_decimal("  ") is None
    assert parse_french_decimal(1500000.5) == Decimal("1500000.5")
    assert parse_french_decimal(913) == Decimal(913)


def test_values_are_displayed_the_french_way():
    assert format_french_decimal(Decimal("350000.50")) == "350\u202f000,50"
    assert format_french_decimal(Decimal("350000.5"), thousands=" ") == "350 000,50"
    assert format_french_decimal(Decimal("70000.00")) == "70\u202f000"


# Admin ------------------------------------------------------------------------


def admin_post(client, practice, value):
    data = practice_admin_form_data(practice)
    data.update(
        {
            "key_figures-TOTAL_FORMS": "1",
            "key_figures-0-label": "budget",
            "key_figures-0-value": value,
            "key_figures-0-unit": "€",
            "key_figures-0-period": "",
            "key_figures-0-position": "0",
            "key_figures-0-practice": practice.pk,
        }
    )
    return client.post(f"/admin/practices/practice/{practice.pk}/change/", data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "stored"),
    [("12,5", "12.50"), ("350 000,50", "350000.50"), ("350\u202f000,50", "350000.50")],
)
def test_the_admin_keeps_a_figure_typed_the_french_way(client, typed, stored):
    practice = make_practice(levers=[make_lever()])
    client.force_login(make_staff(PUBLISHERS))
    response = admin_post(client, practice, typed)
    assert response.status_code == 302
    assert [str(f.value) for f in practice.key_figures.all()] == [stored]


@pytest.mark.django_db
def test_the_admin_refuses_an_ambiguous_figure_and_keeps_what_was_typed(client):
    practice = make_practice(levers=[make_lever()])
    client.force_login(make_staff(PUBLISHERS))
    response = admin_post(client, practice, "1.234,5")
    assert response.status_code == 200
    page = unescape(response.content.decode())
    assert "« 1.234,5 » peut se lire de deux façons" in page
    assert 'value="1.234,5"' in page
    assert not KeyFigure.objects.exists()


@pytest.mark.django_db
def test_the_admin_figure_field_is_a_decimal_text_input_showing_french_values(client):
    practice = make_practice(levers=[make_lever()], figures=[("budget", Decimal("350000.50"))])
    client.force_login(make_staff(PUBLISHERS))
    page = client.get(f"/admin/practices/practice/{practice.pk}/change/").content.decode()
    assert 'name="key_figures-0-value" value="350 000,50"' in page
    assert 'inputmode="decimal"' in page
    assert 'type="number" name="key_figures-0-value"' not in page


@pytest.mark.django_db
def test_the_key_figure_list_shows_french_values_under_a_french_header(client):
    make_practice(levers=[make_lever()], figures=[("budget", Decimal("350000.50"))])
    client.force_login(make_staff(PUBLISHERS))
    page = client.get("/admin/practices/keyfigure/").content.decode()
    assert "350\u202f000,50" in page
    assert "DISPLAY VALUE" not in page.upper().replace("DISPLAY_VALUE", "")


# Public proposal form -----------------------------------------------------------


@pytest.mark.django_db
def test_a_proposal_keeps_a_figure_typed_the_french_way(client):
    lever = make_lever(slug="marches-reserves")
    post(client, proposal_data(lever, **{"chiffres-0-value": "350\u00a0000,50"}))
    assert Practice.objects.get().key_figures.get().value == Decimal("350000.50")


# Import -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_import_reads_a_spreadsheet_cell_written_the_french_way(client):
    make_lever(slug="marches-reserves")
    client.force_login(make_staff("Éditeurs"))
    upload = csv_file(row("alpha", chiffres_cles="budget | 350 000,50 | €\ntaux | 12,5 | %"))
    confirm(client, preview(client, upload))
    figures = Practice.objects.get(slug="alpha").key_figures.all()
    assert [str(f.value) for f in figures] == ["350000.50", "12.50"]


@pytest.mark.django_db
def test_the_import_refuses_an_ambiguous_cell_and_imports_nothing(client):
    make_lever(slug="marches-reserves")
    client.force_login(make_staff("Éditeurs"))
    response = preview(client, csv_file(row("alpha", chiffres_cles="budget | 1.234,5 | €")))
    page = unescape(response.content.decode())
    assert "Chiffre clé n°1 : « 1.234,5 » peut se lire de deux façons" in page
    assert "confirm_form" not in response.context
    assert not Practice.objects.exists()
    assert "chiffres_cles" in HEADERS
