"""What practices rely on is not deleted from under them: a lever (every practice needs
one) or a fiche a practice cites as its source cannot be deleted while practices use it,
and the delete page says which, so that the editor changes those practices first."""

from html import unescape

import pytest

from levers.models import Fiche, Lever
from practices.models import Partner, Practice
from tests.factories import (
    make_fiche,
    make_lever,
    make_practice,
    make_sector,
    make_staff,
    practice_admin_form_data,
)

pytestmark = pytest.mark.django_db

PUBLISHERS = "Responsables éditoriaux"


def test_a_lever_practices_use_cannot_be_deleted_and_the_page_names_them(publisher_client):
    lever = make_lever(name="Clauses sociales")
    only = make_practice(levers=[lever], title="Marché réservé à Lille")
    binned = make_practice(levers=[lever, make_lever()], title="Pratique jetée")
    Practice.objects.filter(pk=binned.pk).update(status=Practice.Status.ARCHIVED)
    url = f"/admin/levers/lever/{lever.pk}/delete/"

    page = unescape(publisher_client.get(url).content.decode())
    refusal = "Impossible de supprimer « Clauses sociales » (levier) : ces éléments en dépendent"
    assert refusal in page
    assert "Marché réservé à Lille" in page and "Pratique jetée" in page
    assert f'href="/admin/practices/practice/{only.pk}/change/"' in page
    assert "Archivée" in page
    assert 'name="post"' not in page  # no « Oui, je suis sûr » button

    publisher_client.post(url, {"post": "yes"})
    assert Lever.objects.filter(pk=lever.pk).exists()
    assert list(only.levers.all()) == [lever]


def test_the_list_action_does_not_delete_levers_practices_use(publisher_client):
    used, unused = make_lever(name="Clauses sociales"), make_lever(name="Inutilisé")
    make_practice(levers=[used], title="Marché réservé à Lille")
    data = {"action": "delete_selected", "_selected_action": [used.pk, unused.pk]}

    page = unescape(publisher_client.post("/admin/levers/lever/", data).content.decode())
    assert "Impossible de supprimer la sélection (leviers)" in page
    assert "Marché réservé à Lille" in page

    publisher_client.post("/admin/levers/lever/", {**data, "post": "yes"})
    assert Lever.objects.filter(pk__in=[used.pk, unused.pk]).count() == 2


def test_a_fiche_a_practice_cites_as_its_source_cannot_be_deleted(publisher_client):
    fiche = make_fiche(title="Commande publique responsable")
    practice = make_practice(levers=[make_lever()], source_fiche=fiche, title="Cas du 62")
    url = f"/admin/levers/fiche/{fiche.pk}/delete/"

    page = unescape(publisher_client.get(url).content.decode())
    assert "Commande publique responsable » (fiche) : ces éléments en dépendent" in page
    assert "Cas du 62" in page

    publisher_client.post(url, {"post": "yes"})
    practice.refresh_from_db()
    assert practice.source_fiche == fiche


def test_a_lever_and_a_fiche_no_practice_uses_are_deleted_as_before(publisher_client):
    lever, fiche = make_lever(), make_fiche()
    make_practice(levers=[make_lever()])
    publisher_client.post(f"/admin/levers/lever/{lever.pk}/delete/", {"post": "yes"})
    publisher_client.post(f"/admin/levers/fiche/{fiche.pk}/delete/", {"post": "yes"})
    assert not Lever.objects.filter(pk=lever.pk).exists()
    assert not Fiche.objects.filter(pk=fiche.pk).exists()


def test_a_lever_or_fiche_a_pending_revision_proposes_cannot_be_deleted(client):
    # Approving the revision would then point the practice at a row that is gone.
    practice, new_lever, fiche = make_practice(levers=[make_lever()]), make_lever(), make_fiche()
    client.force_login(make_staff("Éditeurs"))
    data = practice_admin_form_data(
        practice, levers=[*practice.levers.values_list("pk", flat=True), new_lever.pk]
    )
    data["source_fiche"] = fiche.pk
    client.post(f"/admin/practices/practice/{practice.pk}/change/", data)
    assert practice.revisions.get().data["source_fiche"] == fiche.pk

    client.force_login(make_staff(PUBLISHERS))
    for url in (
        f"/admin/levers/lever/{new_lever.pk}/delete/",
        f"/admin/levers/fiche/{fiche.pk}/delete/",
    ):
        page = unescape(client.get(url).content.decode())
        assert "Impossible de supprimer" in page
        review = f"/admin/practices/practice/{practice.pk}/relecture/"
        assert f'Révision en attente de la pratique <a href="{review}">' in page
        client.post(url, {"post": "yes"})
    assert Lever.objects.filter(pk=new_lever.pk).exists()
    assert Fiche.objects.filter(pk=fiche.pk).exists()


@pytest.mark.parametrize("page", ["one", "action"])
def test_deleting_a_sector_or_partner_unlinks_it_and_rebuilds_the_search_texts(
    publisher_client, page
):
    sector = make_sector(name="Restauration collective")
    partner = Partner.objects.create(name="Régie de quartier", slug="regie")
    practice = make_practice(levers=[make_lever()], sectors=[sector], partners=[partner])
    assert "restauration collective" in practice.search_text
    assert practice.sector_ids == str(sector.pk)

    for url, obj in (("/admin/practices/sector/", sector), ("/admin/practices/partner/", partner)):
        if page == "one":
            publisher_client.post(f"{url}{obj.pk}/delete/", {"post": "yes"})
        else:
            data = {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
            publisher_client.post(url, data)
    practice.refresh_from_db()
    assert (practice.sector_ids, list(practice.sectors.all())) == ("", [])
    assert "restauration" not in practice.search_text
    assert "regie" not in practice.search_text
    assert Practice.objects.search("restauration collective").count() == 0
