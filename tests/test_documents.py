"""Practices' documents: checked by content, served in their own format while public."""

import io
import zipfile
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from practices.documents import Document, validate_document
from practices.models import Practice
from procurement_portal.uploads import MAX_UPLOAD_BYTES
from tests.factories import make_lever, make_practice, make_staff, practice_admin_form_data

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64 + b"This program"
HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>"


def zip_bytes(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            compression = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=compression)
    return buffer.getvalue()


def odf(mimetype):
    return zip_bytes([("mimetype", mimetype), ("content.xml", "<office:document-content/>")])


def ooxml(main_part, document_member):
    types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'content-types"><Override PartName="/{document_member}" ContentType="{main_part}"/>'
        "</Types>"
    )
    return zip_bytes([("[Content_Types].xml", types), (document_member, "<x/>")])


ODT = odf("application/vnd.oasis.opendocument.text")
ODS = odf("application/vnd.oasis.opendocument.spreadsheet")
DOCX = ooxml(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "word/document.xml",
)
XLSX = ooxml(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "xl/workbook.xml",
)
DOCM = ooxml("application/vnd.ms-word.document.macroEnabled.main+xml", "word/document.xml")


@pytest.mark.parametrize(
    ("name", "content"),
    [("cctp.pdf", PDF), ("clause.odt", ODT), ("suivi.ods", ODS), ("clause.docx", DOCX),
     ("bilan.xlsx", XLSX)],
)  # fmt: skip
def test_real_documents_are_accepted(name, content):
    validate_document(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("programme.pdf", EXE, "n'est pas un vrai document"),
        ("programme.docx", EXE, "n'est pas un vrai document"),
        ("page.pdf", HTML, "n'est pas un vrai document"),
        ("archive.docx", zip_bytes([("readme.txt", "x")]), "n'est pas un vrai document"),
        ("macro.docx", DOCM, "n'est pas un vrai document"),
        ("clause.pdf", DOCX, "doit se terminer par « .docx »"),
        ("abime.odt", b"PK\x03\x04 not really a zip", "n'est pas un vrai document"),
    ],
)
def test_other_files_are_refused_whatever_their_name(name, content, message):
    with pytest.raises(ValidationError) as error:
        validate_document(SimpleUploadedFile(name, content))
    assert message in " ".join(error.value.messages)


def test_over_20_mb_is_refused():
    big = SimpleUploadedFile("gros.pdf", PDF + b"0" * MAX_UPLOAD_BYTES)
    with pytest.raises(ValidationError, match="20 Mo"):
        validate_document(big)


@pytest.fixture
def practice(db):
    return make_practice(levers=[make_lever()], title="Pratique documentée")


def attach(practice, name, content, **fields):
    document = Document(
        practice=practice,
        title=fields.pop("title", "Cahier des charges 2018"),
        kind=fields.pop("kind", Document.Kind.SPECIFICATIONS),
        file=SimpleUploadedFile(name, content),
        **fields,
    )
    document.full_clean()
    document.save()
    return document


def post_inline(client, practice, name, content):
    # A responsable éditorial: an Éditeur's change of a published practice goes to review.
    client.force_login(make_staff("Responsables éditoriaux"))
    data = practice_admin_form_data(practice)
    data.update(
        {
            "documents-TOTAL_FORMS": "1",
            "documents-0-title": "Clause type",
            "documents-0-kind": "clause-type",
            "documents-0-position": "0",
            "documents-0-file": SimpleUploadedFile(name, content),
        }
    )
    return client.post(f"/admin/practices/practice/{practice.pk}/change/", data)


def test_editors_upload_a_document_in_the_practice_form(client, practice, settings):
    response = post_inline(client, practice, "clause.docx", DOCX)
    assert response.status_code == 302, response.content.decode()[:3000]
    document = practice.documents.get()
    assert document.format == "DOCX" and document.size == len(DOCX)
    assert (settings.MEDIA_ROOT / document.file.name).read_bytes() == DOCX
    assert document.file.name.startswith("documents/")


