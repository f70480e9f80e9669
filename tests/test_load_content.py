"""`load_content` loads the fiche n°12 content and is idempotent."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from levers.models import Fiche, Kit, LegalBasis, Lever
from practices.models import KeyFigure, Practice

pytestmark = pytest.mark.django_db

REQUIRED_LEVERS = {
    "marches-reserves",
    "clauses-sociales",
    "commerce-equitable",
    "spaser",
    "partenariats-innovation",
}


def snapshot():
    models = [Lever, LegalBasis, Kit, Fiche, Practice, KeyFigure, Practice.history.model]
    rows = {m.__name__: list(m.objects.order_by("pk").values()) for m in models}
    rows["practice_levers"] = list(Practice.levers.through.objects.order_by("pk").values())
    return rows


def test_running_load_content_twice_changes_nothing(content):
    before = snapshot()
    call_command("load_content", verbosity=0)
    call_command("load_content", "--update", verbosity=0)
    assert snapshot() == before


def test_load_content_publishes_the_four_case_studies(content):
    published = Practice.objects.published()
    assert set(published.values_list("department_id", flat=True)) == {"62", "35", "54", "976"}


def test_load_content_provides_the_required_levers(content):
    assert set(Lever.objects.values_list("slug", flat=True)) >= REQUIRED_LEVERS


def test_pas_de_calais_figures_are_carried_over(content):
    practice = Practice.objects.get(department_id="62")
    figures = {f.label: f.value for f in practice.key_figures.all()}
    assert figures["collèges concernés"] == Decimal("122")
    assert figures["associations intermédiaires titulaires"] == Decimal("26")
    assert figures["salariés en insertion"] == Decimal("913")
    assert figures["dont allocataires du RSA"] == Decimal("687")
    assert {f.period for f in practice.key_figures.all()} == {"sept. 2018 – déc. 2020"}


def test_mayotte_carries_threshold_contracts_and_european_recognition(content):
    practice = Practice.objects.get(department_id="976")
    figures = {f.unit: f.value for f in practice.key_figures.all()}
    assert figures["marchés"] == Decimal("35")
    assert figures["€"] == Decimal("70000")
    assert practice.start_year == 2017
    recognition = practice.recognitions.get()
    assert (recognition.title, recognition.year) == ("Pratique exemplaire européenne", 2020)
    assert practice.partners.filter(name="CRESS de Mayotte").exists()


def test_spaser_records_both_thresholds_with_their_dates(content):
    bases = LegalBasis.objects.filter(lever__slug="spaser", code="D2111-3").order_by("valid_from")
    old, new = bases
    assert "100 millions" in old.title and str(old.valid_until) == "2022-12-31"
    assert "50 millions" in new.title and str(new.valid_from) == "2023-01-01"
    assert "2022-767" in new.source


@pytest.mark.parametrize(
    ("lever", "code"),
    [
        ("marches-reserves", "L2113-12"),
        ("marches-reserves", "L2113-13"),
        ("marches-reserves", "L2113-15"),
        ("clauses-sociales", "L2112-2"),
        ("clauses-sociales", "R2152-7"),
        ("spaser", "L2111-3"),
        ("partenariats-innovation", "L2172-3"),
        ("partenariats-innovation", "R2122-9-1"),
        ("commerce-equitable", "Loi 2005-882, art. 60"),
    ],
)
def test_levers_carry_their_legal_bases(content, lever, code):
    assert LegalBasis.objects.filter(lever__slug=lever, code=code).exists()


def test_fiche_12_names_its_pdf_and_presents_the_case_studies(content):
    fiche = Fiche.objects.get(kit__slug="kit-departementaless", number=12)
    assert fiche.pdf_name == "fiche12_kitdepartementaless.pdf"
    assert fiche.pdf_size_kib == 550
    assert fiche.practices.count() == 4
    assert set(fiche.levers.values_list("slug", flat=True)) >= REQUIRED_LEVERS
    assert set(Kit.objects.values_list("slug", flat=True)) == {
        "kit-departementaless",
        "kit-municipaless",
    }


def test_load_content_leaves_editor_changes_alone_without_update(content):
    Practice.objects.filter(department_id="976").update(title="Titre revu par un éditeur")
    call_command("load_content", verbosity=0)
    assert Practice.objects.get(department_id="976").title == "Titre revu par un éditeur"
    call_command("load_content", "--update", verbosity=0)
    assert Practice.objects.get(department_id="976").title != "Titre revu par un éditeur"
