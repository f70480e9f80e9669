"""Pieces of HTML that every page draws alike (header, footer, the alert form's fields):
rendered once per process, then reused."""

from django.conf import settings
from django.template.loader import render_to_string

# {(name, what they depend on): HTML}.
_DRAWN = {}


def drawn_once(key, template_name, context):
    """render_to_string(template_name, context()) the first time for `key`, the same HTML
    afterwards; anew with DEBUG on, so that an edited template shows at once. `context`
    is a callable, called only when the piece is drawn.

    The header and footer took ~0.45 ms of every page (12 URLs reversed, 5 includes), the
    alert form's fields ~1.5 ms of a list page (Django's form rendering)."""
    if settings.DEBUG:
        return render_to_string(template_name, context())
    if key not in _DRAWN:
        _DRAWN[key] = render_to_string(template_name, context())
    return _DRAWN[key]
