"""Deleting a practice puts it in the bin: hidden everywhere, restorable, never lost."""

import pytest

from practices.models import KeyFigure, Practice
from tests.factories import make_lever, make_practice, make_staff

pytestmark = pytest.mark.django_db

PUBLISHERS = "Responsables éditoriaux"
CHANGELIST = "/admin/practices/practice/"


def test_deleting_from_the_admin_keeps_the_practice_and_its_figures(client):
    practice = make_practice(levers=[make_lever()], figures=[("emplois", 12)], title="À jeter")
    client.force_login(make_staff(PUBLISHERS))
    confirm = client.get(f"{CHANGELIST}{practice.pk}/delete/").content.decode()
    assert "corbeille" in confirm
    response = client.post(f"{CHANGELIST}{practice.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.deleted_at is not None
    assert KeyFigure.objects.filter(practice=practice).count() == 1
    assert practice.levers.count() == 1
    assert not Practice.objects.published().filter(pk=practice.pk).exists()
    assert practice.history.first().deleted_at is not None


def test_deleted_practices_are_hidden_from_the_list_and_shown_in_the_bin(client):
    kept = make_practice(levers=[make_lever()], title="Pratique gardée")
    binned = make_practice(levers=[make_lever()], title="Pratique jetée")
    client.force_login(make_staff(PUBLISHERS))
    client.post(CHANGELIST, {"action": "trash_selected", "_selected_action": [binned.pk]})
    listing = client.get(CHANGELIST).content.decode()
    assert kept.title in listing
    assert binned.title not in listing
    bin_page = client.get(f"{CHANGELIST}?corbeille=oui").content.decode()
    assert binned.title in bin_page
    assert kept.title not in bin_page


def test_restore_action_brings_a_practice_back(client):
    practice = make_practice(levers=[make_lever()])
    client.force_login(make_staff(PUBLISHERS))
    client.post(f"{CHANGELIST}{practice.pk}/delete/", {"post": "yes"})
    assert not Practice.objects.published().filter(pk=practice.pk).exists()
    client.post(
        f"{CHANGELIST}?corbeille=oui",
        {"action": "restore_selected", "_selected_action": [practice.pk]},
    )
    practice.refresh_from_db()
    assert practice.deleted_at is None
    assert Practice.objects.published().filter(pk=practice.pk).exists()


def test_bulk_delete_is_replaced_by_the_bin(client):
    practice = make_practice(levers=[make_lever()])
    client.force_login(make_staff(PUBLISHERS))
    client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [practice.pk], "post": "yes"}
    )
    assert Practice.objects.filter(pk=practice.pk).exists()


def test_a_binned_practice_can_still_be_opened_with_a_warning(client):
    practice = make_practice(levers=[make_lever()])
    client.force_login(make_staff(PUBLISHERS))
    client.post(f"{CHANGELIST}{practice.pk}/delete/", {"post": "yes"})
    page = client.get(f"{CHANGELIST}{practice.pk}/change/")
    assert page.status_code == 200
    assert "dans la corbeille" in page.content.decode()
