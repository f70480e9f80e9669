"""« Prévisualiser » under the admin's Markdown fields: the text rendered by the very
sanitizer the public pages use (procurement_portal.markdown), by a staff-only view,
from a script file (no inline script under the strict CSP)."""

from django.contrib.admin.widgets import AdminTextareaWidget
from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from .markdown import render_markdown

# Longer than any field editors write (a practice's description is a few pages).
MAX_PREVIEW_CHARS = 100_000


class MarkdownTextarea(AdminTextareaWidget):
    def __init__(self, attrs=None):
        attrs = {"data-markdown-preview": reverse_lazy("admin_markdown_preview"), **(attrs or {})}
        super().__init__(attrs)

    class Media:
        js = ["admin-portal/markdown-preview.js"]


@require_POST
def markdown_preview(request):
    """The HTML visitors would see for the posted text (wrapped by admin_view: staff only)."""
    text = request.POST.get("text", "")
    if len(text) > MAX_PREVIEW_CHARS:
        return HttpResponseBadRequest("Texte trop long pour l'aperçu.")
    html = render_markdown(text) or "<p>(Rien à afficher.)</p>"
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["X-Robots-Tag"] = "noindex"
    return response
