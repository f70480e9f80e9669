"""No admin page carries what the strict CSP refuses: inline style attributes, on…
handlers, inline scripts. Third-party templates that do are overridden."""

import re

import pytest

from tests.factories import make_lever, make_practice, make_staff

pytestmark = pytest.mark.django_db

INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
# A <script> without src (JSON data blocks are not run, so the CSP allows them).
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)


@pytest.fixture
def practice():
    return make_practice(levers=[make_lever()], figures=[("emplois", 12)])


def pages(practice):
    base = "/admin/practices/practice/"
    return [
        "/admin/",
        base,
        f"{base}add/",
        f"{base}{practice.pk}/change/",
        f"{base}{practice.pk}/history/",
        f"{base}{practice.pk}/history/{practice.history.first().history_id}/",
        f"{base}{practice.pk}/delete/",
        f"{base}import/",
        f"{base}export/",
        "/admin/practices/keyfigure/",
        "/admin/practices/contribution/",
        "/admin/levers/lever/",
    ]


def test_admin_pages_have_no_inline_style_handler_or_script(client, practice):
    client.force_login(make_staff("Responsables éditoriaux"))
    found = {}
    for url in pages(practice):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for name, pattern in [
            ("style", INLINE_STYLE),
            ("handler", HANDLER),
            ("script", INLINE_SCRIPT),
        ]:
            hits = pattern.findall(html)
            if hits:
                found[f"{url} {name}"] = hits[:3]
    assert found == {}
