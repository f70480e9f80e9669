"""The practice filters: one FilterSet for the list page, the feed, the API and the CSV export.

The query parameters are a public contract (shared in emails and documents):
levier, departement, region, secteur, type_collectivite, preuve, annee, q, tri, page.
A bad value never causes a server error: it is reported by the form and ignored
(control characters through procurement_portal.forms, the one rule). The choices of
levers, sectors, regions and departments are validated and labelled from one query,
kept until content changes (page_cache.cached_for_content). Facet counts, the number
of results and a search's ranked page are practices.facets.FacetedResults.
"""

import copy
import functools

import django_filters
from django.db import models
from django.db.models import F
from django.db.models.functions import Cast

from levers.models import Lever
from procurement_portal.forms import without_control_characters
from procurement_portal.page_cache import cached_for_content

from .describe import ActiveFilter, search_label
from .facets import FACETS
from .filter_fields import (
    INVALID_CHOICE,
    QUERY_MAX_LENGTH,
    KnownChoices,
    PracticeFilterForm,
    SlugChoiceFilter,
    SlugMultipleChoiceFilter,
)
from .models import FIRST_YEAR, LAST_YEAR, Department, EvidenceLevel, Practice, Region, Sector
from .search import load_synonyms, order_by_relevance, parse, search_practices
from .text import fold


