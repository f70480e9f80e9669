"""Sharing a practice (Open Graph, copy link, print) and « Pratiques proches » order."""

import re

import pytest

from practices.models import Practice
from tests.factories import make_lever, make_practice, make_sector

pytestmark = pytest.mark.django_db


def og(html):
    from html import unescape

    return {
        name: unescape(value)
        for name, value in re.findall(
            r'<meta (?:property|name)="((?:og|twitter):[^"]+)" content="([^"]*)"', html
        )
    }


def test_practice_page_has_open_graph_and_twitter_tags(client):
    practice = make_practice(levers=[make_lever()], title="Un marché « réservé »")
    tags = og(client.get(practice.get_absolute_url()).content.decode())
    assert tags["og:title"] == "Un marché « réservé »"
    assert tags["og:description"] == practice.summary
    assert tags["og:type"] == "article"
    assert tags["og:url"] == f"http://testserver{practice.get_absolute_url()}"
    assert tags["og:image"].startswith("http://testserver/static/img/og-card")
    assert tags["twitter:card"] == "summary_large_image"


def test_lever_and_department_pages_have_open_graph_tags(client):
    lever = make_lever(name="Clauses sociales", summary="Réserver des heures d'insertion.")
    lever_tags = og(client.get(lever.get_absolute_url()).content.decode())
    assert lever_tags["og:title"] == "Clauses sociales"
    assert lever_tags["og:description"] == "Réserver des heures d'insertion."
    assert lever_tags["og:type"] == "website"
    department_tags = og(client.get("/departements/976/").content.decode())
    assert department_tags["og:title"] == "Mayotte (976)"
    assert "Mayotte" in department_tags["og:description"]
    assert department_tags["og:url"] == "http://testserver/departements/976/"
    assert department_tags["og:image"].startswith("http://testserver/")


def test_og_card_is_a_static_png_of_the_portal():
    from pathlib import Path

    card = Path(__file__).resolve().parent.parent / "static" / "img" / "og-card.png"
    data = card.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert int.from_bytes(data[16:20], "big") == 1200
    assert int.from_bytes(data[20:24], "big") == 630


def test_copy_link_and_print_are_script_enhanced_buttons(client):
    practice = make_practice(levers=[make_lever()])
    html = client.get(practice.get_absolute_url()).content.decode()
    assert '<script src="/static/js/share.js" defer></script>' in html
    assert (
        f'data-copy-link="http://testserver{practice.get_absolute_url()}" '
        'aria-describedby="copie-statut" hidden>Copier le lien</button>'
    ) in html
    assert "data-print hidden>Imprimer</button>" in html
    assert "onclick" not in html and "<script>" not in html


def test_related_practices_rank_department_then_region_then_sector_then_lever(client):
    lever, sector = make_lever(), make_sector()
    practice = make_practice(levers=[lever], sectors=[sector], department="62")
    lever_only = make_practice(levers=[lever], department="976")
    same_sector = make_practice(levers=[lever], sectors=[sector], department="35")
    same_region = make_practice(levers=[lever], department="59")  # Nord, Hauts-de-France
    same_department_old = make_practice(levers=[lever], department="62")
    same_department_new = make_practice(
        levers=[lever], department="62", published_at=practice.published_at
    )
    other_lever_same_department = make_practice(levers=[make_lever()], department="62")
    draft = make_practice(levers=[lever], status=Practice.Status.DRAFT, published_at=None)
    related = client.get(practice.get_absolute_url()).context["related"]
    assert [p.slug for p in related] == [
        same_department_new.slug,
        same_department_old.slug,
        same_region.slug,
        same_sector.slug,
        lever_only.slug,
    ]
    assert other_lever_same_department.slug not in {p.slug for p in related}
    assert draft.slug not in {p.slug for p in related}


def test_related_practices_of_a_region_with_one_department(client):
    # Mayotte is a region of one département: no « same region » rank to look for.
    lever, sector = make_lever(), make_sector()
    practice = make_practice(levers=[lever], sectors=[sector], department="976")
    lever_only = make_practice(levers=[lever], department="62")
    same_sector = make_practice(levers=[lever], sectors=[sector], department="35")
    same_department = make_practice(levers=[lever], department="976")
    related = client.get(practice.get_absolute_url()).context["related"]
    assert [p.slug for p in related] == [same_department.slug, same_sector.slug, lever_only.slug]


def test_at_most_six_related_practices(client):
    lever = make_lever()
    practice = make_practice(levers=[lever])
    for _ in range(8):
        make_practice(levers=[lever], department="976")
    assert len(client.get(practice.get_absolute_url()).context["related"]) == 6


def test_key_figure_value_and_unit_never_part(client):
    from practices.models import KeyFigure

    practice = make_practice(levers=[make_lever()])
    KeyFigure.objects.create(practice=practice, label="montant", value=5993493, unit="€")
    html = client.get(practice.get_absolute_url()).content.decode()
    # Narrow no-break spaces inside the number, a no-break space before the unit, and the
    # stylesheet forbids wrapping inside.
    assert (
        '<span class="figure-number">5\u202f993\u202f493&nbsp;'
        '<span class="key-figure__unit">€</span></span>' in html
    )
