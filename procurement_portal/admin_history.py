"""The « Historique » pages of the admin, in French: labels rather than codes, Paris time
without microseconds, « — » for nothing, related objects by name, the reason of each
change. Every model with a history uses FrenchHistoryAdmin instead of SimpleHistoryAdmin."""

from datetime import date, datetime
from decimal import Decimal

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.html import conditional_escape
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from practices.numbers import format_french_decimal

from .admin import converts

NOTHING = "—"
ACTIONS = {"+": "Création", "~": "Modification", "-": "Suppression"}
DATETIME_FORMAT = "j F Y à H:i"


def french_datetime(value):
    """« 30 novembre 2026 à 11:30 », in Paris time."""
    if value is None:
        return NOTHING
    if isinstance(value, datetime):
        return date_filter(
            timezone.localtime(value) if timezone.is_aware(value) else value, DATETIME_FORMAT
        )
    return date_filter(value, "j F Y")


def readable(field, value):
    """A stored value as an editor reads it."""
    if value is None or value == "" or value == []:
        return NOTHING
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or NOTHING
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, datetime | date):
        return french_datetime(value)
    if isinstance(value, Decimal):
        return format_french_decimal(value)
    return str(value)


class FrenchHistoryContextHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        return readable(self.model._meta.get_field(change.field), value)

    def stringify_delta_change_values(self, change, old, new):
        old_short, new_short = self.get_obj_diff_display().common_shorten_repr(old, new)
        return conditional_escape(old_short), conditional_escape(new_short)


class FrenchHistoryAdmin(SimpleHistoryAdmin):
    # Fields shown for each version, after its title (e.g. the status of a practice).
    history_fields = []
    history_list_per_page = 50

    # simple-history looks ids up as typed: « abc » would be a ValueError, a 500.

    def history_view(self, request, object_id, extra_context=None):
        _checked_id(self.model, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _checked_id(self.model, unquote(object_id))
        _checked_id(self.model.history.model, version_id)
        # simple-history only hides the « revert » button from who may not change the
        # object, and saves what they post all the same.
        if request.method == "POST" and self.revert_disabled(
            request, self.get_object(request, unquote(object_id))
        ):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return FrenchHistoryContextHelper(self.model, historical_record)

    def render_history_view(self, request, template, context, **kwargs):
        # Also renders a version's « revert » form, which lists no versions.
        if "page_obj" in context:
            fields = [self.model._meta.get_field(name) for name in self.history_fields]
            context["history_headers"] = [str(f.verbose_name).capitalize() for f in fields]
            for record in context["page_obj"]:
                record.french_date = french_datetime(record.history_date)
                record.french_action = ACTIONS.get(record.history_type, record.history_type)
                record.french_values = [readable(f, getattr(record, f.name)) for f in fields]
        return super().render_history_view(request, template, context, **kwargs)


def _checked_id(model, value):
    if not converts(model._meta.pk, value):
        raise Http404