class PracticeFilter(django_filters.FilterSet):
    SORTS = {
        "pertinence": "Pertinence",
        "recent": "Plus récentes",
        "titre": "Titre (A → Z)",
    }
    # "récent" is how people write it; keep both working.
    SORT_ALIASES = {"récent": "recent", "recents": "recent", "récents": "recent"}
    # The filters, without the sort (nor the page): what a saved alert follows and the map
    # and statistics links carry, in the order they write them (a saved alert's query
    # string is compared as written: this order stays).
    FILTER_PARAMS = (
        "levier",
        "departement",
        "region",
        "secteur",
        "type_collectivite",
        "preuve",
        "annee",
        "q",
    )

    q = django_filters.CharFilter(
        label="Rechercher",
        method="filter_search",
        max_length=QUERY_MAX_LENGTH,
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
        # A foreign key: no duplicates, so no DISTINCT over whole rows.
        distinct=False,
    )
    region = SlugChoiceFilter(
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
        distinct=False,
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    preuve = django_filters.MultipleChoiceFilter(
        label="Niveau de preuve",
        field_name="evidence_level",
        choices=EvidenceLevel.choices,
        distinct=False,
        error_messages={"invalid_choice": INVALID_CHOICE},
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
    tri = django_filters.ChoiceFilter(
        label="Trier par",
        method="filter_sort",
        choices=list(SORTS.items()),
        error_messages={
            "invalid_choice": "« %(value)s » n'est pas un tri proposé : choisissez pertinence, "
            "recent ou titre."
        },
    )

    class Meta:
        model = Practice
        fields = []
        form = PracticeFilterForm

    def __init__(self, data=None, *args, **kwargs):
        self._rejected = ()
        if data is not None:
            data = data.copy()
            # A control character (NUL above all) must never reach a query: such a
            # parameter is dropped and reported by the form.
            data, self._rejected = without_control_characters(data, self.base_filters)
            sort = data.get("tri")
            if sort in self.SORT_ALIASES:
                data["tri"] = self.SORT_ALIASES[sort]
        super().__init__(data, *args, **kwargs)

    @property
    def form(self):
        # Read a hundred times a request (every filter, facet and chip): set up once.
        if not hasattr(self, "_form"):
            form = super().form
            form.rejected = self._rejected
            for name in self.REFERENCE_FACETS:
                form.fields[name].known = functools.partial(self._known_choices, name)
        return self._form

    @classmethod
    def _form_class(cls):
        """The form class, built once per process: django-filter builds a class and a
        field per filter on every request, and nothing in them depends on the request
        (each form still deep-copies its fields)."""
        if "_cached_form_class" not in cls.__dict__:
            # From copies: a field cached on a base filter would be deep-copied with it
            # into every filter set.
            fields = {
                name: copy.deepcopy(filter_).field for name, filter_ in cls.base_filters.items()
            }
            cls._cached_form_class = type(f"{cls.__name__}Form", (cls._meta.form,), fields)
        return cls._cached_form_class

    def get_form_class(self):
        return self._form_class()

    def filter_search(self, queryset, name, value):
        return search_practices(queryset, value, self.synonyms()) if value.strip() else queryset

    def synonyms(self):
        """The synonym groups, read once for the filters, facets and ranking of a request
        (from the cache under the content version the page cache read, if it did)."""
        if not hasattr(self, "_synonyms"):
            self._synonyms = cached_for_content(
                self.request, "search-synonyms", lambda: load_synonyms(self.queryset.db)
            )
        return self._synonyms

    def filter_year(self, queryset, name, value):
        return queryset.in_year(int(value))

    def filter_sort(self, queryset, name, value):
        # Sorting is applied after every filter, in filter_queryset().
        return queryset

    def sort_key(self):
        sort = self._cleaned().get("tri")
        searched = bool(self.search_query())
        # Without a search there is nothing to rank: ?tri=pertinence is the default order,
        # and the sort menu says so.
        if sort in self.SORTS and (sort != "pertinence" or searched):
            return sort
        return "pertinence" if searched else "recent"

    def search_query(self):
        """The search, or "" when none of its words can be looked up (« x », « le », « d' »):
        the page then lists every practice without naming a search (ignored_search())."""
        if not hasattr(self, "_search_query"):
            typed = self.typed_search()
            # A word found without synonyms stays one with them: the groups (a query) are
            # read only for a search of stop words, which may be an acronym (« AI »).
            searchable = typed and (parse(typed) or parse(typed, self.synonyms()))
            self._search_query = typed if searchable else ""
        return self._search_query

    def typed_search(self):
        return (self._cleaned().get("q") or "").strip()

    def ignored_search(self):
        """The search typed when it holds no word to look up, else ""."""
        return self.typed_search() if not self.search_query() else ""

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort = self.sort_key()
        if sort == "titre":
            return queryset.order_by("title", "pk")
        if sort == "pertinence":
            # filter_search() has searched it with the same query and synonyms.
            return order_by_relevance(queryset, self.search_query(), self.synonyms(), searched=True)
        return queryset.order_by("-published_at", "-pk")

    # Facets ------------------------------------------------------------------

    def _cleaned(self):
        if not hasattr(self, "_cleaned_data"):
            self.errors  # noqa: B018 - runs validation once
            self._cleaned_data = getattr(self.form, "cleaned_data", {}) or {}
        return self._cleaned_data

    def queryset_without(self, *excluded):
        """The base queryset with every valid filter applied except `excluded` and the sort."""
        return self.filter_only(self.queryset.all(), set(self._cleaned()) - {*excluded, "tri"})

    def filter_only(self, queryset, names):
        """`queryset` with the valid filters among `names` applied (FacetedResults applies
        the facets to the practices the other filters matched)."""
        for name, value in self._cleaned().items():
            if name in names and name != "tri":
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_key(self):
        """The valid filters in use, sort aside, as text: two requests with the same key
        (another page, another sort) have the same results and facet counts."""
        parts = [f"q={self.search_query()}"]
        parts += [f"{name}={','.join(sorted(self.selected(name)))}" for name in FACETS]
        parts.append(f"annee={self._cleaned().get('annee')}")
        return "&".join(parts)

    def selected(self, name):
        """Slugs/codes currently selected for a facet, as strings."""
        value = self._cleaned().get(name)
        if value is None or value == "":
            return set()
        items = [value] if isinstance(value, str | models.Model) else list(value)
        return {str(getattr(i, "slug", None) or getattr(i, "code", None) or i) for i in items}

    # The facets whose choices are rows of a reference table, and those tables.
    REFERENCE_FACETS = {
        "levier": Lever,
        "secteur": Sector,
        "region": Region,
        "departement": Department,
    }

    def _reference_rows(self):
        """[(facet, pk, slug or code, name, rank)] of every lever, sector, region and
        department, in one query at most per request: it both validates the filters (see
        filter_fields.KnownChoicesMixin) and labels the facets."""
        if not hasattr(self, "_references"):
            # They change only with the content: kept in the cache under its version.
            self._references = cached_for_content(
                self.request, "facet-references", self._query_reference_rows
            )
        return self._references

    def _query_reference_rows(self):
        parts = [
            model.objects.annotate(
                facet=models.Value(facet),
                key=Cast("pk", models.CharField()),
                value=F("code" if model in (Region, Department) else "slug"),
                rank=F("position") if model in (Lever, Sector) else models.Value(0),
            )
            .order_by()
            .values_list("facet", "key", "value", "name", "rank")
            for facet, model in self.REFERENCE_FACETS.items()
        ]
        return list(parts[0].union(*parts[1:], all=True))

    def _known_choices(self, facet):
        """{slug or code: instance} of one facet's choices, from _reference_rows()."""
        if not hasattr(self, "_known"):
            rows = {name: {} for name in self.REFERENCE_FACETS}
            for name, key, value, label, _ in self._reference_rows():
                rows[name][value] = (key, label)
            self._known = {
                name: KnownChoices(self.REFERENCE_FACETS[name], rows[name]) for name in rows
            }
        return self._known[facet]

    def choice_labels(self):
        """{facet: [(value, label)]} of every choice, in each facet's order (not to be
        changed: the facets, the chips and the alert form of a request share it)."""
        if not hasattr(self, "_choice_labels"):
            self._choice_labels = self._sorted_choice_labels()
        return self._choice_labels

    def _sorted_choice_labels(self):
        labels = {"levier": [], "secteur": [], "region": [], "departement": []}
        for facet, _, value, name, rank in self._reference_rows():
            labels[facet].append((rank, name, value))
        ordered = {
            # The orders of the reference tables: position then name; regions by name
            # in French, whatever the database collation (« Île-de-France » under I);
            # departments by INSEE code.
            "levier": sorted(labels["levier"]),
            "secteur": sorted(labels["secteur"]),
            "region": sorted(labels["region"], key=lambda row: fold(row[1])),
            "departement": sorted(labels["departement"], key=lambda row: row[2]),
        }
        labels = {
            facet: [
                (value, f"{name} ({value})" if facet == "departement" else name)
                for _, name, value in rows_
            ]
            for facet, rows_ in ordered.items()
        }
        labels["type_collectivite"] = list(Practice.AuthorityType.choices)
        labels["preuve"] = list(EvidenceLevel.choices)
        return labels

    def lever_labels(self):
        """[(primary key as text, name)] of every lever, in their order (position, name)."""
        levers = sorted(
            (rank, name, key)
            for facet, key, _, name, rank in self._reference_rows()
            if facet == "levier"
        )
        return [(key, name) for _, name, key in levers]

    def choice_slugs(self):
        """{facet: {primary key as text: slug or code}} of the reference choices."""
        slugs = {name: {} for name in self.REFERENCE_FACETS}
        for facet, key, value, _, _ in self._reference_rows():
            slugs[facet][key] = value
        return slugs

    def active_filters(self):
        """[ActiveFilter] of the valid filters in use: the chips, titles and feed title
        (their wording lives in practices/describe.py). Read up to three times a list
        page (chips, title, alert form): worked out once."""
        if not hasattr(self, "_active_filters"):
            self._active_filters = self._find_active_filters()
        return list(self._active_filters)

    def _find_active_filters(self):
        data = self._cleaned()
        active = []
        query = self.search_query()
        if query:
            active.append(ActiveFilter("q", data.get("q"), search_label(query)))
        labels = self.choice_labels()
        for name in FACETS:
            chosen = self.selected(name)
            for value, label in labels[name]:
                if value in chosen:
                    active.append(ActiveFilter(name, value, label))
        if data.get("annee") is not None:
            year = int(data["annee"])
            active.append(ActiveFilter("annee", self.data.get("annee"), str(year)))
        return active
