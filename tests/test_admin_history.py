"""Every change is recorded (who, when, what) and can be viewed and reverted in the admin."""

import pytest

from levers.models import Lever
from practices.models import Practice, Sector
from tests.factories import (
    make_fiche,
    make_lever,
    make_practice,
    make_sector,
    make_staff,
    practice_admin_form_data,
)

pytestmark = pytest.mark.django_db

EDITORS = "Éditeurs"
PUBLISHERS = "Responsables éditoriaux"


def change_url(practice):
    return f"/admin/practices/practice/{practice.pk}/change/"


def test_an_admin_change_is_recorded_with_who_and_what(client):
    practice = make_practice(levers=[make_lever()], title="Avant")
    # A Responsable: an Éditeur's change to a published practice waits for review.
    editor = make_staff(PUBLISHERS, username="claire")
    client.force_login(editor)
    client.post(change_url(practice), practice_admin_form_data(practice, title="Après"))
    latest = practice.history.first()
    assert latest.history_user == editor
    assert latest.title == "Après"
    delta = latest.diff_against(latest.prev_record)
    assert "title" in delta.changed_fields
    page = client.get(f"/admin/practices/practice/{practice.pk}/history/").content.decode()
    assert "claire" in page


def test_lever_and_fiche_changes_are_recorded(client):
    lever = make_lever(name="Clauses")
    fiche = make_fiche()
    client.force_login(make_staff(EDITORS))
    lever.name = "Clauses sociales"
    lever.save()
    fiche.title = "Nouveau titre"
    fiche.save()
    assert lever.history.count() == 2
    assert fiche.history.count() == 2
    assert client.get(f"/admin/levers/lever/{lever.pk}/history/").status_code == 200
    assert client.get(f"/admin/levers/fiche/{fiche.pk}/history/").status_code == 200


def test_an_editor_reverts_a_practice_to_an_earlier_version(client):
    practice = make_practice(levers=[make_lever()], status=Practice.Status.DRAFT, published_at=None)
    practice.title = "Version 1"
    practice.save()
    practice.title = "Version 2 ratée"
    practice.save()
    old = practice.history.get(title="Version 1")
    client.force_login(make_staff(EDITORS))
    url = f"/admin/practices/practice/{practice.pk}/history/{old.history_id}/"
    form_page = client.get(url)
    assert form_page.status_code == 200
    assert "Version 1" in form_page.content.decode()
    data = practice_admin_form_data(practice, title="Version 1")
    assert client.post(url, data).status_code == 302
    practice.refresh_from_db()
    assert practice.title == "Version 1"
    assert practice.history.first().title == "Version 1"


def test_the_revert_form_offers_the_version_s_levers_and_sectors_and_restores_them(client):
    old_lever, new_lever = make_lever(name="Marchés réservés"), make_lever(name="SPASER")
    old_sector = make_sector()
    practice = make_practice(
        levers=[old_lever], sectors=[old_sector], status=Practice.Status.DRAFT, published_at=None
    )
    practice.title = "Version 1"
    practice.save()
    old = practice.history.first()
    practice.levers.set([new_lever])
    practice.sectors.clear()
    practice.title = "Version 2"
    practice.save()
    client.force_login(make_staff(EDITORS))
    url = f"/admin/practices/practice/{practice.pk}/history/{old.history_id}/"

    form = client.get(url).context["adminform"].form
    assert form.initial["title"] == "Version 1"
    assert list(form.initial["levers"]) == [old_lever.pk]
    assert list(form.initial["sectors"]) == [old_sector.pk]
    # The ordinary change form still shows today's choices.
    today = client.get(change_url(practice)).context["adminform"].form
    assert [lever.pk for lever in today.initial["levers"]] == [new_lever.pk]

    data = practice_admin_form_data(practice, title="Version 1")
    data.update(levers=form.initial["levers"], sectors=form.initial["sectors"])
    assert client.post(url, data).status_code == 302
    practice.refresh_from_db()
    assert list(practice.levers.all()) == [old_lever]
    assert list(Sector.objects.filter(practices=practice)) == [old_sector]


def test_reverting_to_a_published_version_still_needs_the_publish_permission(client):
    practice = make_practice(levers=[make_lever()])
    published_version = practice.history.first()
    practice.status = Practice.Status.ARCHIVED
    practice.save()
    client.force_login(make_staff(EDITORS))
    url = f"/admin/practices/practice/{practice.pk}/history/{published_version.history_id}/"
    data = practice_admin_form_data(practice, status=Practice.Status.PUBLISHED)
    response = client.post(url, data)
    assert response.status_code == 200
    practice.refresh_from_db()
    assert practice.status == Practice.Status.ARCHIVED


def test_many_to_many_changes_are_in_the_history():
    practice = make_practice(levers=[make_lever()])
    other = make_lever()
    practice.levers.add(other)
    practice.save()
    record = practice.history.first()
    assert other.pk in [row.lever_id for row in record.levers.all()]
    assert Lever.history.exists()
