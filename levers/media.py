"""Serves uploaded fiche PDFs; whitenoise serves static files only.

Only a file that a fiche references is served, always as application/pdf with
nosniff (procurement_portal.uploads), so an upload can never be served as HTML or script.
"""

from django.http import Http404
from django.views.decorators.http import require_safe

from procurement_portal.uploads import serve_upload

from .models import Fiche


@require_safe
def fiche_pdf(request, name):
    stored_name = f"fiches/{name}"
    # PostgreSQL refuses NUL in a query parameter: a 404, not a 500.
    if "\x00" in name or not Fiche.objects.filter(pdf=stored_name).exists():
        raise Http404("Aucune fiche ne publie ce fichier.")
    return serve_upload(stored_name, "PDF")
