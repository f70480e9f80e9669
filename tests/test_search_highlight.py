"""Search words highlighted in results: accents, plurals, stop words, and HTML escaped."""

import re
import unicodedata

import pytest
from django.template import Context, Template
from django.utils.html import escape
from django.utils.safestring import SafeString
from hypothesis import given
from hypothesis import strategies as st

from practices.highlight import highlight


def test_highlight_marks_words_whatever_their_accents_and_case():
    assert highlight("Le commerce équitable", "EQUITABLE") == "Le commerce <mark>équitable</mark>"
    assert highlight("Le CAFÉ des cantines", "cafe") == "Le <mark>CAFÉ</mark> des cantines"


def test_highlight_tolerates_singular_and_plural():
    assert (
        highlight("Des clauses sociales et des acteurs sociaux.", "clause sociale")
        == "Des <mark>clauses</mark> <mark>sociales</mark> et des acteurs <mark>sociaux</mark>."
    )


def test_highlight_skips_stop_words_and_keeps_short_words_whole():
    assert highlight("la clause de la ville", "la clause") == "la <mark>clause</mark> de la ville"
    assert highlight("Le prix principal", "prix") == "Le <mark>prix</mark> principal"


def test_highlight_without_query_only_escapes():
    assert highlight("Tom & Jerry", "") == "Tom &amp; Jerry"
    assert highlight(None, "cafe") == ""
    assert isinstance(highlight("café", None), SafeString)


def test_highlight_escapes_html_in_the_text():
    html = highlight('<script>alert("café")</script> café', "cafe")
    assert "<script" not in html
    assert html == (
        "&lt;script&gt;alert(&quot;<mark>café</mark>&quot;)&lt;/script&gt; <mark>café</mark>"
    )


@pytest.mark.parametrize(
    "query",
    ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "</mark><b>", "mark"],
)
def test_highlight_never_outputs_the_query(query):
    html = highlight("<mark>script</mark> alert img onerror b", query)
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert _without_marks(html).count("<") == 0


def test_highlight_filter_in_a_template_escapes_once():
    rendered = Template("{% load portal %}{{ text|highlight:q }}").render(
        Context({"text": "Café <b>équitable</b>", "q": "<i>cafe</i>"})
    )
    assert rendered == "<mark>Café</mark> &lt;b&gt;équitable&lt;/b&gt;"


def _without_marks(html):
    return re.sub(r"</?mark>", "", html)


@given(text=st.text(max_size=200), query=st.text(max_size=50))
def test_highlight_only_adds_mark_tags_to_the_escaped_text(text, query):
    html = highlight(text, query)
    assert html.count("<mark>") == html.count("</mark>")
    assert _without_marks(html) == escape(unicodedata.normalize("NFC", text))
