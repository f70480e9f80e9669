"""« Enregistrer comme nouveau brouillon »: start a practice from an existing one."""

import pytest
from django.utils import timezone

from practices import workflow
from practices.models import Partner, Practice
from tests.factories import (
    make_lever,
    make_practice,
    make_sector,
    make_staff,
    practice_admin_form_data,
)

pytestmark = pytest.mark.django_db

EDITORS = "Éditeurs"
YEAR = timezone.localdate().year


@pytest.fixture
def original():
    partner = Partner.objects.create(name="Une SIAE", slug="une-siae")
    return make_practice(
        levers=[make_lever(), make_lever()],
        sectors=[make_sector()],
        partners=[partner],
        figures=[("salariés", 913), ("collèges", 122)],
        slug="modele",
        title="Modèle",
    )


def assert_is_a_draft_copy(copy, original):
    assert copy.pk != original.pk
    assert copy.slug != original.slug
    assert copy.status == Practice.Status.DRAFT
    assert copy.published_at is None
    assert copy.deleted_at is None
    assert set(copy.levers.all()) == set(original.levers.all())
    assert set(copy.sectors.all()) == set(original.sectors.all())
    assert set(copy.partners.all()) == set(original.partners.all())
    assert [(f.label, f.value) for f in copy.key_figures.all()] == [
        (f.label, f.value) for f in original.key_figures.all()
    ]
    assert not Practice.objects.published().filter(pk=copy.pk).exists()


def test_save_as_new_draft_button_creates_a_draft_and_leaves_the_original(client, original):
    client.force_login(make_staff(EDITORS))
    page = client.get(f"/admin/practices/practice/{original.pk}/change/").content.decode()
    assert "Enregistrer comme nouveau brouillon" in page
    data = practice_admin_form_data(original, title="Modèle adapté", _saveasnew="1")
    response = client.post(f"/admin/practices/practice/{original.pk}/change/", data)
    assert response.status_code == 302
    copy = Practice.objects.get(title="Modèle adapté")
    assert copy.slug == f"modele-adapte-{YEAR}"
    assert_is_a_draft_copy(copy, original)
    original.refresh_from_db()
    assert (original.title, original.status) == ("Modèle", Practice.Status.PUBLISHED)
    assert original.key_figures.count() == 2


def test_duplicate_action_makes_unique_slugs(client, original):
    client.force_login(make_staff(EDITORS))
    for _ in range(2):
        client.post(
            "/admin/practices/practice/",
            {"action": "duplicate_selected", "_selected_action": [original.pk]},
        )
    copies = Practice.objects.exclude(pk=original.pk).order_by("pk")
    assert [c.slug for c in copies] == [f"modele-{YEAR}", f"modele-{YEAR}-2"]
    for copy in copies:
        assert_is_a_draft_copy(copy, original)
        assert copy.title == "Modèle (copie)"
        assert "salaries" in copy.search_text


def test_duplicate_records_who_made_the_copy(original):
    editor = make_staff(EDITORS)
    copy = workflow.duplicate_as_draft(original, editor)
    assert copy.history.first().history_user == editor


def test_the_change_page_has_a_copy_button_whose_message_links_to_the_copy(client, original):
    client.force_login(make_staff(EDITORS))
    url = f"/admin/practices/practice/{original.pk}/change/"
    page = client.get(url).content.decode()
    assert '<button type="submit" class="copy-button">Créer une copie en brouillon</button>' in page
    assert client.get(f"/admin/practices/practice/{original.pk}/copie/").status_code == 405
    response = client.post(f"/admin/practices/practice/{original.pk}/copie/", follow=True)
    copy = Practice.objects.exclude(pk=original.pk).get()
    assert response.redirect_chain[-1][0] == f"/admin/practices/practice/{copy.pk}/change/"
    assert_is_a_draft_copy(copy, original)
    assert copy.slug == f"modele-{YEAR}"
    html = response.content.decode()
    assert (
        f'Copie en brouillon créée : <a href="/admin/practices/practice/{copy.pk}/change/">' in html
    )
    # A copy of the copy gets a fresh slug too, not « -copie-copie ».
    client.post(f"/admin/practices/practice/{copy.pk}/copie/")
    assert Practice.objects.order_by("-pk").first().slug == f"modele-copie-{YEAR}"


def test_staff_without_add_permission_cannot_copy(client, original):
    from django.contrib.auth.models import Permission

    viewer = make_staff()
    viewer.user_permissions.add(Permission.objects.get(codename="view_practice"))
    client.force_login(viewer)
    assert client.post(f"/admin/practices/practice/{original.pk}/copie/").status_code == 403
    assert Practice.objects.count() == 1


@pytest.mark.parametrize("group", [EDITORS, "Responsables éditoriaux"])
def test_save_as_new_with_an_error_on_a_practice_under_review_shows_the_form_again(
    client, original, group
):
    # An Éditeur's change to the published practice waits for review.
    client.force_login(make_staff(EDITORS))
    url = f"/admin/practices/practice/{original.pk}/change/"
    client.post(url, practice_admin_form_data(original, summary="Résumé revu."))
    assert original.revisions.filter(status="review").exists()

    client.force_login(make_staff(group))
    data = practice_admin_form_data(original, title="", body="Mon long texte", _saveasnew="1")
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mon long texte" in page
    assert "Ce champ est obligatoire" in page
    assert Practice.objects.count() == 1
