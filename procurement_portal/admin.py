"""What the admin pages of every app share."""

import copy
import json

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers, widgets
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from import_export.forms import SelectableFieldsExportForm
from simple_history.utils import get_m2m_reverse_field_name

from practices.numbers import FrenchDecimalField

from .admin_markdown import MarkdownTextarea


class AutocompleteView(AutocompleteJsonView):
    """The admin's search-as-you-type answers (/admin/autocomplete/), refused (403) for a
    field that is no field of the model's own: Django looked up a reverse relation named
    in the address (?field_name=key_figures) as if it were one, and failed (500)."""

    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        if not source_field.concrete:
            raise PermissionDenied
        return term, model_admin, source_field, to_field_name


class ReadOnlyAdmin:
    """ModelAdmin mixin: records written by the application (documents' list, revisions),
    which editors look up here but change elsewhere, or never."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EditorFormDefaults:
    """ModelAdmin/inline mixin: form defaults that suit editors (help texts live on the models),
    and a name for every field a screen reader lands on (RGAA 11.1), and the model's own
    names where Django's French says « objet »."""

    # On inlines: the « add a row » link (Django: « Ajouter un objet X supplémentaire »).
    add_another_text = None

    def changelist_view(self, request, extra_context=None):
        # Django: « Sélectionnez l'objet pratique à changer ».
        title = capfirst(self.model._meta.verbose_name_plural)
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except (ValueError, OverflowError) as error:
            # A lookup Django turns into a date only when counting (?published_at__year=
            # 99999): the list then shows unfiltered with Django's own notice (?e=1).
            raise IncorrectLookupParameters(error) from error

    def response_action(self, request, queryset):
        # Django filters the list by the posted ids as they come: « abc » was a 500.
        pk = self.model._meta.pk
        if not all(converts(pk, v) for v in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)):
            self.message_user(
                request,
                "Sélection invalide : rechargez la liste, puis cochez à nouveau les lignes.",
                messages.WARNING,
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        # A form posted with files comes back only when it has errors: the browser will
        # not fill its file inputs again, so the files chosen would be lost unnoticed.
        names = [f"« {upload.name} »" for upload in request.FILES.values()]
        if request.method == "POST" and names:
            many = len(names) > 1
            self.message_user(
                request,
                f"{', '.join(names)} {'n’ont' if many else 'n’a'} pas été "
                f"enregistré{'s' if many else ''} : le formulaire contient des erreurs et un "
                "navigateur ne garde pas un fichier choisi. Corrigez les erreurs, puis "
                f"choisissez-{'les' if many else 'le'} à nouveau avant d'enregistrer.",
                messages.WARNING,
            )
        return super().render_change_form(request, context, add=add, change=change, **kwargs)

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_formsets = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for inline_formset in inline_formsets:
            inline_formset.__class__ = NamedInlineAdminFormSet
        return inline_formsets

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            # Editors paste bare domains; the web is https now (Django 6 default).
            kwargs.setdefault("assume_scheme", "https")
        if db_field.name in getattr(self, "markdown_fields", ()):
            # « Prévisualiser » through the public pages' sanitizer.
            kwargs.setdefault("widget", MarkdownTextarea)
        if isinstance(db_field, models.DecimalField):
            # « 12,5 » and « 350 000,50 » read the French way, whatever the browser's locale.
            kwargs.setdefault("form_class", FrenchDecimalField)
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(formfield.widget, widgets.AdminSplitDateTime):
            # Two inputs under one label: each needs its own name.
            label = capfirst(formfield.label or db_field.verbose_name)
            date_input, time_input = formfield.widget.widgets
            date_input.attrs["aria-label"] = f"{label} : date (JJ/MM/AAAA)"
            time_input.attrs["aria-label"] = f"{label} : heure (HH:MM)"
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", CheckedModelChoiceField)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", CheckedModelMultipleChoiceField)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

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
                # An empty page builds the formset's blank row, never shown, whose
                # instance may not be named yet (a suggestion without its practice).
                if self.instance.pk is not None:
                    _name_fields(self, f"« {self.instance} »")

        RowNamedForm.__name__ = form_class.__name__
        return RowNamedForm


class CheckedAutocomplete:
    """Django's search-as-you-type widgets, showing a form again with a forged id (« abc »
    for a number) as an error rather than failing: Django looks the ids up as posted."""

    def optgroups(self, name, value, attr=None):
        target = self.field.target_field
        return super().optgroups(name, [v for v in value if converts(target, v)], attr)


