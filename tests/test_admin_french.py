"""The admin speaks the editors' French: the models' names where Django says « objet »,
help texts with real examples."""

from html import unescape

import pytest

from tests.factories import make_lever, make_practice, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher_client(client):
    client.force_login(make_staff("Responsables éditoriaux"))
    return client


def test_inline_add_links_name_the_model(publisher_client):
    practice = make_practice(levers=[make_lever()])
    page = unescape(
        publisher_client.get(f"/admin/practices/practice/{practice.pk}/change/").content.decode()
    )
    assert "Ajouter un autre chiffre clé" in page
    assert "Ajouter une autre distinction" in page
    lever = make_lever()
    page = unescape(
        publisher_client.get(f"/admin/levers/lever/{lever.pk}/change/").content.decode()
    )
    assert "Ajouter une autre base légale" in page
    assert "objet" not in page.lower().replace("object-tools", "")


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/admin/practices/practice/", "Pratiques"),
        ("/admin/practices/keyfigure/", "Chiffres clés"),
        ("/admin/levers/lever/", "Leviers"),
    ],
)
def test_lists_are_titled_by_the_model_not_objet(publisher_client, url, title):
    page = unescape(publisher_client.get(url).content.decode())
    assert f"<h1>{title}</h1>" in page
    assert "l’objet" not in page and "l'objet" not in page


def test_the_slug_help_text_shows_a_real_example_path(publisher_client):
    page = unescape(publisher_client.get("/admin/practices/practice/add/").content.decode())
    assert "ex. /pratiques/pas-de-calais-marche-insertion-colleges/" in page
