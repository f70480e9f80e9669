"""What a list of practices shows, in words: the one home of that wording.

The list page's active-filter chips, its <title> and <h1>, the Atom feed's title (and
the alert emails) all describe a search with the same labels, built here from
`PracticeFilter.active_filters()`:

    >>> active = PracticeFilter(request.GET, queryset=…, request=request).active_filters()
    >>> [f.chip_label for f in active]
    ['Levier : Clauses sociales', 'Région : Hauts-de-France']
    >>> describe_filters(active)
    'Clauses sociales, Hauts-de-France'
    >>> describe_results(1, active)
    '1 pratique – Clauses sociales, Hauts-de-France'
    >>> describe_results(3, active_with_a_search)
    '3 pratiques – « commerce équitable », Bretagne'

To describe a saved search (an alert's filters), bind a PracticeFilter to its stored
query string (`QueryDict(saved)`) and pass its `active_filters()`: unknown values are
dropped exactly as the list page drops them. Templates add the site's name
(`… – Commande publique responsable`, `SITE_NAME`).
"""

from dataclasses import dataclass

from django.utils.text import Truncator

from procurement_portal.context_processors import SITE_NAME

from .facets import FACETS

# The search words shown in a title or a chip: long enough to recognise a query.
QUERY_SHOWN_CHARS = 60
# A title names this many criteria at most, then « et n autres critères ».
MAX_NAMED_FILTERS = 4
SEPARATOR = " – "

# What each parameter filters on, as the chips say it (« Levier : SPASER »): the
# facets' names (practices/facets.py), the year, and nothing before a search's words.
KINDS = {"q": "", **FACETS, "annee": "Année"}
# Values that do not speak for themselves in a title keep their kind there:
# « Collectivité : Commune », « Année : 2020 » (but « Bretagne », « SPASER »).
KIND_IN_TITLE = {"type_collectivite", "annee"}


@dataclass(frozen=True)
class ActiveFilter:
    """One criterion in use: a query parameter's value and its label in words."""

    param: str  # the query parameter: "levier"
    value: str  # its value in the URL: "clauses-sociales"
    label: str  # the value in words: "Clauses sociales", « commerce équitable », "2020"

    @property
    def kind(self):
        return KINDS[self.param]

    @property
    def chip_label(self):
        """« Levier : Clauses sociales »; a search is its words in quotes."""
        return f"{self.kind} : {self.label}" if self.kind else self.label

    @property
    def title_label(self):
        """« Clauses sociales »: the value alone where it is unambiguous."""
        return self.chip_label if self.param in KIND_IN_TITLE else self.label


def search_label(query):
    """« commerce équitable »: the searched words, shortened past QUERY_SHOWN_CHARS."""
    return f"« {Truncator(query).chars(QUERY_SHOWN_CHARS)} »"


def count_label(count, zero="Aucune pratique"):
    """« Aucune pratique », « 1 pratique », « 1 234 pratiques » (French digit groups)."""
    if not count:
        return zero
    number = f"{count:,}".replace(",", "\u202f")  # narrow no-break space, as in French
    return f"{number} pratique{'s' if count > 1 else ''}"


def describe_filters(active):
    """« « commerce équitable », Bretagne »: the criteria in use, '' when there are none."""
    labels = [criterion.title_label for criterion in active]
    if len(labels) > MAX_NAMED_FILTERS:
        rest = len(labels) - (MAX_NAMED_FILTERS - 1)
        labels = [*labels[: MAX_NAMED_FILTERS - 1], f"et {rest} autres critères"]
    return ", ".join(labels)


def describe_results(count, active):
    """« 3 pratiques – « commerce équitable », Bretagne »: the count, then the criteria."""
    criteria = describe_filters(active)
    return f"{count_label(count)}{SEPARATOR}{criteria}" if criteria else count_label(count)


def with_site_name(text):
    """« … – Commande publique responsable », as every page's <title> ends."""
    return f"{text}{SEPARATOR}{SITE_NAME}" if text else SITE_NAME
