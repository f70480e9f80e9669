"""Uploaded fiche PDFs: checked by what they contain, not by what they are called."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

PDF_MAX_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


def validate_pdf(upload):
    """A real PDF (it starts with %PDF-), named .pdf, of at most 20 MB."""
    if getattr(upload, "_committed", False):
        # Already stored (checked when it was uploaded); don't reopen it on every save.
        return
    size = getattr(upload, "size", None)
    if size is not None and size > PDF_MAX_BYTES:
        raise ValidationError(
            "Ce fichier pèse %(size)s : le PDF d'une fiche ne peut dépasser 20 Mo. "
            "Réduisez-le (export « taille réduite ») puis déposez-le à nouveau.",
            code="pdf_too_large",
            params={"size": filesizeformat(size)},
        )
    if not str(upload.name).lower().endswith(".pdf"):
        raise ValidationError(
            "Le nom du fichier doit se terminer par « .pdf ».", code="pdf_bad_extension"
        )
    position = upload.tell() if hasattr(upload, "tell") else None
    try:
        upload.seek(0)
        head = upload.read(len(PDF_MAGIC))
    finally:
        if position is not None:
            upload.seek(position)
    if head != PDF_MAGIC:
        raise ValidationError(
            "Ce fichier n'est pas un vrai PDF, même si son nom se termine par « .pdf ». "
            "Enregistrez le document au format PDF depuis votre logiciel, puis déposez-le.",
            code="pdf_not_pdf",
        )
