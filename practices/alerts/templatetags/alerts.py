"""{% alert_form filterset %} and {% alert_form_for parameter value label %}: the
« Recevoir les nouvelles pratiques par e-mail » form of list, lever and department pages.

No CSRF token (cached pages, see practices.alerts.views); no query of its own: the labels
come from the filter set the list page has already read.
"""

from django import template
from django.conf import settings
from django.template.loader import render_to_string

from ..forms import AlertForm
from ..searches import describe, hidden_inputs

register = template.Library()


def _context(filters, description):
    return {"fields": _fields(), "filters": filters, "description": description}


_FIELDS = []


def _fields():
    """The form's fields, unbound and the same on every page: rendered once per process
    (Django's form rendering, ~1.5 ms a page, was a tenth of a list page's Python time).
    Rendered anew with DEBUG on, so that an edited template shows at once."""
    if settings.DEBUG or not _FIELDS:
        html = render_to_string(
            "alerts/_subscribe_fields.html", {"alert_form": AlertForm(auto_id="alerte-%s")}
        )
        if settings.DEBUG:
            return html
        _FIELDS.append(html)
    return _FIELDS[0]


@register.inclusion_tag("alerts/_subscribe_form.html")
def alert_form(filterset):
    return _context(hidden_inputs(filterset), describe(filterset))


@register.inclusion_tag("alerts/_subscribe_form.html")
def alert_form_for(parameter, value, label):
    return _context([(parameter, value)], label)
