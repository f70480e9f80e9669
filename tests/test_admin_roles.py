"""What each editorial role may and may not do in the admin."""

import pytest

from practices.models import Department, Practice
from tests.factories import make_lever, make_practice, make_staff, practice_admin_form_data

pytestmark = pytest.mark.django_db

EDITORS = "Éditeurs"
PUBLISHERS = "Responsables éditoriaux"
ADD_URL = "/admin/practices/practice/add/"


def change_url(practice):
    return f"/admin/practices/practice/{practice.pk}/change/"


def test_admin_is_titled_for_the_portal_in_french(client):
    client.force_login(make_staff(EDITORS))
    response = client.get("/admin/")
    content = response.content.decode()
    assert "Commande publique responsable — administration" in content
    assert 'lang="fr"' in content


def test_editor_can_create_a_draft(client):
    lever = make_lever()
    client.force_login(make_staff(EDITORS))
    response = client.post(ADD_URL, practice_admin_form_data(levers=[lever.pk]))
    assert response.status_code == 302
    practice = Practice.objects.get(slug="une-pratique")
    assert practice.status == Practice.Status.DRAFT
    assert practice.history.first().history_user.groups.filter(name=EDITORS).exists()


def test_editor_posting_published_gets_a_french_error_and_nothing_is_saved(client):
    lever = make_lever()
    client.force_login(make_staff(EDITORS))
    data = practice_admin_form_data(
        levers=[lever.pk], status=Practice.Status.PUBLISHED, title="Mon texte long"
    )
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Vous ne pouvez pas publier" in content
    # The form comes back with what the editor typed: nothing is lost.
    assert "Mon texte long" in content
    assert not Practice.objects.exists()


def test_editor_cannot_publish_an_existing_draft_by_posting_the_status(client):
    lever = make_lever()
    practice = make_practice(levers=[lever], status=Practice.Status.REVIEW, published_at=None)
    client.force_login(make_staff(EDITORS))
    data = practice_admin_form_data(practice, status=Practice.Status.PUBLISHED)
    response = client.post(change_url(practice), data)
    assert response.status_code == 200
    assert "responsables éditoriaux" in response.content.decode()
    practice.refresh_from_db()
    assert practice.status == Practice.Status.REVIEW
    assert practice.published_at is None


def test_editor_cannot_unpublish(client):
    lever = make_lever()
    practice = make_practice(levers=[lever])
    client.force_login(make_staff(EDITORS))
    data = practice_admin_form_data(practice, status=Practice.Status.ARCHIVED)
    response = client.post(change_url(practice), data)
    assert response.status_code == 200
    practice.refresh_from_db()
    assert practice.status == Practice.Status.PUBLISHED


def test_editor_cannot_set_the_publication_date(client):
    lever = make_lever()
    practice = make_practice(levers=[lever], status=Practice.Status.DRAFT, published_at=None)
    client.force_login(make_staff(EDITORS))
    data = practice_admin_form_data(
        practice, published_at_0="01/01/2030", published_at_1="10:00:00", title="Nouveau titre"
    )
    response = client.post(change_url(practice), data)
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.title == "Nouveau titre"
    assert practice.published_at is None


def test_editor_edit_of_a_published_practice_waits_for_review(client):
    lever = make_lever()
    practice = make_practice(levers=[lever])
    client.force_login(make_staff(EDITORS))
    response = client.post(
        change_url(practice), practice_admin_form_data(practice, title="Corrigé")
    )
    assert response.status_code == 302
    practice.refresh_from_db()
    assert (practice.title, practice.status) != ("Corrigé", Practice.Status.PUBLISHED)
    assert practice.revisions.get().data["title"] == "Corrigé"


def test_publisher_can_publish_through_the_form(client):
    lever = make_lever()
    practice = make_practice(levers=[lever], status=Practice.Status.REVIEW, published_at=None)
    client.force_login(make_staff(PUBLISHERS))
    data = practice_admin_form_data(practice, status=Practice.Status.PUBLISHED)
    response = client.post(change_url(practice), data)
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.status == Practice.Status.PUBLISHED
    assert practice.published_at is not None
    assert Practice.objects.published().filter(pk=practice.pk).exists()


def test_only_publishers_are_offered_the_publish_actions(client):
    make_practice(levers=[make_lever()])
    client.force_login(make_staff(EDITORS))
    editor_page = client.get("/admin/practices/practice/").content.decode()
    client.force_login(make_staff(PUBLISHERS))
    publisher_page = client.get("/admin/practices/practice/").content.decode()
    assert "publish_selected" not in editor_page
    assert "publish_selected" in publisher_page
    assert "unpublish_selected" in publisher_page


def test_editor_cannot_manage_users(client):
    client.force_login(make_staff(EDITORS))
    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403


def test_editor_cannot_delete_or_edit_reference_data(client):
    client.force_login(make_staff(EDITORS))
    assert client.get("/admin/practices/department/").status_code == 200
    assert client.get("/admin/practices/department/62/delete/").status_code == 403
    assert client.post("/admin/practices/department/62/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/practices/region/32/delete/").status_code == 403
    assert Department.objects.filter(code="62").exists()


def test_editor_cannot_delete_a_practice_but_a_publisher_can_bin_it(client):
    practice = make_practice(levers=[make_lever()])
    client.force_login(make_staff(EDITORS))
    assert client.post(f"{change_url(practice)[:-7]}delete/", {"post": "yes"}).status_code == 403
    client.force_login(make_staff(PUBLISHERS))
    assert client.post(f"{change_url(practice)[:-7]}delete/", {"post": "yes"}).status_code == 302
    practice.refresh_from_db()
    assert practice.deleted_at is not None


def test_staff_without_a_group_sees_nothing(client):
    client.force_login(make_staff())
    assert client.get("/admin/practices/practice/").status_code == 403


def test_practice_changelist_query_budget(client, django_assert_max_num_queries):
    levers = [make_lever(), make_lever()]
    for _ in range(15):
        make_practice(levers=levers)
    client.force_login(make_staff(PUBLISHERS))
    with django_assert_max_num_queries(14):
        response = client.get("/admin/practices/practice/")
    assert response.status_code == 200


def test_practice_change_form_query_budget(client, django_assert_max_num_queries):
    practice = make_practice(levers=[make_lever(), make_lever()], figures=[("emplois", 3)])
    client.force_login(make_staff(PUBLISHERS))
    with django_assert_max_num_queries(30):
        response = client.get(change_url(practice))
    assert response.status_code == 200
