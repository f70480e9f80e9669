"""Serves uploaded fiche PDFs; whitenoise serves static files only.

Only a file that a fiche references is served, always as application/pdf with
nosniff, so an upload can never be served as HTML or script.
"""

from pathlib import PurePosixPath

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from .models import Fiche


@require_safe
def fiche_pdf(request, name):
    stored_name = f"fiches/{name}"
    # PostgreSQL refuses NUL in a query parameter: a 404, not a 500.
    if (
        "\x00" in name
        or ".." in PurePosixPath(name).parts
        or not Fiche.objects.filter(pdf=stored_name).exists()
    ):
        raise Http404("Aucune fiche ne publie ce fichier.")
    try:
        handle = default_storage.open(stored_name, "rb")
    except (FileNotFoundError, SuspiciousFileOperation):
        raise Http404("Fichier introuvable.") from None
    response = FileResponse(
        handle,
        content_type="application/pdf",
        as_attachment=False,
        filename=PurePosixPath(name).name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    return response
