"""Spreadsheet import of practices: preview, all or nothing, errors by line, no duplicates."""

import io
from html import unescape

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

from practices.models import Practice
from practices.resources import PracticeResource
from tests.factories import make_lever, make_sector, make_staff

pytestmark = pytest.mark.django_db

EDITORS = "Éditeurs"
PUBLISHERS = "Responsables éditoriaux"
HEADERS = [
    "slug",
    "title",
    "summary",
    "type_collectivite",
    "authority_name",
    "departement",
    "leviers",
    "secteurs",
    "start_year",
    "end_year",
    "statut",
    "chiffres_cles",
]


def row(slug, **values):
    defaults = {
        "slug": slug,
        "title": f"Pratique {slug}",
        "summary": "Un résumé.",
        "type_collectivite": "departement",
        "authority_name": "Département",
        "departement": "62",
        "leviers": "marches-reserves",
        "secteurs": "",
        "start_year": "2019",
        "end_year": "",
        "statut": "draft",
        "chiffres_cles": "",
    }
    defaults.update(values)
    return [defaults[h] for h in HEADERS]


def csv_file(*rows):
    dataset = tablib.Dataset(*rows, headers=HEADERS)
    return SimpleUploadedFile("pratiques.csv", dataset.export("csv").encode(), "text/csv")


@pytest.fixture
def levers():
    return [
        make_lever(slug="marches-reserves", name="Marchés réservés"),
        make_lever(slug="clauses-sociales", name="Clauses sociales"),
    ]


def preview(client, upload):
    return client.post(
        "/admin/practices/practice/import/",
        {"resource": "0", "format": "0", "import_file": upload},
    )


def confirm(client, preview_response):
    form = preview_response.context["confirm_form"]
    data = {name: form.initial.get(name, field.initial) for name, field in form.fields.items()}
    return client.post("/admin/practices/practice/process_import/", data)


def test_a_good_file_is_previewed_then_imported(client, levers):
    make_sector(slug="restauration")
    client.force_login(make_staff(EDITORS))
    upload = csv_file(
        row(
            "alpha",
            leviers="marches-reserves,clauses-sociales",
            secteurs="restauration",
            departement="2A",
            chiffres_cles="salariés en insertion | 913 | | 2018-2020\nbudget | 1500000.50 | €",
        ),
        row("beta", departement="1"),
    )
    response = preview(client, upload)
    assert response.status_code == 200
    assert "confirm_form" in response.context
    # The project's preview template: its comments stay in the template.
    assert "{#" not in response.content.decode() and "RGAA" not in response.content.decode()
    assert not Practice.objects.exists()  # the preview changes nothing
    confirm(client, response)
    alpha = Practice.objects.get(slug="alpha")
    assert alpha.department_id == "2A"
    assert set(alpha.levers.values_list("slug", flat=True)) == {
        "marches-reserves",
        "clauses-sociales",
    }
    assert list(alpha.sectors.values_list("slug", flat=True)) == ["restauration"]
    assert [(f.label, str(f.value), f.unit) for f in alpha.key_figures.all()] == [
        ("salariés en insertion", "913.00", ""),
        ("budget", "1500000.50", "€"),
    ]
    assert "clauses sociales" in alpha.search_places  # lever names weigh more
    assert "salaries en insertion" in alpha.search_text
    assert Practice.objects.get(slug="beta").department_id == "01"


def test_confirming_the_same_import_twice_says_so_in_french(client, levers):
    # A double click on « Confirmer l'import »: the first request imported the file and
    # removed its temporary copy.
    client.force_login(make_staff(EDITORS))
    response = preview(client, csv_file(row("alpha")))
    assert confirm(client, response).status_code == 302
    again = confirm(client, response)
    assert again.status_code == 302
    assert again["Location"] == "/admin/practices/practice/import/"
    messages = [str(m) for m in again.wsgi_request._messages]
    assert any("déjà été importé" in m for m in messages)
    assert Practice.objects.filter(slug="alpha").count() == 1


def test_a_file_with_faulty_rows_imports_nothing_and_names_each_line(client, levers):
    client.force_login(make_staff(EDITORS))
    upload = csv_file(
        row("bon"),
        row("mauvais-levier", leviers="levier-inexistant"),
        row("bon-aussi"),
        row("mauvais-departement", departement="99"),
        row("mauvaises-annees", start_year="2020", end_year="2010"),
    )
    response = preview(client, upload)
    assert "confirm_form" not in response.context
    content = response.content.decode()
    result = response.context["result"]
    lines = sorted(invalid.number for invalid in result.invalid_rows)
    # Line 1 holds the headers: the faulty rows are lines 3, 5 and 6 of the file.
    assert lines == [3, 5, 6]
    assert "levier-inexistant" in content
    assert "Département inconnu" in content
    assert "L&#x27;année de fin ne peut précéder" in content
    assert not Practice.objects.exists()


def test_import_data_rolls_everything_back_when_one_row_fails(levers):
    dataset = tablib.Dataset(row("bon"), row("faux", departement="999"), headers=HEADERS)
    result = PracticeResource().import_data(dataset, dry_run=False, user=make_staff(PUBLISHERS))
    assert result.has_validation_errors()
    assert not Practice.objects.exists()


