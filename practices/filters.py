"""The practice filters: one FilterSet for the list page, the feed, the API and the CSV export.

The query parameters are a public contract (shared in emails and documents):
levier, departement, region, secteur, type_collectivite, annee, q, tri, page.
A bad value never causes a server error: it is reported by the form and ignored.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError

from levers.models import Lever

from .models import FIRST_YEAR, LAST_YEAR, Department, Practice, Region, Sector
from .text import CONTROL_CHARS

QUERY_MAX_LENGTH = 200


def reject_control_characters(value):
    if value and CONTROL_CHARS.search(value):
        raise ValidationError("La recherche contient des caractères non autorisés.")


class SlugMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Multiple choice by slug or code, with messages a visitor understands."""

    default_error_messages = {
        "invalid_choice": "« %(value)s » ne fait pas partie des choix proposés.",
        "invalid_pk_value": "« %(pk)s » n'est pas une valeur valide.",
        "invalid_list": "Indiquez une liste de valeurs.",
    }

    def label_from_instance(self, obj):
        return obj.name


class SlugMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = SlugMultipleChoiceField


class PracticeFilter(django_filters.FilterSet):
    SORTS = {
        "pertinence": "Pertinence",
        "recent": "Plus récentes",
        "titre": "Titre (A → Z)",
    }
    # "récent" is how people write it; keep both working.
    SORT_ALIASES = {"récent": "recent", "recents": "recent", "récents": "recent"}

    q = django_filters.CharFilter(
        label="Rechercher",
        method="filter_search",
        max_length=QUERY_MAX_LENGTH,
        validators=[reject_control_characters],
        error_messages={
            "max_length": f"La recherche est limitée à {QUERY_MAX_LENGTH} caractères.",
        },
    )
    levier = SlugMultipleChoiceFilter(
        label="Levier",
        field_name="levers",
        to_field_name="slug",
        queryset=Lever.objects.all(),
        conjoined=False,
        distinct=True,
    )
    departement = SlugMultipleChoiceFilter(
        label="Département",
        field_name="department",
        to_field_name="code",
        queryset=Department.objects.all(),
    )
    region = django_filters.ModelChoiceFilter(
        label="Région",
        field_name="department__region",
        to_field_name="code",
        queryset=Region.objects.all(),
        error_messages={"invalid_choice": "Cette région n'existe pas."},
    )
    secteur = SlugMultipleChoiceFilter(
        label="Secteur",
        field_name="sectors",
        to_field_name="slug",
        queryset=Sector.objects.all(),
        distinct=True,
    )
    type_collectivite = django_filters.MultipleChoiceFilter(
        label="Type de collectivité",
        field_name="authority_type",
        choices=Practice.AuthorityType.choices,
    )
    annee = django_filters.NumberFilter(
        label="Année",
        method="filter_year",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages={
            "invalid": "Indiquez une année en chiffres, par exemple 2020.",
            "min_value": f"Indiquez une année à partir de {FIRST_YEAR}.",
            "max_value": f"Indiquez une année jusqu'à {LAST_YEAR}.",
        },
    )
    tri = django_filters.CharFilter(label="Trier par", method="filter_sort")

    class Meta:
        model = Practice
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            data = data.copy()
            sort = data.get("tri")
            if sort in self.SORT_ALIASES:
                data["tri"] = self.SORT_ALIASES[sort]
        super().__init__(data, *args, **kwargs)

    def filter_search(self, queryset, name, value):
        return queryset.search(value) if value.strip() else queryset

    def filter_year(self, queryset, name, value):
        return queryset.in_year(int(value))

    def filter_sort(self, queryset, name, value):
        # Sorting is applied after every filter, in filter_queryset().
        return queryset

    def sort_key(self):
        sort = self.form.cleaned_data.get("tri") if hasattr(self.form, "cleaned_data") else None
        if sort in self.SORTS:
            return sort
        return "pertinence" if self.search_query() else "recent"

    def search_query(self):
        data = getattr(self.form, "cleaned_data", {}) or {}
        return (data.get("q") or "").strip()

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort = self.sort_key()
        if sort == "titre":
            return queryset.order_by("title", "pk")
        if sort == "pertinence" and self.search_query():
            return queryset.order_by_relevance(self.search_query())
        return queryset.order_by("-published_at", "-pk")
