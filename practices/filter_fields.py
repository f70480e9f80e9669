"""The list's parameters as form fields and filters, for practices.filters.PracticeFilter:
slug choices validated against the reference rows the filter set keeps per content
version (a bad slug is reported by the form and ignored, never a server error), and the
form that reports what the filter set dropped before validation.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError

from .models import Department, Region

QUERY_MAX_LENGTH = 200
# How a filter parameter with a control character is reported (the rule itself, and the
# forms' wording, are procurement_portal.forms').
PARAMETER_CONTROL_CHARS_MESSAGE = "Cette valeur contient des caractères non autorisés."


class KnownChoicesMixin:
    """Validates against choices the filter set already loaded, instead of a query per field.

    `known`, set by PracticeFilter, returns {slug or code: instance} for every choice
    (one query for all the fields, the one that also labels the facets).
    """

    known = None

    def _known(self, value):
        choice = self.known().get(str(value))
        if choice is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return choice


class KnownChoices:
    """{slug or code: instance} of a facet's choices, each instance made when first read:
    a request validates a few of the ~150 choices."""

    def __init__(self, model, rows):
        self.model = model
        self.rows = rows  # {slug or code: (primary key as text, name)}
        self.instances = {}

    def __contains__(self, value):
        return value in self.rows

    def __getitem__(self, value):
        if value not in self.instances:
            key, label = self.rows[value]
            # Regions and departments are keyed by their code; levers and sectors by pk.
            fields = {} if self.model in (Region, Department) else {"slug": value}
            pk = self.model._meta.pk.to_python(key)
            self.instances[value] = self.model(pk=pk, name=label, **fields)
        return self.instances[value]

    def get(self, value, default=None):
        return self[value] if value in self.rows else default


# How every list filter names a value it does not know.
INVALID_CHOICE = "« %(value)s » ne fait pas partie des choix proposés."


class SlugMultipleChoiceField(KnownChoicesMixin, forms.ModelMultipleChoiceField):
    """Multiple choice by slug or code, with messages a visitor understands."""

    default_error_messages = {
        "invalid_choice": INVALID_CHOICE,
        "invalid_pk_value": "« %(pk)s » n'est pas une valeur valide.",
        "invalid_list": "Indiquez une liste de valeurs.",
    }

    def label_from_instance(self, obj):
        return obj.name

    def clean(self, value):
        if not self.required and not value:
            # Not queryset.none(), as Django returns: the filter tests the value's truth,
            # and a QuerySet's truth costs a query compilation.
            return []
        if self.known is None:
            return super().clean(value)
        value = self.prepare_value(value)
        if not value:
            raise ValidationError(self.error_messages["required"], code="required")
        if not isinstance(value, list | tuple):
            raise ValidationError(self.error_messages["invalid_list"], code="invalid_list")
        choices = self._known_values(value)
        self.run_validators(value)
        return choices

    # Values of the last clean that matched no choice, when others did: they are reported
    # by PracticeFilterForm and the valid ones still apply (a shared link with one lever
    # renamed since keeps its other levers).
    unknown = ()

    def _known_values(self, value):
        values = sorted({str(v) for v in value})
        choices = [self.known()[v] for v in values if v in self.known()]
        self.unknown = [v for v in values if v not in self.known()]
        if self.unknown and not choices:
            # None applies: the field's error, one message per value, and nothing left for
            # PracticeFilterForm to report a second time.
            unknown, self.unknown = self.unknown, []
            raise ValidationError(
                [
                    ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": value},
                    )
                    for value in unknown
                ]
            )
        return choices


class SlugChoiceField(KnownChoicesMixin, django_filters.fields.ModelChoiceField):
    def to_python(self, value):
        if self.known is None or value in self.empty_values:
            return super().to_python(value)
        return self._known(value)


class SlugChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = SlugChoiceField


class SlugMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = SlugMultipleChoiceField

    def filter(self, qs, value):
        """On a many-to-many field, filter with IN (subquery) rather than a join.

        A join repeats a practice once per matching lever, which then needs DISTINCT
        over whole rows: at 10,000 practices on PostgreSQL that sort made a filtered
        list several times slower than the subquery.
        """
        # "levers__slug": the relation, then the field the form's values are matched on.
        field = qs.model._meta.get_field(self.field_name.split("__")[0])
        if not field.many_to_many or self.conjoined or not value:
            return super().filter(qs, value)
        through = field.remote_field.through
        matching = through.objects.filter(
            **{f"{field.m2m_reverse_field_name()}__in": list(value)}
        ).values(field.m2m_field_name())
        return self.get_method(qs)(pk__in=matching)


class PracticeFilterForm(forms.Form):
    """Reports the parameters the filter set dropped before validation (see PracticeFilter)."""

    rejected: tuple = ()

    def clean(self):
        cleaned = super().clean()
        # Not add_error(), which would drop the field's valid values along with the bad.
        for name, field in self.fields.items():
            for value in getattr(field, "unknown", ()):
                message = field.error_messages["invalid_choice"] % {"value": value}
                self.errors.setdefault(name, self.error_class()).append(message)
        for name in self.rejected:
            if name in self.fields:
                message = (
                    "La recherche contient des caractères non autorisés."
                    if name == "q"
                    else PARAMETER_CONTROL_CHARS_MESSAGE
                )
                self.add_error(name, message)
        return cleaned
