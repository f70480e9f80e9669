"""Cached anonymous pages are never stale: every edit, however made, shows at once."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from levers.models import Fiche, Lever
from practices.models import KeyFigure, Partner, Practice, Sector
from procurement_portal.content_version import ContentVersion
from tests.conftest import retitle_behind_the_cache
from tests.factories import make_lever, make_practice, practice_admin_form_data

pytestmark = pytest.mark.usefixtures("page_cache")


def rename_lever_behind_the_cache(slug, name):
    table = Lever._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET name = %s WHERE slug = %s", [name, slug])  # noqa: S608


def facets(response):
    """The filter column of a list page (cards name their levers afresh)."""
    page = response.content.decode()
    return page[page.index('<details class="filters"') : page.index('<section class="results"')]


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_user("editrice", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_an_edit_shows_at_once(client, practice, committed):
    url = practice.get_absolute_url()
    assert "Titre initial" in client.get(url).content.decode()
    assert "Titre initial" in client.get("/pratiques/").content.decode()

    practice.title = "Titre corrigé"
    with committed():
        practice.save()

    assert "Titre corrigé" in client.get(url).content.decode()
    assert "Titre corrigé" in client.get("/pratiques/").content.decode()


def test_levers_sectors_fiches_and_key_figures_saved_anywhere_show_at_once(
    client, practice, committed
):
    # Outside the admin too (a shell, a command): saving the row is enough.
    lever = Lever.objects.get(slug="marches-reserves")
    assert "Marchés réservés" in client.get("/leviers/").content.decode()
    lever.name = "Marchés réservés (corrigé)"
    with committed():
        lever.save()
    assert "Marchés réservés (corrigé)" in client.get("/leviers/").content.decode()

    url = practice.get_absolute_url()
    client.get(url)
    with committed():
        KeyFigure.objects.create(practice=practice, label="Collèges concernés", value="122")
    assert "Collèges concernés" in client.get(url).content.decode()

    fiche = Fiche.objects.first()
    assert client.get(fiche.get_absolute_url()).status_code == 200
    with committed():
        fiche.delete()
    assert client.get(fiche.get_absolute_url()).status_code == 404


def test_list_pages_reuse_the_facet_labels_until_content_changes(
    client, practice, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        client.get("/pratiques/")
    rename_lever_behind_the_cache("spaser", "Renommé en douce")
    # Another address, so not the cached page: the facet labels come from the cache.
    with django_assert_max_num_queries(4):
        response = client.get("/pratiques/", {"tri": "titre"})
    assert "Renommé en douce" not in facets(response)

    ContentVersion.objects.bump()
    assert "Renommé en douce" in facets(client.get("/pratiques/", {"tri": "titre"}))


def test_pages_are_served_from_the_cache_until_content_changes(client, practice):
    url = practice.get_absolute_url()
    client.get(url)
    retitle_behind_the_cache(practice, "Titre modifié en douce")
    assert "Titre initial" in client.get(url).content.decode()

    ContentVersion.objects.bump()
    assert "Titre modifié en douce" in client.get(url).content.decode()


def test_bulk_updates_and_unpublishing_make_cached_pages_stale(client, practice, committed):
    client.get("/pratiques/")
    with committed():
        Practice.objects.filter(pk=practice.pk).update(title="Titre en masse")
    assert "Titre en masse" in client.get("/pratiques/").content.decode()

    practice.refresh_from_db()
    practice.unpublish()
    with committed():
        practice.save()
    assert "Titre en masse" not in client.get("/pratiques/").content.decode()


def test_a_queryset_update_of_a_lever_shows_at_once(client, practice, committed):
    # From a shell or a command: no save(), no admin request.
    assert "Marchés réservés" in client.get("/leviers/").content.decode()
    with committed():
        Lever.objects.filter(slug="marches-reserves").update(name="Marchés réservés (en masse)")
    assert "Marchés réservés (en masse)" in client.get("/leviers/").content.decode()


def test_a_queryset_update_of_a_key_figure_shows_at_once(client, practice, committed):
    figure = KeyFigure.objects.create(practice=practice, label="Collèges concernés", value="122")
    url = practice.get_absolute_url()
    assert "Collèges concernés" in client.get(url).content.decode()
    with committed():
        KeyFigure.objects.filter(pk=figure.pk).update(label="Collèges du département")
    assert "Collèges du département" in client.get(url).content.decode()


def test_a_queryset_delete_of_a_fiche_shows_at_once(client, practice, committed):
    fiche = Fiche.objects.first()
    assert client.get(fiche.get_absolute_url()).status_code == 200
    with committed():
        Fiche.objects.filter(pk=fiche.pk).delete()
    assert client.get(fiche.get_absolute_url()).status_code == 404


def test_bulk_created_key_figures_show_at_once(client, practice, committed):
    url = practice.get_absolute_url()
    client.get(url)
    with committed():
        KeyFigure.objects.bulk_create([KeyFigure(practice=practice, label="Repas servis", value=9)])
    assert "Repas servis" in client.get(url).content.decode()


def test_bulk_updated_levers_show_at_once(client, practice, committed):
    client.get("/leviers/")
    lever = Lever.objects.get(slug="spaser")
    lever.name = "Schéma renommé en masse"
    with committed():
        Lever.objects.bulk_update([lever], ["name"])
    assert "Schéma renommé en masse" in client.get("/leviers/").content.decode()


def test_bulk_created_and_bulk_updated_practices_show_at_once(client, practice, committed):
    client.get("/pratiques/")
    new = Practice(
        title="Pratique créée en masse",
        slug="pratique-creee-en-masse",
        summary="Résumé.",
        authority_name="Département",
        department=practice.department,
        start_year=2020,
        status=Practice.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(days=1),
    )
    with committed():
        (created,) = Practice.objects.bulk_create([new])
    assert "Pratique créée en masse" in client.get("/pratiques/").content.decode()

    created.title = "Pratique modifiée en masse"
    with committed():
        Practice.objects.bulk_update([created], ["title"])
    assert "Pratique modifiée en masse" in client.get("/pratiques/").content.decode()


RELATION_CHANGES = {
    "practice.levers.remove": (
        lambda p: p.levers.remove(Lever.objects.get(slug="marches-reserves")),
        "/leviers/marches-reserves/",
        False,
    ),
    "practice.levers.add": (
        lambda p: p.levers.add(Lever.objects.get(slug="spaser")),
        "/leviers/spaser/",
        True,
    ),
    "practice.levers.clear": (lambda p: p.levers.clear(), "/leviers/marches-reserves/", False),
    "lever.practices.remove": (
        lambda p: Lever.objects.get(slug="marches-reserves").practices.remove(p),
        "/leviers/marches-reserves/",
        False,
    ),
    "practice.sectors.set": (
        lambda p: p.sectors.set([Sector.objects.get(slug="dechets")]),
        "Gestion des déchets",
        True,
    ),
    "practice.partners.add": (
        lambda p: p.partners.add(Partner.objects.get(slug="cress-mayotte")),
        "CRESS de Mayotte",
        True,
    ),
}


@pytest.mark.parametrize("change", RELATION_CHANGES)
def test_many_to_many_changes_to_a_practice_show_at_once(client, practice, change, committed):
    write, marker, shown_after = RELATION_CHANGES[change]
    url = practice.get_absolute_url()
    assert (marker in client.get(url).content.decode()) is not shown_after
    with committed():
        write(practice)
    assert (marker in client.get(url).content.decode()) is shown_after


def test_the_levers_a_fiche_presents_show_at_once(client, practice, committed):
    lever = make_lever(slug="levier-neuf")
    fiche = Fiche.objects.first()
    url = fiche.get_absolute_url()
    assert "/leviers/levier-neuf/" not in client.get(url).content.decode()
    with committed():
        fiche.levers.add(lever)
    assert "/leviers/levier-neuf/" in client.get(url).content.decode()


def test_relations_of_a_practice_never_published_leave_cached_pages_valid(
    client, practice, committed
):
    draft = make_practice(status=Practice.Status.DRAFT, published_at=None)
    version = ContentVersion.objects.current()
    with committed():
        draft.levers.add(Lever.objects.get(slug="spaser"))
        draft.sectors.set([Sector.objects.get(slug="dechets")])
    assert ContentVersion.objects.current() == version
    with committed():
        practice.sectors.set([Sector.objects.get(slug="dechets")])
    assert ContentVersion.objects.current() != version


def test_one_admin_save_is_one_bump(staff_client, practice, committed):
    version = ContentVersion.objects.current()[0]
    levers = Lever.objects.filter(slug__in=["spaser", "marches-reserves"])
    data = practice_admin_form_data(
        practice,
        title="Titre corrigé",
        levers=[lever.pk for lever in levers],
        sectors=[Sector.objects.get(slug="dechets").pk],
        **{
            "key_figures-TOTAL_FORMS": "1",
            "key_figures-0-label": "Collèges concernés",
            "key_figures-0-value": "122",
            "key_figures-0-position": "0",
        },
    )
    with committed() as callbacks:
        response = staff_client.post(f"/admin/practices/practice/{practice.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(callbacks) > 1  # the practice, its levers, sectors and key figure…
    assert ContentVersion.objects.current()[0] == version + 1  # …make one bump
    practice.refresh_from_db()
    assert "college" in practice.search_text and "dechet" in practice.search_text


def test_a_rolled_back_write_leaves_cached_pages_valid_and_loses_no_later_bump(
    client, practice, committed
):
    from django.db import transaction

    url = practice.get_absolute_url()
    client.get(url)
    with committed():
        try:
            with transaction.atomic():
                Practice.objects.filter(pk=practice.pk).update(title="Titre annulé")
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert "Titre initial" in client.get(url).content.decode()
    with committed():
        Practice.objects.filter(pk=practice.pk).update(title="Titre validé")
    assert "Titre validé" in client.get(url).content.decode()


def test_raw_sql_is_not_seen_until_a_bump(staff_client, practice, committed):
    from django.test import Client

    visitor = Client()
    lever = Lever.objects.get(slug="marches-reserves")
    assert lever.name in visitor.get("/leviers/").content.decode()
    rename_lever_behind_the_cache(lever.slug, "Marchés réservés (renommé)")
    # Nor when an editor posts something that changes nothing (an invalid form).
    with committed():
        staff_client.post(f"/admin/levers/lever/{lever.pk}/change/", {})
    assert "Marchés réservés (renommé)" not in visitor.get("/leviers/").content.decode()
    ContentVersion.objects.bump()
    assert "Marchés réservés (renommé)" in visitor.get("/leviers/").content.decode()


def test_a_new_proposal_or_draft_leaves_cached_pages_valid(client, practice, committed):
    version = ContentVersion.objects.current()
    lever = Lever.objects.get(slug="marches-reserves")
    figures = [("salariés en insertion", 12)]
    with committed():
        make_practice(
            levers=[lever], figures=figures, status=Practice.Status.PROPOSED, published_at=None
        )
        make_practice(
            levers=[lever], figures=figures, status=Practice.Status.DRAFT, published_at=None
        )
    assert ContentVersion.objects.current() == version


def test_a_scheduled_publication_appears_when_due_without_any_edit(client, practice, committed):
    due = timezone.now() + timedelta(hours=1)
    with committed():
        make_practice(title="Pratique programmée", published_at=due)
    assert "Pratique programmée" not in client.get("/pratiques/").content.decode()

    later = due + timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert "Pratique programmée" in client.get("/pratiques/").content.decode()


def test_staff_never_get_a_cached_page(client, staff_client, practice):
    from django.test import Client

    url = practice.get_absolute_url()
    Client().get(url)
    retitle_behind_the_cache(practice, "Titre vu par les éditeurs")
    response = staff_client.get(url)
    assert "Titre vu par les éditeurs" in response.content.decode()
    assert "public" not in response.get("Cache-Control", "")
