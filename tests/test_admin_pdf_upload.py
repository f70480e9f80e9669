"""Fiche PDFs: only real PDFs up to 20 MB, stored under MEDIA_ROOT, served as application/pdf."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from levers.models import Fiche
from levers.validators import PDF_MAX_BYTES, validate_pdf
from tests.factories import make_fiche, make_staff

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def fiche_form_data(fiche, **overrides):
    data = {
        "kit": fiche.kit_id,
        "number": fiche.number,
        "title": fiche.title,
        "slug": fiche.slug,
        "published_on": "01/06/2021",
        "summary": "",
        "body": "",
        "pdf_name": "",
        "pdf_size_kib": "",
        "levers": [],
        "resources-TOTAL_FORMS": "0",
        "resources-INITIAL_FORMS": "0",
        "resources-MIN_NUM_FORMS": "0",
        "resources-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def upload(client, fiche, name, content):
    client.force_login(make_staff("Éditeurs"))
    data = fiche_form_data(fiche, pdf=SimpleUploadedFile(name, content, "application/pdf"))
    return client.post(f"/admin/levers/fiche/{fiche.pk}/change/", data)


def test_a_real_pdf_is_stored_under_media_root(client, settings):
    fiche = make_fiche()
    response = upload(client, fiche, "fiche12.pdf", PDF_BYTES)
    assert response.status_code == 302
    fiche.refresh_from_db()
    assert fiche.pdf.name.startswith("fiches/fiche12")
    assert (settings.MEDIA_ROOT / fiche.pdf.name).read_bytes() == PDF_BYTES
    assert fiche.pdf_size_kib == 1
    assert fiche.pdf_name == "fiche12.pdf"


def test_a_fake_pdf_is_refused_with_a_clear_french_error(client):
    fiche = make_fiche()
    response = upload(client, fiche, "fiche.pdf", b"<html><script>alert(1)</script></html>")
    assert response.status_code == 200
    assert "n&#x27;est pas un vrai PDF" in response.content.decode()
    fiche.refresh_from_db()
    assert not fiche.pdf


def test_a_pdf_without_the_pdf_extension_is_refused(client):
    fiche = make_fiche()
    response = upload(client, fiche, "fiche.html", PDF_BYTES)
    assert response.status_code == 200
    assert "doit se terminer par « .pdf »" in response.content.decode()


def test_a_pdf_over_20_mb_is_refused():
    big = SimpleUploadedFile("gros.pdf", b"%PDF-" + b"0" * PDF_MAX_BYTES, "application/pdf")
    with pytest.raises(ValidationError, match="20 Mo"):
        validate_pdf(big)


def test_a_pdf_of_exactly_20_mb_is_accepted():
    exact = SimpleUploadedFile("juste.pdf", b"%PDF-" + b"0" * (PDF_MAX_BYTES - 5))
    validate_pdf(exact)


def test_the_pdf_is_served_with_a_safe_content_type(client):
    fiche = make_fiche()
    upload(client, fiche, "fiche12.pdf", PDF_BYTES)
    fiche.refresh_from_db()
    client.logout()
    response = client.get(fiche.pdf.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline; filename=")
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_files_no_fiche_references_are_not_served(client, settings):
    (settings.MEDIA_ROOT / "fiches").mkdir(parents=True)
    (settings.MEDIA_ROOT / "fiches" / "orphelin.pdf").write_bytes(PDF_BYTES)
    assert client.get("/media/fiches/orphelin.pdf").status_code == 404
    assert client.get("/media/fiches/../../etc/passwd").status_code == 404
    assert client.get("/media/fiches/orphelin%00.pdf").status_code == 404
    assert not Fiche.objects.exclude(pdf="").exists()
