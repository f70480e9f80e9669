from django import template

from procurement_portal.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """{{ practice.body|markdown }}: Markdown rendered to sanitized HTML."""
    return render_markdown(text)


@register.filter
def highlight(text, query):
    """{{ practice.summary|highlight:q }}: escaped text with the searched words in <mark>."""
    from practices.search import highlight as highlight_terms

    return highlight_terms(text, query)
