"""French typography of the public pages (procurement_portal/typography.py)."""

import re
from html import unescape

from procurement_portal.typography import french_html
from tests.factories import make_lever, make_practice, make_staff

NBSP = "\u00a0"


def visible_text(html):
    """The page's text outside tags, scripts and form fields, entities decoded."""
    html = re.sub(r"<(script|style|pre|code|textarea)\b.*?</\1\s*>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]*>", "", html))


def test_french_punctuation_gets_a_no_break_space():
    assert french_html("Levier : SPASER ; et ensuite ? Oui ! « Territoire »") == (
        f"Levier{NBSP}: SPASER{NBSP}; et ensuite{NBSP}? Oui{NBSP}! «{NBSP}Territoire{NBSP}»"
    )
    # Already right, or nothing to do: unchanged.
    assert french_html(f"Levier{NBSP}: x") == f"Levier{NBSP}: x"
    assert french_html("https://exemple.fr/?q=a:b 10:30") == "https://exemple.fr/?q=a:b 10:30"


def test_only_text_between_tags_changes():
    html = (
        '<p title="Levier : x">Levier : <a href="/?q=a ?">x</a> ?</p>'
        "<script>var a = b ? c : d;</script><style>a:hover { color : red }</style>"
        "<textarea>Bonjour : comment ?</textarea><pre>clé : valeur</pre>"
        "<code>a ? b</code><!-- note : rien -->"
    )
    assert french_html(html) == (
        f'<p title="Levier : x">Levier{NBSP}: <a href="/?q=a ?">x</a>{NBSP}?</p>'
        "<script>var a = b ? c : d;</script><style>a:hover { color : red }</style>"
        "<textarea>Bonjour : comment ?</textarea><pre>clé : valeur</pre>"
        "<code>a ? b</code><!-- note : rien -->"
    )


def test_public_pages_never_leave_french_punctuation_after_a_plain_space(client, content):
    urls = [
        "/",
        "/pratiques/",
        "/pratiques/mayotte-achat-socialement-responsable/",
        "/leviers/spaser/",
        "/alertes/",
        "/donnees/",
        "/accessibilite/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response.content.decode())
        assert not re.search(r" [:;?!»]|« ", text), (url, re.findall(r".{20} [:;?!»]", text)[:3])
        assert int(response["Content-Length"]) == len(response.content)


def test_a_visitor_message_sent_back_with_an_error_is_kept_as_typed(client, db):
    practice = make_practice(levers=[make_lever()], contact_email="referent@exemple.fr")
    message = "Bonjour : comment avez-vous fait ? « Merci » !"
    response = client.post(
        f"/pratiques/{practice.slug}/contacter/",
        {"sender_name": "", "sender_email": "x@exemple.fr", "message": message, "site_web": ""},
    )
    assert response.status_code == 200
    assert unescape(response.content.decode()).count(message) == 1


def test_the_admin_is_left_as_django_writes_it(client, db):
    make_practice(title="Clauses : un essai ?")
    client.force_login(make_staff(is_superuser=True))
    response = client.get("/admin/practices/practice/")
    assert response.status_code == 200
    assert "Clauses : un essai ?" in response.content.decode()