def converts(field, value):
    """Whether `value`, as posted, is a valid value of `field` (an id « abc » is not, nor
    one past what the database stores: SQLite cannot even be asked about it)."""
    try:
        field.run_validators(field.to_python(value))
    except ValidationError:
        return False
    return True


class CheckedModelChoiceField(forms.ModelChoiceField):
    """Django's choice of a related row, an id past the database's range (« 9999…9 »)
    refused as any unknown choice: Django asked SQLite about it, which overflowed."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class CheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """CheckedModelChoiceField for many-to-many relations (levers, sectors…)."""

    @property
    def _pk_field(self):
        opts = self.queryset.model._meta
        return opts.get_field(self.to_field_name) if self.to_field_name else opts.pk

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_pk_value"],
                code="invalid_pk_value",
                params={"pk": next((v for v in value if not converts(self._pk_field, v)), "")},
            ) from None


class CheckedAutocompleteSelect(CheckedAutocomplete, widgets.AutocompleteSelect):
    pass


class CheckedAutocompleteSelectMultiple(CheckedAutocomplete, widgets.AutocompleteSelectMultiple):
    pass


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


class NamedInlineAdminFormSet(helpers.InlineAdminFormSet):
    """Django's inline rows, their « add » link naming the model (add_another_text)."""

    def inline_formset_data(self):
        data = json.loads(super().inline_formset_data())
        text = getattr(self.opts, "add_another_text", None)
        if not text:
            text = f"Ajouter une ligne : {self.opts.model._meta.verbose_name}"
        data["options"]["addText"] = text
        return json.dumps(data, ensure_ascii=False)


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


def mailto_link(email):
    """A clickable address, or a dash once personal data has been purged."""
    if not email:
        return "—"
    return format_html('<a href="mailto:{}">{}</a>', email, email)


def link_list(text):
    """Links typed one per line, clickable when they are web addresses (http, https);
    anything else stays text."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        return "—"
    items = [
        format_html('<a href="{}" target="_blank" rel="noopener noreferrer nofollow">{}</a>', u, u)
        if u.lower().startswith(("https://", "http://"))
        else format_html("{}", u)
        for u in lines
    ]
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((i,) for i in items)))


class ExportForm(SelectableFieldsExportForm):
    """django-import-export's export form, its « Select all » toggle working under the
    strict CSP (see static/admin-portal/export.js)."""

    # Columns that are not a model field of the same name.
    EXTRA_LABELS = {"key_figures": "chiffres clés"}

    @property
    def media(self):
        return super().media + forms.Media(js=["admin-portal/export.js"])

    def _get_field_label(self, resource, field_name):
        """« Type de collectivité (type_collectivite) »: the French name editors know,
        then the spreadsheet column it fills."""
        label = self.EXTRA_LABELS.get(field_name)
        if label is None:
            try:
                label = str(resource._meta.model._meta.get_field(field_name).verbose_name)
            except (FieldDoesNotExist, AttributeError):  # AttributeError: a reverse relation
                label = field_name
        field = resource.fields.get(field_name)
        column = field.column_name if field else field_name
        return f"{label[:1].upper()}{label[1:]} ({column})"


def name_link_rows(*relations):
    """French names for the rows of the tables Django creates behind ManyToManyFields.

    A delete confirmation page lists the links it removes with them: Django calls them
    « Relation practice-lever: Practice_levers object (5) ». Here « Lien pratique –
    levier : « Marché réservé à Lille » – « Clauses sociales » », which tells an editor what
    loses what (one query per listed link, as for any row named by its related objects).
    `relations`: the ManyToManyFields' descriptors (Practice.levers…).
    """
    for relation in relations:
        field = relation.field
        through = relation.through
        source, target = field.model._meta.verbose_name, field.related_model._meta.verbose_name
        through._meta.verbose_name = f"lien {source} – {target}"
        through._meta.verbose_name_plural = f"liens {source} – {target}"
        ends = {f.related_model: f.name for f in through._meta.get_fields() if f.many_to_one}
        through.__str__ = lambda row, a=ends[field.model], b=ends[field.related_model]: (
            f"« {getattr(row, a)} » – « {getattr(row, b)} »"
        )
