"""What practices are found by follows the names editors change in the admin: a lever,
sector or partner renamed, a legal basis added to a lever, and the practices using them
are found by the new words at once (their search texts are rebuilt), not by the old."""

import pytest

from levers.models import LegalBasis, Lever
from practices.models import Partner, Practice
from tests.factories import make_lever, make_practice, make_sector

pytestmark = pytest.mark.django_db


def lever_form(lever, **changes):
    data = {
        "name": lever.name,
        "slug": lever.slug,
        "family": lever.family,
        "summary": lever.summary,
        "body": "",
        "when_to_use": "",
        "position": "0",
    }
    for prefix in ("legal_bases", "resources"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return {**data, **changes}


def found(words):
    return set(Practice.objects.search(words).values_list("pk", flat=True))


def test_renaming_a_lever_rebuilds_the_search_of_its_practices(publisher_client):
    lever = make_lever(name="Clauses sociales")
    practice, other = make_practice(levers=[lever]), make_practice(levers=[make_lever()])
    url = f"/admin/levers/lever/{lever.pk}/change/"
    response = publisher_client.post(url, lever_form(lever, name="Heures d'insertion"))
    assert response.status_code == 302
    assert found("heures d'insertion") == {practice.pk}
    assert practice.pk not in found("clauses sociales")
    other.refresh_from_db()
    assert "insertion" not in other.search_places


def test_a_renamed_lever_s_words_are_proposed_by_the_typo_suggestions(publisher_client):
    from practices.models import SearchWord

    lever = make_lever(name="Clauses sociales")
    make_practice(levers=[lever])
    url = f"/admin/levers/lever/{lever.pk}/change/"
    publisher_client.post(url, lever_form(lever, name="Achats solidaires remarquables"))
    assert SearchWord.objects.filter(word="remarquables").exists()


def test_a_legal_basis_added_to_a_lever_finds_its_practices(publisher_client):
    lever = make_lever(name="Marchés réservés")
    practice = make_practice(levers=[lever])
    data = lever_form(
        lever,
        **{
            "legal_bases-TOTAL_FORMS": "1",
            "legal_bases-0-code": "L. 2113-13",
            "legal_bases-0-source": "Code de la commande publique",
            "legal_bases-0-title": "Marchés réservés aux SIAE",
            "legal_bases-0-description": "",
            "legal_bases-0-url": "",
            "legal_bases-0-position": "0",
        },
    )
    publisher_client.post(f"/admin/levers/lever/{lever.pk}/change/", data)
    assert LegalBasis.objects.filter(lever=lever).exists()
    assert found("L. 2113-13") == {practice.pk}


def test_renaming_a_sector_or_partner_rebuilds_the_search_of_its_practices(publisher_client):
    sector = make_sector(name="Bâtiment")
    partner = Partner.objects.create(name="Régie de quartier", slug="regie")
    practice = make_practice(levers=[make_lever()], sectors=[sector], partners=[partner])
    publisher_client.post(
        f"/admin/practices/sector/{sector.pk}/change/",
        {"name": "Travaux publics", "slug": sector.slug, "position": "0"},
    )
    publisher_client.post(
        f"/admin/practices/partner/{partner.pk}/change/",
        {"name": "Entreprise adaptée", "slug": "regie", "kind": partner.kind, "url": "",
         "description": ""},
    )  # fmt: skip
    practice.refresh_from_db()
    assert "travaux publics" in practice.search_text
    assert "entreprise adaptee" in practice.search_text
    assert "batiment" not in practice.search_text and "regie" not in practice.search_text
    assert Lever.objects.count() == 1


def test_renaming_a_lever_used_by_many_practices_costs_a_fixed_number_of_queries(
    publisher_client, django_assert_max_num_queries
):
    lever = make_lever(name="Clauses sociales")
    for _ in range(40):
        make_practice(levers=[lever], figures=[("emplois", 3)])
    url = f"/admin/levers/lever/{lever.pk}/change/"
    with django_assert_max_num_queries(30):
        publisher_client.post(url, lever_form(lever, name="Heures d'insertion"))
    assert len(found("heures d'insertion")) == 40


def test_a_legal_basis_changed_in_its_own_list_finds_its_lever_practices(publisher_client):
    lever = make_lever(name="Marchés réservés")
    practice = make_practice(levers=[lever])
    basis = LegalBasis.objects.create(lever=lever, code="L. 2113-12", title="Marchés réservés")
    data = {
        "lever": lever.pk,
        "code": "L. 2113-13",
        "source": basis.source,
        "title": basis.title,
        "description": "",
        "url": "",
        "valid_from": "",
        "valid_until": "",
        "position": "0",
    }
    response = publisher_client.post(f"/admin/levers/legalbasis/{basis.pk}/change/", data)
    assert response.status_code == 302
    assert found("L. 2113-13") == {practice.pk}
    publisher_client.post(f"/admin/levers/legalbasis/{basis.pk}/delete/", {"post": "yes"})
    assert found("L. 2113-13") == set()


def test_reverting_a_lever_to_its_old_name_finds_its_practices_by_that_name(publisher_client):
    lever = make_lever(name="Clauses sociales")
    practice = make_practice(levers=[lever])
    url = f"/admin/levers/lever/{lever.pk}/change/"
    publisher_client.post(url, lever_form(lever, name="Heures d'insertion"))
    old = lever.history.order_by("history_id").first()
    lever.refresh_from_db()
    revert = f"/admin/levers/lever/{lever.pk}/history/{old.history_id}/"
    response = publisher_client.post(revert, lever_form(lever, name="Clauses sociales"))
    assert response.status_code == 302
    lever.refresh_from_db()
    assert lever.name == "Clauses sociales"
    assert found("clauses sociales") == {practice.pk}
