"""What an editor types in Markdown reaches visitors only through the nh3 allow-list."""

import pytest
from django.template import Context, Template
from hypothesis import given, settings
from hypothesis import strategies as st

from procurement_portal.markdown import render_markdown

ATTACKS = [
    "<script>alert('x')</script>",
    "Texte <script src=https://evil.example/x.js></script>",
    "[cliquez](javascript:alert(1))",
    "[cliquez](JaVaScRiPt:alert(1))",
    '<a href="javascript:alert(1)">lien</a>',
    '<img src="x" onerror="alert(1)">',
    '<p onclick="alert(1)">paragraphe</p>',
    '<a href="https://example.org" onmouseover="alert(1)">lien</a>',
    "<iframe src='https://evil.example'></iframe>",
    '<svg onload="alert(1)"></svg>',
    "<style>body{display:none}</style>",
    '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
]


def assert_harmless(html):
    lowered = html.lower()
    assert "<script" not in lowered
    assert "javascript:" not in lowered
    assert "data:text/html" not in lowered
    assert "<iframe" not in lowered
    assert "<style" not in lowered
    assert "<svg" not in lowered
    for handler in ("onerror", "onclick", "onload", "onmouseover"):
        assert f"{handler}=" not in lowered


@pytest.mark.parametrize("source", ATTACKS)
def test_editor_markup_never_reaches_the_page_as_code(source):
    assert_harmless(render_markdown(source))


def test_ordinary_markdown_is_kept():
    html = render_markdown("## Résultats\n\n- **913** salariés\n- [RTES](https://www.rtes.fr)")
    assert "<h2>Résultats</h2>" in html
    assert "<strong>913</strong>" in html
    assert '<a href="https://www.rtes.fr" rel="noopener noreferrer">RTES</a>' in html


def test_a_top_level_heading_becomes_a_second_level_one():
    # The page's <h1> is its title; the editor's heading keeps its role one level down.
    assert render_markdown("# Résultats\n\nTexte").startswith("<h2>Résultats</h2>")
    assert "<h1" not in render_markdown("<h1>Titre</h1>")


def test_template_filter_sanitizes_too():
    template = Template("{% load portal %}{{ body|markdown }}")
    html = template.render(Context({"body": "<img src=x onerror=alert(1)> [a](javascript:x)"}))
    assert_harmless(html)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from([*ATTACKS, "**gras**", "\n\n", "## Titre\n", "- item\n", "texte "]),
        max_size=8,
    ).map("".join)
)
def test_any_mix_of_markdown_and_attacks_is_harmless(source):
    assert_harmless(render_markdown(source))


def test_one_text_leaves_nothing_in_the_next():
    # The converter is reused from text to text: footnotes and abbreviations are per text.
    first = render_markdown("Le SPASER[^1].\n\n*[SPASER]: Schéma d'achats\n\n[^1]: Note.")
    assert "Note." in first and "<abbr" in first
    second = render_markdown("Le SPASER, sans note.")
    assert "Note." not in second
    assert "<abbr" not in second
