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


# « Prévisualiser » -------------------------------------------------------------------

PREVIEW_URL = "/admin/apercu-markdown/"


@pytest.mark.django_db
def test_markdown_fields_get_a_preview_from_a_script_file(client):
    from tests.factories import make_staff

    client.force_login(make_staff("Éditeurs"))
    page = client.get("/admin/practices/practice/add/").content.decode()
    assert f'data-markdown-preview="{PREVIEW_URL}"' in page
    assert 'src="/static/admin-portal/markdown-preview.js"' in page
    lever_page = client.get("/admin/levers/lever/add/").content.decode()
    assert lever_page.count(f'data-markdown-preview="{PREVIEW_URL}"') == 2


@pytest.mark.django_db
def test_every_markdown_text_of_a_practice_gets_the_preview(client):
    # The lessons are Markdown on the public page, like the description.
    import re

    from tests.factories import make_staff

    client.force_login(make_staff("Éditeurs"))
    page = client.get("/admin/practices/practice/add/").content.decode()
    for name in ["body", "success_conditions", "watch_points", "means"]:
        textarea = re.search(f'<textarea[^>]*name="{name}"[^>]*>', page).group(0)
        assert f'data-markdown-preview="{PREVIEW_URL}"' in textarea, name


@pytest.mark.django_db
def test_the_legal_texts_get_the_preview_too(client):
    from practices.legal import LegalText
    from tests.factories import make_staff

    client.force_login(make_staff("Responsables éditoriaux"))
    text = LegalText.objects.get(page="mentions-legales")
    page = client.get(f"/admin/practices/legaltext/{text.pk}/change/").content.decode()
    assert page.count(f'data-markdown-preview="{PREVIEW_URL}"') == 1


@pytest.mark.django_db
def test_the_preview_renders_through_the_public_sanitizer(client):
    from tests.factories import make_staff

    client.force_login(make_staff("Éditeurs"))
    response = client.post(
        PREVIEW_URL, {"text": "**Gras** <script>alert(1)</script> [x](javascript:alert(1))"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>Gras</strong>" in html
    assert_harmless(html)
    assert client.get(PREVIEW_URL).status_code == 405
    assert client.post(PREVIEW_URL, {"text": "x" * 100_001}).status_code == 400


@pytest.mark.django_db
def test_the_preview_is_for_staff_only_and_needs_the_csrf_token(client):
    from django.contrib.auth.models import User
    from django.test import Client

    from tests.factories import make_staff

    response = client.post(PREVIEW_URL, {"text": "**x**"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(User.objects.create_user("visiteur", password="mot-de-passe-long-42"))
    assert "<strong>" not in client.post(PREVIEW_URL, {"text": "**x**"}).content.decode()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_staff("Éditeurs"))
    assert strict.post(PREVIEW_URL, {"text": "**x**"}).status_code == 403