def test_reimporting_the_same_file_creates_no_duplicates(client, levers):
    client.force_login(make_staff(EDITORS))
    rows = [row("alpha", chiffres_cles="emplois | 12"), row("beta")]
    confirm(client, preview(client, csv_file(*rows)))
    confirm(client, preview(client, csv_file(*rows)))
    assert Practice.objects.count() == 2
    assert Practice.objects.get(slug="alpha").key_figures.count() == 1


def test_reimport_updates_the_matching_practice(levers):
    publisher = make_staff(PUBLISHERS)
    resource = PracticeResource()
    resource.import_data(tablib.Dataset(row("alpha"), headers=HEADERS), user=publisher)
    changed = row("alpha", title="Nouveau titre", leviers="clauses-sociales")
    resource.import_data(tablib.Dataset(changed, headers=HEADERS), user=publisher)
    practice = Practice.objects.get()
    assert practice.title == "Nouveau titre"
    assert list(practice.levers.values_list("slug", flat=True)) == ["clauses-sociales"]


def test_an_editor_cannot_publish_through_an_import(levers):
    dataset = tablib.Dataset(row("alpha", statut="published"), headers=HEADERS)
    result = PracticeResource().import_data(dataset, user=make_staff(EDITORS))
    assert result.has_validation_errors()
    errors = result.invalid_rows[0].error_dict
    # Named after the file's column, where the editor typed it.
    assert list(errors) == ["statut"]
    assert "responsables éditoriaux" in str(errors["statut"])
    assert not Practice.objects.exists()


def test_a_publication_date_an_editor_changes_is_refused_under_its_column(levers):
    PracticeResource().import_data(
        tablib.Dataset(
            [*row("alpha", statut="published"), "01/06/2021 10:00"],
            headers=[*HEADERS, "publiee_le"],
        ),
        user=make_staff(PUBLISHERS),
    )
    changed = tablib.Dataset(
        [*row("alpha", statut="published"), "01/01/2020 00:00"], headers=[*HEADERS, "publiee_le"]
    )
    result = PracticeResource().import_data(changed, user=make_staff(EDITORS))

    errors = result.invalid_rows[0].error_dict
    assert list(errors) == ["publiee_le"]
    assert "date de publication" in str(errors["publiee_le"])


@pytest.mark.parametrize(
    ("fmt", "content", "message"),
    [
        ("0", "slug,title\nabc,Référence\n".encode("cp1252"), "« CSV UTF-8 (délimité"),
        ("1", b"PK\x03\x04 not really a workbook", "pas pu être lu dans le format choisi"),
    ],
    ids=["excel-csv", "broken-xlsx"],
)
def test_a_file_that_cannot_be_read_is_explained_in_french(client, levers, fmt, content, message):
    client.force_login(make_staff(EDITORS))
    upload = SimpleUploadedFile("pratiques", content, "application/octet-stream")

    response = client.post(
        "/admin/practices/practice/import/",
        {"resource": "0", "format": fmt, "import_file": upload},
    )

    page = unescape(response.content.decode())
    assert message in page
    assert "Error" not in page and "encountered" not in page


def test_a_publisher_can_publish_through_an_import(levers):
    dataset = tablib.Dataset(row("alpha", statut="Publiée"), headers=HEADERS)
    result = PracticeResource().import_data(dataset, user=make_staff(PUBLISHERS))
    assert not result.has_errors() and not result.has_validation_errors()
    assert Practice.objects.published().get().slug == "alpha"


def test_a_publication_date_with_a_mistyped_year_is_refused(levers):
    dataset = tablib.Dataset(
        [*row("alpha", statut="published"), "05/12/0026 10:00"], headers=[*HEADERS, "publiee_le"]
    )
    result = PracticeResource().import_data(dataset, user=make_staff(PUBLISHERS))
    assert "entre 1990 et 2100" in str(result.invalid_rows[0].error_dict)
    assert not Practice.objects.exists()


def test_a_row_without_lever_is_refused(levers):
    dataset = tablib.Dataset(row("alpha", leviers=""), headers=HEADERS)
    result = PracticeResource().import_data(dataset, user=make_staff(EDITORS))
    assert "au moins un levier" in str(result.invalid_rows[0].error_dict)
    assert not Practice.objects.exists()


def test_an_xlsx_file_with_numeric_cells_is_imported(client, levers):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    values = row("alpha", departement=1, start_year=2019)
    sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("pratiques.xlsx", buffer.getvalue())
    client.force_login(make_staff(EDITORS))
    response = client.post(
        "/admin/practices/practice/import/",
        {"resource": "0", "format": "1", "import_file": upload},
    )
    assert "confirm_form" in response.context, response.content.decode()[:3000]
    confirm(client, response)
    assert Practice.objects.get().department_id == "01"


def test_staff_without_add_permission_cannot_import(client):
    user = make_staff()
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="view_practice"))
    client.force_login(user)
    assert client.get("/admin/practices/practice/import/").status_code == 403