def test_an_editor_changing_a_published_practice_sees_its_documents_read_only(client, practice):
    attach(practice, "cctp.pdf", PDF)
    client.force_login(make_staff("Éditeurs"))
    page = client.get(f"/admin/practices/practice/{practice.pk}/change/").content.decode()
    assert "Cahier des charges 2018" in page
    assert 'name="documents-0-file"' not in page
    assert 'name="documents-0-title"' not in page


def test_a_renamed_file_is_refused_in_the_admin_with_a_french_message(client, practice):
    response = post_inline(client, practice, "faux.pdf", HTML)
    assert response.status_code == 200
    assert "vrai document" in response.content.decode()
    assert not practice.documents.exists()


def test_a_form_sent_back_with_an_error_says_which_chosen_files_to_choose_again(client, practice):
    # A browser never fills a file input again: the file chosen is gone from the form.
    client.force_login(make_staff("Responsables éditoriaux"))
    data = practice_admin_form_data(practice, title="")  # the title is required
    data.update(
        {
            "documents-TOTAL_FORMS": "1",
            "documents-0-title": "Clause type",
            "documents-0-kind": "clause-type",
            "documents-0-position": "0",
            "documents-0-file": SimpleUploadedFile("clause-type.docx", DOCX),
        }
    )
    response = client.post(f"/admin/practices/practice/{practice.pk}/change/", data)
    assert response.status_code == 200
    page = unescape(response.content.decode())
    assert "« clause-type.docx » n’a pas été enregistré" in page
    assert "choisissez-le à nouveau" in page
    assert not practice.documents.exists()


def test_page_and_api_list_documents_with_kind_format_and_size(client, practice):
    attach(practice, "cctp.pdf", PDF)
    attach(practice, "suivi.ods", ODS, title="Tableau de suivi", kind=Document.Kind.REPORT)
    html = client.get(practice.get_absolute_url()).content.decode()
    assert '<h2 id="documents">Documents</h2>' in html
    assert "Cahier des charges 2018" in html and "Cahier des charges (PDF," in html
    assert "Bilan ou rapport (ODS," in html
    data = client.get(f"/api/pratiques/{practice.slug}/").json()
    assert [d["format"] for d in data["documents"]] == ["PDF", "ODS"]
    assert data["documents"][0]["taille_octets"] == len(PDF)
    assert data["documents"][0]["url"].startswith("http://testserver/media/documents/")


@pytest.mark.parametrize(
    ("name", "content", "content_type", "disposition"),
    [
        ("cctp.pdf", PDF, "application/pdf", "inline"),
        (
            "clause.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "attachment",
        ),
        ("clause.odt", ODT, "application/vnd.oasis.opendocument.text", "attachment"),
    ],
)
def test_documents_are_served_in_their_own_format(
    client, practice, name, content, content_type, disposition
):
    document = attach(practice, name, content)
    response = client.get(document.url)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith(f'{disposition}; filename="')
    assert name.split(".")[0] in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == content


def test_documents_are_served_only_while_the_practice_is_public(client, practice):
    document = attach(practice, "cctp.pdf", PDF)
    Practice.objects.filter(pk=practice.pk).update(status=Practice.Status.ARCHIVED)
    assert client.get(document.url).status_code == 404
    assert client.get("/media/documents/inconnu.pdf").status_code == 404
    assert client.get("/media/documents/../fiches/x.pdf").status_code == 404
    assert client.get("/media/documents/x%00.pdf").status_code == 404


def test_practice_page_with_documents_keeps_its_query_budget(
    client, practice, page_cache, django_assert_max_num_queries
):
    attach(practice, "cctp.pdf", PDF)
    attach(practice, "suivi.ods", ODS)
    with django_assert_max_num_queries(10):
        response = client.get(practice.get_absolute_url())
    assert "Cahier des charges 2018" in response.content.decode()


def test_a_document_is_served_in_one_query(client, practice, django_assert_max_num_queries):
    document = attach(practice, "cctp.pdf", PDF)
    with django_assert_max_num_queries(1):
        response = client.get(document.url)
        assert b"".join(response.streaming_content) == PDF
