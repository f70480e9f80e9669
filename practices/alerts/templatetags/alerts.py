"""{% alert_form filterset %} and {% alert_form_for parameter value label %}: the
« Recevoir les nouvelles pratiques par e-mail » form of list, lever and department pages.

No CSRF token (cached pages, see practices.alerts.views); no query of its own: the labels
come from the filter set the list page has already read.
"""

from django import template

from procurement_portal.rendering import drawn_once

from ..forms import AlertForm
from ..searches import describe, hidden_inputs

register = template.Library()


def _context(filters, description):
    return {"fields": _fields(), "filters": filters, "description": description}


def _fields():
    """The form's fields, unbound and the same on every page."""
    return drawn_once(
        ("alert-fields",),
        "alerts/_subscribe_fields.html",
        lambda: {"alert_form": AlertForm(auto_id="alerte-%s")},
    )


@register.inclusion_tag("alerts/_subscribe_form.html")
def alert_form(filterset):
    return _context(hidden_inputs(filterset), describe(filterset))


@register.inclusion_tag("alerts/_subscribe_form.html")
def alert_form_for(parameter, value, label):
    return _context([(parameter, value)], label)
