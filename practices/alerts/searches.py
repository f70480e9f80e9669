"""A saved search: the list page's filters, validated by PracticeFilter, kept as a query
string and described in the words of the list's chips (PracticeFilter.active_filters)."""

from django.http import QueryDict
from django.utils.http import urlencode

from practices.filters import PracticeFilter
from practices.models import Practice


def search_filter(data, queryset=None, request=None):
    """PracticeFilter over the list parameters found in `data` (a QueryDict or a query
    string), always bound: no parameter means every practice."""
    if isinstance(data, str):
        data = QueryDict(data)
    params = QueryDict(mutable=True)
    for name in PracticeFilter.FILTER_PARAMS:
        values = [value for value in data.getlist(name) if value != ""]
        if values:
            params.setlist(name, values)
    if queryset is None:
        queryset = Practice.objects.published()
    return PracticeFilter(params, queryset=queryset, request=request)


def _choices(filterset):
    """[(parameter, value, label in plain words)] of the valid filters in use, from the
    list page's own wording (« Clauses sociales », « commerce équitable »): one home for
    the labels, PracticeFilter.active_filters() (practices/describe.py)."""
    choices = []
    for criterion in filterset.active_filters():
        if criterion.param == "q":
            choices.append(("q", filterset.search_query(), criterion.label))
            continue
        # The year as the filter read it (« 2020 »), not as typed (« 2020.0 »).
        value = criterion.label if criterion.param == "annee" else criterion.value
        choices.append((criterion.param, value, criterion.label))
    return choices


def canonical_query(filterset):
    """The valid filters as a query string in a fixed order: one search, one string."""
    pairs = [(name, value) for name, value, _ in _choices(filterset)]
    order = PracticeFilter.FILTER_PARAMS
    return urlencode(sorted(pairs, key=lambda pair: (order.index(pair[0]), pair[1])))


def hidden_inputs(filterset):
    """[(name, value)] to carry the valid filters in a form."""
    return [(name, value) for name, value, _ in _choices(filterset)]


def describe(filterset, quote_words=True):
    """« Clauses sociales, Hauts-de-France » — or every practice when nothing is chosen.

    Mails say « vos mots de recherche » instead of quoting them (quote_words=False): a
    mail echoes no text typed into a form, the address owner's or not."""

    def label_of(name, label):
        if name == "annee":
            return f"année {label}"
        if name == "q" and not quote_words:
            return "vos mots de recherche"
        return label

    words = [label_of(name, label) for name, _, label in _choices(filterset)]
    return ", ".join(words) if words else "toutes les pratiques"
