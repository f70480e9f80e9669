"""Uploaded files (fiche PDFs, practices' documents): checked by what they contain and
served so that they can never run as a page.

One home for both: `check_upload()` tells a file's format from its bytes (magic
bytes for PDF; for the ZIP-based office formats, the ODF `mimetype` member or the
OOXML `[Content_Types].xml` member), refuses anything else, anything over 20 MB, and
a name whose extension says another format. `serve_upload()` answers with the
format's own content type, `nosniff` and a Content-Disposition naming the file;
callers decide first whether the file may be served at all.
"""

import zipfile
from pathlib import PurePosixPath

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
# Read at most this much of an archive member: a tiny manifest, never a zip bomb.
MEMBER_READ_LIMIT = 256 * 1024


class Format:
    def __init__(self, code, content_type, extension, label):
        self.code, self.content_type, self.extension, self.label = (
            code,
            content_type,
            extension,
            label,
        )


FORMATS = {
    f.code: f
    for f in (
        Format("PDF", "application/pdf", ".pdf", "PDF"),
        Format("ODT", "application/vnd.oasis.opendocument.text", ".odt", "ODT (texte)"),
        Format("ODS", "application/vnd.oasis.opendocument.spreadsheet", ".ods", "ODS (tableur)"),
        Format(
            "DOCX",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".docx",
            "DOCX (Word)",
        ),
        Format(
            "XLSX",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ".xlsx",
            "XLSX (Excel)",
        ),
    )
}
# The OOXML main part each format declares in [Content_Types].xml (macro-enabled
# variants declare another one and are refused).
OOXML_MAIN_PARTS = {
    "DOCX": b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "XLSX": b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "ODT",
    b"application/vnd.oasis.opendocument.spreadsheet": "ODS",
}


def _read_member(archive, name):
    with archive.open(name) as member:
        return member.read(MEMBER_READ_LIMIT)


def _zip_format(upload):
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                return ODF_MIMETYPES.get(_read_member(archive, "mimetype").strip())
            if "[Content_Types].xml" in names:
                manifest = _read_member(archive, "[Content_Types].xml")
                for code, main_part in OOXML_MAIN_PARTS.items():
                    if main_part in manifest:
                        return code
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, ValueError):
        return None
    except NotImplementedError:  # an unsupported compression method
        return None
    return None


def detect_format(upload):
    """The code of `upload`'s format (« PDF », « DOCX »…) read from its bytes, or None."""
    position = upload.tell() if hasattr(upload, "tell") else None
    try:
        upload.seek(0)
        head = upload.read(len(PDF_MAGIC))
        if head == PDF_MAGIC:
            return "PDF"
        if head[: len(ZIP_MAGIC)] == ZIP_MAGIC:
            upload.seek(0)
            return _zip_format(upload)
        return None
    finally:
        if position is not None:
            upload.seek(position)


def check_upload(upload, allowed, *, what):
    """The format code of a new upload, or a ValidationError in French.

    `allowed`: format codes accepted; `what`: « le PDF d'une fiche », « un document »,
    for the messages.
    """
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            "Ce fichier pèse %(size)s : %(what)s ne peut dépasser 20 Mo. Réduisez-le (export "
            "« taille réduite ») puis déposez-le à nouveau.",
            code="too_large",
            params={"size": filesizeformat(size), "what": what},
        )
    code = detect_format(upload)
    accepted = ", ".join(FORMATS[c].code for c in allowed)
    if code not in allowed:
        raise ValidationError(
            "Ce fichier n'est pas un vrai %(formats)s, quel que soit son nom : enregistrez-le "
            "dans l'un de ces formats depuis votre logiciel, puis déposez-le.",
            code="bad_content",
            params={"formats": accepted if len(allowed) == 1 else f"document ({accepted})"},
        )
    extension = FORMATS[code].extension
    if not str(upload.name).lower().endswith(extension):
        raise ValidationError(
            "Ce fichier est un %(format)s : son nom doit se terminer par « %(extension)s ».",
            code="bad_extension",
            params={"format": code, "extension": extension},
        )
    return code


def serve_upload(stored_name, format_code, *, attachment=False):
    """A stored upload as a response of its own format, never sniffed into anything else."""
    if "\x00" in stored_name or ".." in PurePosixPath(stored_name).parts:
        raise Http404("Fichier introuvable.")
    try:
        handle = default_storage.open(stored_name, "rb")
    except (FileNotFoundError, SuspiciousFileOperation):
        raise Http404("Fichier introuvable.") from None
    response = FileResponse(
        handle,
        content_type=FORMATS[format_code].content_type,
        as_attachment=attachment,
        filename=PurePosixPath(stored_name).name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Short: a file stops being served as soon as its practice or fiche is withdrawn.
    response["Cache-Control"] = "public, max-age=300"
    return response
