"""The practice filters: one FilterSet for the list page, the feed, the API and the CSV export.

The query parameters are a public contract (shared in emails and documents):
levier, departement, region, secteur, type_collectivite, annee, q, tri, page.
A bad value never causes a server error: it is reported by the form and ignored.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q

from levers.models import Lever

from .models import FIRST_YEAR, LAST_YEAR, Department, Practice, Region, Sector
from .text import CONTROL_CHARS

QUERY_MAX_LENGTH = 200
CONTROL_CHARS_MESSAGE = "Cette valeur contient des caractères non autorisés."


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


class PracticeFilterForm(forms.Form):
    """Reports the parameters the filter set dropped before validation (see PracticeFilter)."""

    rejected: tuple = ()

    def clean(self):
        cleaned = super().clean()
        for name in self.rejected:
            if name in self.fields:
                message = (
                    "La recherche contient des caractères non autorisés."
                    if name == "q"
                    else CONTROL_CHARS_MESSAGE
                )
                self.add_error(name, message)
        return cleaned


def _values(data, name):
    if hasattr(data, "getlist"):
        return data.getlist(name)
    value = data.get(name)
    return value if isinstance(value, list | tuple) else [value]


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
        # The lookup goes through the slug because the form's values are compared by it.
        field_name="levers__slug",
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
        field_name="sectors__slug",
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

    # Facets shown with counts, in display order; "tri", "q" and "annee" have none.
    FACETS = ("levier", "type_collectivite", "region", "departement", "secteur")

    class Meta:
        model = Practice
        fields = []
        form = PracticeFilterForm

    def __init__(self, data=None, *args, **kwargs):
        self._rejected = ()
        if data is not None:
            data = data.copy()
            # A control character (NUL above all) must never reach a query: PostgreSQL
            # refuses it outright. Such a parameter is dropped and reported by the form.
            self._rejected = tuple(
                name
                for name in self.base_filters
                if any(CONTROL_CHARS.search(str(v)) for v in _values(data, name) if v)
            )
            for name in self._rejected:
                data.pop(name, None)
            sort = data.get("tri")
            if sort in self.SORT_ALIASES:
                data["tri"] = self.SORT_ALIASES[sort]
        super().__init__(data, *args, **kwargs)

    @property
    def form(self):
        form = super().form
        form.rejected = self._rejected
        return form

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

    # Facets ------------------------------------------------------------------

    def _cleaned(self):
        self.errors  # noqa: B018 - runs validation once
        return getattr(self.form, "cleaned_data", {}) or {}

    def queryset_without(self, excluded):
        """The base queryset with every valid filter applied except `excluded` and the sort."""
        queryset = self.queryset.all()
        for name, value in self._cleaned().items():
            if name not in (excluded, "tri"):
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def _ids_without(self, excluded):
        # The ids as a subquery: each facet is then a single grouped query.
        return self.queryset_without(excluded).order_by().values("pk")

    def selected(self, name):
        """Slugs/codes currently selected for a facet, as strings."""
        value = self._cleaned().get(name)
        if value is None or value == "":
            return set()
        items = [value] if isinstance(value, str | models.Model) else list(value)
        return {str(getattr(i, "slug", None) or getattr(i, "code", None) or i) for i in items}

    def facets(self):
        """{name: [{"value", "label", "count", "selected"}]}: one grouped query per facet.

        Each facet's counts apply all the other active filters, so a count says how many
        results ticking that choice would add to what is shown.
        """
        if hasattr(self, "_facets"):
            return self._facets
        facets = {}

        ids = self._ids_without("levier")
        levers = Lever.objects.annotate(
            n=Count("practices", filter=Q(practices__in=ids), distinct=True)
        ).order_by("position", "name")
        chosen = self.selected("levier")
        facets["levier"] = [
            {"value": x.slug, "label": x.name, "count": x.n, "selected": x.slug in chosen}
            for x in levers
        ]

        ids = self._ids_without("secteur")
        sectors = Sector.objects.annotate(
            n=Count("practices", filter=Q(practices__in=ids), distinct=True)
        ).order_by("position", "name")
        chosen = self.selected("secteur")
        facets["secteur"] = [
            {"value": x.slug, "label": x.name, "count": x.n, "selected": x.slug in chosen}
            for x in sectors
        ]

        ids = self._ids_without("region")
        regions = Region.objects.annotate(
            n=Count("departments__practices", filter=Q(departments__practices__in=ids))
        ).order_by("name")
        chosen = self.selected("region")
        facets["region"] = [
            {"value": x.code, "label": x.name, "count": x.n, "selected": x.code in chosen}
            for x in regions
        ]

        # 101 departments would drown the form: only those with results, plus the chosen.
        ids = self._ids_without("departement")
        chosen = self.selected("departement")
        departments = (
            Department.objects.annotate(
                n=Count("practices", filter=Q(practices__in=ids), distinct=True)
            )
            .filter(Q(n__gt=0) | Q(code__in=chosen))
            .order_by("code")
        )
        facets["departement"] = [
            {
                "value": x.code,
                "label": f"{x.name} ({x.code})",
                "count": x.n,
                "selected": x.code in chosen,
            }
            for x in departments
        ]

        ids = self._ids_without("type_collectivite")
        counts = dict(
            Practice.objects.filter(pk__in=ids)
            .values_list("authority_type")
            .annotate(n=Count("pk"))
            .order_by()
        )
        chosen = self.selected("type_collectivite")
        facets["type_collectivite"] = [
            {
                "value": value,
                "label": label,
                "count": counts.get(value, 0),
                "selected": value in chosen,
            }
            for value, label in Practice.AuthorityType.choices
        ]
        self._facets = facets
        return facets

    def active_filters(self):
        """[(parameter, value, label)] of the valid filters in use, for removable chips."""
        data = self._cleaned()
        active = []
        query = self.search_query()
        if query:
            active.append(("q", data.get("q"), f"« {query} »"))
        labels = {
            "levier": "Levier",
            "type_collectivite": "Collectivité",
            "region": "Région",
            "departement": "Département",
            "secteur": "Secteur",
        }
        facets = self.facets()
        for name in self.FACETS:
            for choice in facets[name]:
                if choice["selected"]:
                    active.append((name, choice["value"], f"{labels[name]} : {choice['label']}"))
        if data.get("annee") is not None:
            year = int(data["annee"])
            active.append(("annee", self.data.get("annee"), f"Année : {year}"))
        return active
