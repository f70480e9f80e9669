from html import escape

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

from procurement_portal.markdown import render_markdown
from procurement_portal.rendering import drawn_once

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """{{ practice.body|markdown }}: Markdown rendered to sanitized HTML."""
    return render_markdown(text)


@register.filter
def highlight(text, query):
    """{{ practice.summary|highlight:q }}: escaped text with the searched words in <mark>."""
    from practices.highlight import highlight as highlight_terms

    return highlight_terms(text, query)


@register.simple_tag
def practice_count(count):
    """{% practice_count 2 %}: « 2 pratiques », « 0 pratique », as facets label their counts."""
    from practices.describe import count_label

    return count_label(count, zero="0 pratique")


@register.simple_tag
def facet_checkboxes(name, choices):
    """{% facet_checkboxes "levier" facets.levier %}: a facet's labelled checkboxes.

    The list page shows ~140 of them on every request: as a template loop (or through
    format_html) they were most of its rendering time. Every value is escaped here,
    with the same function as Django's escape.
    """
    name = escape(str(name))
    items = []
    for number, choice in enumerate(choices, start=1):
        empty = "" if choice["count"] or choice["selected"] else " facet__choice--empty"
        checked = " checked" if choice["selected"] else ""
        value, label = escape(str(choice["value"])), escape(str(choice["label"]))
        count = practice_count(int(choice["count"]))
        ident = f"id_{name}_{number}"
        items.append(
            f'<li class="facet__choice{empty}">\n'
            f'  <input type="checkbox" name="{name}" value="{value}" id="{ident}"{checked}>\n'
            f'  <label for="{ident}">{label} <span class="count">— {count}</span></label>\n'
            "</li>"
        )
    return mark_safe("<ul>\n" + "\n".join(items) + "\n</ul>")  # noqa: S308 - escaped above


@register.simple_tag
def facet_options(choices, selected=None):
    """{% facet_options facets.region %}: a facet's <option>s with their counts, the
    chosen ones selected (those whose value is `selected`, when given).

    ~120 options on every list page (regions and départements): as a template loop they
    cost more than the rest of the filters. Escaped here as facet_checkboxes does.
    """
    options = []
    for choice in choices:
        chosen = choice["selected"] if selected is None else choice["value"] == selected
        value, label = escape(str(choice["value"])), escape(str(choice["label"]))
        count = practice_count(int(choice["count"]))
        options.append(
            f'<option value="{value}"{" selected" if chosen else ""}>{label} — {count}</option>'
        )
    return mark_safe("\n".join(options))  # noqa: S308 - escaped above


@register.simple_tag
def evidence_levels():
    """{% evidence_levels as levels %}: the three evidence levels and what each means."""
    from practices.models import EVIDENCE_EXPLANATIONS, EvidenceLevel

    return [
        {"value": level.value, "label": level.label, "explanation": EVIDENCE_EXPLANATIONS[level]}
        for level in EvidenceLevel
    ]


@register.filter
def evidence_explanation(level):
    """{{ practice.evidence_level|evidence_explanation }}: what that level means."""
    from practices.models import EVIDENCE_EXPLANATIONS

    return EVIDENCE_EXPLANATIONS.get(level, "")


@register.simple_tag
def accessibility_status():
    """{% accessibility_status %}: the RGAA state the footer states, from the settings.

    A tag rather than a context variable: error pages are drawn without context
    processors, and the footer must say it there too.
    """
    return settings.PORTAL_ACCESSIBILITY_STATUS


@register.simple_tag(takes_context=True)
def site_header(context):
    """{% site_header %}: includes/header.html, the same for every page of one view (the
    current section is marked by view name)."""
    match = getattr(context.get("request"), "resolver_match", None)
    view_name = match.view_name if match else ""
    names = context.get("site_name", ""), context.get("site_tagline", "")
    return drawn_once(
        ("header", view_name, *names),
        "includes/header.html",
        lambda: {"view_name": view_name, "site_name": names[0], "site_tagline": names[1]},
    )


@register.simple_tag
def site_footer():
    """{% site_footer %}: includes/footer.html, the same on every page, error pages
    included (it needs no context; it states the settings' accessibility status)."""
    key = ("footer", settings.PORTAL_ACCESSIBILITY_STATUS)
    return drawn_once(key, "includes/footer.html", dict)
