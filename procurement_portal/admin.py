"""What the admin pages of every app share."""

import copy

from django import forms
from django.contrib.admin import widgets
from django.db import models
from django.urls import NoReverseMatch
from django.utils.html import format_html
from django.utils.text import capfirst
from import_export.forms import SelectableFieldsExportForm
from simple_history.utils import get_m2m_reverse_field_name


class EditorFormDefaults:
    """ModelAdmin/inline mixin: form defaults that suit editors (help texts live on the models),
    and a name for every field a screen reader lands on (RGAA 11.1)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            # Editors paste bare domains; the web is https now (Django 6 default).
            kwargs.setdefault("assume_scheme", "https")
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(formfield.widget, widgets.AdminSplitDateTime):
            # Two inputs under one label: each needs its own name.
            label = capfirst(formfield.label or db_field.verbose_name)
            date_input, time_input = formfield.widget.widgets
            date_input.attrs["aria-label"] = f"{label} : date (JJ/MM/AAAA)"
            time_input.attrs["aria-label"] = f"{label} : heure (HH:MM)"
        return formfield

    def get_formset(self, request, obj=None, **kwargs):
        # Inlines only: a tabular row's fields sit under column headers, not labels.
        formset = super().get_formset(request, obj, **kwargs)

        class RowNamedFormSet(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)  # adds « Supprimer ? » after the form's own
                _name_fields(form, _inline_row_name(form))

        RowNamedFormSet.__name__ = formset.__name__
        return RowNamedFormSet

    def get_changelist_form(self, request, **kwargs):
        # list_editable fields (positions) sit in a table row, without a label.
        form_class = super().get_changelist_form(request, **kwargs)

        class RowNamedForm(form_class):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                _name_fields(self, f"« {self.instance} »")

        RowNamedForm.__name__ = form_class.__name__
        return RowNamedForm


def _inline_row_name(form):
    """« chiffre clé 2 » for the second row of an inline, « nouveau chiffre clé » for a new one."""
    noun = form._meta.model._meta.verbose_name
    index = (form.prefix or "").rpartition("-")[2]
    return f"{noun} {int(index) + 1}" if index.isdigit() else f"nouveau {noun}"


def _name_fields(form, row):
    """Name each visible field « Valeur (chiffre clé 2) » for assistive technologies."""
    for field in form.fields.values():
        if not field.widget.is_hidden:
            field.widget = copy.copy(field.widget)
            field.widget.attrs = {
                **field.widget.attrs,
                "aria-label": f"{capfirst(field.label or '')} ({row})",
            }


class HistoryRevertsRelations:
    """SimpleHistoryAdmin mixin: the « revert » form shows the version's many-to-many
    choices (levers, sectors, partners) instead of today's, so that reverting restores
    them too. simple-history builds that form from the current rows."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # On the request, not on this admin: one instance serves every request.
        request.history_version_id = version_id
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        version_id = getattr(request, "history_version_id", None)
        if version_id is None:
            return form
        record = self.model.history.filter(history_id=version_id).first()
        if record is None:
            return form
        tracked = {field.name: field for field in record._history_m2m_fields}
        initial = {
            name: [
                getattr(row, f"{get_m2m_reverse_field_name(field)}_id")
                for row in getattr(record, name).all()
            ]
            for name, field in tracked.items()
            if name in form.base_fields
        }

        class VersionForm(form):
            def __init__(self, *args, **kwargs):
                kwargs["initial"] = {**initial, **(kwargs.get("initial") or {})}
                super().__init__(*args, **kwargs)

        return VersionForm


def in_default_order(queryset):
    """The queryset in its model's order: a GROUP BY (an annotated count) drops the
    default one, which paginated admin lists, autocomplete included, need."""
    return queryset.order_by(*queryset.model._meta.ordering)


def public_link(obj, label="Voir sur le site"):
    """A link to the public page, or a dash while that page has no URL yet."""
    try:
        url = obj.get_absolute_url()
    except NoReverseMatch:
        return "—"
    return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, label)


class ExportForm(SelectableFieldsExportForm):
    """django-import-export's export form, its « Select all » toggle working under the
    strict CSP (see static/admin-portal/export.js)."""

    @property
    def media(self):
        return super().media + forms.Media(js=["admin-portal/export.js"])
