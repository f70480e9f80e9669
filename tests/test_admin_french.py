"""The admin speaks the editors' French: the models' names where Django says « objet »,
help texts with real examples."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from tests.factories import make_fiche, make_lever, make_practice, make_sector

pytestmark = pytest.mark.django_db


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


def test_delete_pages_name_the_links_they_remove_in_french(client, django_user_model):
    lever, sector = make_lever(name="Clauses sociales"), make_sector(name="Bâtiment")
    make_practice(levers=[make_lever()], sectors=[sector], title="Marché réservé à Lille")
    make_fiche(title="Fiche 12").levers.add(lever)  # (practices keep their levers)
    client.force_login(django_user_model.objects.create_superuser("admin", "a@example.org", "x"))

    for url, links in [
        (
            f"/admin/levers/lever/{lever.pk}/delete/",
            [
                "Liens fiche – levier: 1",
                "Fiche 12 » – « Clauses sociales »",
            ],
        ),
        (
            f"/admin/practices/sector/{sector.pk}/delete/",
            ["Liens pratique – secteur: 1", "« Marché réservé à Lille » – « Bâtiment »"],
        ),
    ]:
        page = unescape(client.get(url).content.decode())
        for link in links:
            assert link in page
        assert "Relation" not in page and " object (" not in page
        assert "objet" not in page.lower().replace("object-tools", "")
    assert "Voulez-vous vraiment supprimer « Bâtiment » (secteur) ?" in page


def test_saving_says_what_was_saved_without_objet(publisher_client):
    lever = make_lever(name="Clauses sociales")
    response = publisher_client.post(
        f"/admin/levers/lever/{lever.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert "Suppression effectuée : levier « Clauses sociales »." in unescape(
        response.content.decode()
    )


def _po_entries(path):
    """[(msgid, msgstr)] of a .po file's singular entries (its strings on one line)."""
    text = path.read_text(encoding="utf-8")
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', text, re.M)
    return [tuple(s.replace('\\"', '"') for s in pair) for pair in pairs]


def test_the_compiled_messages_say_what_the_po_file_says():
    entries = _po_entries(Path(settings.LOCALE_PATHS[0]) / "fr" / "LC_MESSAGES" / "django.po")
    assert len(entries) >= 20
    with translation.override("fr"):
        for msgid, msgstr in entries:
            assert translation.gettext(msgid) == msgstr
        assert (
            translation.ngettext(
                "%(count)s %(name)s was changed successfully.",
                "%(count)s %(name)s were changed successfully.",
                3,
            )
            == "%(count)s %(name)s : modifications enregistrées."
        )


def test_the_lists_search_field_is_named_in_french(publisher_client):
    # Django's search box is labelled by an image whose text is English « Search ».
    page = unescape(publisher_client.get("/admin/practices/practice/").content.decode())
    assert 'alt="Search"' not in page
    assert 'for="searchbar"><img src="/static/admin/img/search.svg" alt="Rechercher">' in page
