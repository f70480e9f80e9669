"""Uploaded fiche PDFs: checked by what they contain (procurement_portal.uploads)."""

from django.core.exceptions import ValidationError

from procurement_portal.uploads import MAX_UPLOAD_BYTES, check_upload

PDF_MAX_BYTES = MAX_UPLOAD_BYTES


def validate_pdf(upload):
    """A real PDF (it starts with %PDF-), named .pdf, of at most 20 MB."""
    if getattr(upload, "_committed", False):
        # Already stored (checked when it was uploaded); don't reopen it on every save.
        return
    if not str(upload.name).lower().endswith(".pdf") and getattr(upload, "size", 0) <= (
        MAX_UPLOAD_BYTES
    ):
        raise ValidationError(
            "Le nom du fichier doit se terminer par « .pdf ».", code="pdf_bad_extension"
        )
    check_upload(upload, {"PDF"}, what="le PDF d'une fiche")
