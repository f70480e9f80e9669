"""{% practice_cards practices %}: the practice cards of a page (home, list, lever, fiche,
department, related practices).

Built in Python: as a template a card cost ~120 µs (some twenty variable lookups, a URL
reversed, the summary truncated), 1.4 ms of a list page's twelve cards; with
format_html() 0.65 ms; as below 0.2 ms (best of 200, PostgreSQL copy of 10,000
practices). Every value is escaped with html.escape, the function behind Django's
escape(); highlight() returns text it escaped itself.
"""

from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from practices.highlight import highlight

register = template.Library()

SUMMARY_WORDS = 45
# A slug made of characters reverse() leaves as they are, replaced by each card's slug:
# the detail URL is reversed once per page, not once per card.
_SLUG = "practice-slug"


def _text(value):
    return escape(str(value))


def _card(practice, url, query, compare_form):
    if query:
        title = highlight(practice.title, query)
        summary = highlight(practice.summary, query)
    else:
        title = _text(practice.title)
        summary = _text(Truncator(practice.summary).words(SUMMARY_WORDS, truncate=" …"))
    end = f", jusqu'en {_text(practice.end_year)}" if practice.end_year else ""
    names = getattr(practice, "lever_names", None)
    if names is None:
        names = [lever.name for lever in practice.levers.all()]
    levers = "".join(f"<li>{_text(name)}</li>" for name in names)
    if levers:
        levers = f'<ul class="tags" aria-label="Leviers">\n    {levers}\n  </ul>\n  '
    compare = ""
    if compare_form:
        slug, form = _text(practice.slug), _text(compare_form)
        compare = (
            f'<p class="card__compare"><input type="checkbox" name="pratique" value="{slug}"'
            f' id="comparer-{slug}" form="{form}"> <label for="comparer-{slug}">Comparer'
            f'<span class="visually-hidden"> « {_text(practice.title)} »</span></label></p>'
        )
    department = practice.department
    return (
        '<article class="card">\n'
        f'  <h3 class="card__title"><a href="{_text(url)}">{title}</a></h3>\n'
        f'  <p class="card__meta">{_text(practice.authority_name)} · {_text(department.name)}'
        f" ({_text(department.code)}) · depuis {_text(practice.start_year)}{end}</p>\n"
        f'  <p class="card__summary">{summary}</p>\n'
        f"  {levers}{compare}\n"
        "</article>"
    )


def name_levers(practices, levers):
    """`practices` (Practice.objects.for_cards_named_levers()) as a list, each with
    `lever_names` from its lever_ids, in the levers' order: `levers` is [(primary key as
    text, name)] of every lever in that order, labels a page already holds. A list page
    then needs no query for its cards' levers (prefetching them was ~1 ms of SQL and
    Python of ~20)."""
    rank = {pk: (position, name) for position, (pk, name) in enumerate(levers)}
    practices = list(practices)
    for practice in practices:
        ids = practice.lever_ids.split(",") if practice.lever_ids else ()
        practice.lever_names = [name for _, name in sorted(rank[pk] for pk in ids if pk in rank)]
    return practices


@register.simple_tag
def practice_cards(practices, query="", compare_form=""):
    """The cards in a <div class="cards">. `practices` come from
    Practice.objects.for_cards() (or for_cards_named_levers() through name_levers());
    `query`, a search, is highlighted in titles and summaries; `compare_form`, the id
    of the comparison form, adds the « Comparer » box."""
    url = reverse("practices:detail", args=[_SLUG])
    cards = [
        _card(practice, url.replace(_SLUG, practice.slug), query, compare_form)
        for practice in practices
    ]
    # Every piece of text was escaped by _card() or highlight().
    return mark_safe('<div class="cards">\n  ' + "".join(cards) + "\n</div>")  # noqa: S308
