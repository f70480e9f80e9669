"""Every change is recorded (who, when, what) and can be viewed and reverted in the admin."""

from html import unescape

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


def _revert_unchanged(client, practice, version):
    """POST the revert form of `version` back as an editor would, unchanged."""
    url = f"/admin/practices/practice/{practice.pk}/history/{version.history_id}/"
    form = client.get(url).context["adminform"].form
    data = practice_admin_form_data(practice, status=form.initial["status"])
    return client.post(url, data)


def test_an_editor_s_revert_does_not_take_a_practice_out_of_the_bin(client):
    from practices import workflow

    publisher = make_staff(PUBLISHERS)
    practice = make_practice(levers=[make_lever()])
    before_bin = practice.history.first()
    workflow.soft_delete(practice, publisher)
    assert client.get(practice.get_absolute_url()).status_code == 404

    client.force_login(make_staff(EDITORS))
    response = _revert_unchanged(client, practice, before_bin)

    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.deleted_at is not None
    client.logout()
    assert client.get(practice.get_absolute_url()).status_code == 404


def test_an_editor_s_revert_does_not_bring_a_scheduled_publication_forward(client):
    from django.utils import timezone

    practice = make_practice(levers=[make_lever()])
    published_version = practice.history.first()
    practice.published_at = timezone.now() + timezone.timedelta(days=60)
    practice.save()
    assert client.get(practice.get_absolute_url()).status_code == 404

    client.force_login(make_staff(EDITORS))
    response = _revert_unchanged(client, practice, published_version)

    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.published_at > timezone.now() + timezone.timedelta(days=59)
    assert "responsables" in str(list(response.wsgi_request._messages))
    client.logout()
    assert client.get(practice.get_absolute_url()).status_code == 404


def test_a_publisher_s_revert_restores_the_date_but_leaves_the_bin_to_the_bin(client):
    from django.utils import timezone

    from practices import workflow

    publisher = make_staff(PUBLISHERS)
    practice = make_practice(levers=[make_lever()])
    old_date = practice.published_at
    published_version = practice.history.first()
    practice.published_at = timezone.now() + timezone.timedelta(days=60)
    practice.save()
    workflow.soft_delete(practice, publisher)

    client.force_login(publisher)
    url = f"/admin/practices/practice/{practice.pk}/history/{published_version.history_id}/"
    form = client.get(url).context["adminform"].form
    data = practice_admin_form_data(practice, status=form.initial["status"])
    local = timezone.localtime(old_date)
    data.update(published_at_0=f"{local:%d/%m/%Y}", published_at_1=f"{local:%H:%M:%S}")
    assert client.post(url, data).status_code == 302

    practice.refresh_from_db()
    assert abs(practice.published_at - old_date).total_seconds() < 1
    assert practice.deleted_at is not None


def test_the_history_page_reads_in_french(client):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    when = datetime(2026, 11, 30, 11, 30, 12, 345678, tzinfo=ZoneInfo("Europe/Paris"))
    lever = make_lever(name="Clauses sociales")
    practice = make_practice(
        levers=[lever], status=Practice.Status.REVIEW, published_at=None, title="La pratique"
    )
    practice.status = Practice.Status.PUBLISHED
    practice.published_at = when
    practice._change_reason = "Validée en comité"
    practice.save()
    client.force_login(make_staff(PUBLISHERS))
    page = unescape(
        client.get(f"/admin/practices/practice/{practice.pk}/history/").content.decode()
    )
    for header in ("Version", "Statut", "Date", "Action", "Par", "Motif ou commentaire"):
        assert f'<th scope="col">{header}</th>' in page
    assert "<td>Publiée</td>" in page and "<td>En relecture</td>" in page
    assert ">published<" not in page
    assert "Statut :</strong> En relecture → Publiée" in page
    assert "Publiée le :</strong> — → 30 novembre 2026 à 11:30" in page
    assert "345678" not in page and "None" not in page
    assert "Validée en comité" in page
    assert "Modification" in page and "Création" in page
    assert 'style="' not in page


def test_related_objects_are_named_in_the_history(client):
    old_lever, new_lever = make_lever(name="Marchés réservés"), make_lever(name="Clauses")
    practice = make_practice(levers=[old_lever], status=Practice.Status.DRAFT, published_at=None)
    practice.levers.set([new_lever])
    client.force_login(make_staff(PUBLISHERS))
    page = unescape(
        client.get(f"/admin/practices/practice/{practice.pk}/history/").content.decode()
    )
    # set() removes, then adds: two versions.
    assert "Leviers :</strong> Marchés réservés → —" in page
    assert "Leviers :</strong> — → Clauses" in page


@pytest.mark.parametrize("kind", ["lever", "fiche", "legalbasis"])
def test_levers_legal_bases_and_fiches_have_the_same_french_history(client, kind):
    from levers.models import LegalBasis

    if kind == "lever":
        obj = make_lever(name="Avant")
        obj.name = "Après"
    elif kind == "fiche":
        obj = make_fiche(title="Avant")
        obj.title = "Après"
    else:
        obj = LegalBasis.objects.create(
            lever=make_lever(),
            code="L. 2113-12",
            title="Avant",
            url="https://example.org",
            valid_from="2019-04-01",
        )
        obj.title = "Après"
    obj.save()
    client.force_login(make_staff(EDITORS))
    page = unescape(client.get(f"/admin/levers/{kind}/{obj.pk}/history/").content.decode())
    assert '<th scope="col">Motif ou commentaire</th>' in page
    assert "→ Après" in page
    assert "None" not in page and 'style="' not in page


def test_review_comments_are_kept_in_the_practice_history(client):
    from practices.revisions import PracticeRevision, send_back, snapshot, submit

    practice = make_practice(levers=[make_lever()])
    editor = make_staff(EDITORS, username="claire")
    submit(practice, {**snapshot(practice), "title": "Titre proposé"}, editor)
    send_back(PracticeRevision.objects.get(), make_staff(PUBLISHERS, username="rose"), "Sourcez.")
    client.force_login(editor)
    page = unescape(
        client.get(f"/admin/practices/practice/{practice.pk}/history/").content.decode()
    )
    assert "<h2>Relectures</h2>" in page
    assert "<td>Renvoyée à son auteur</td><td>rose</td><td>Sourcez.</td>" in page
    assert "<td>Envoyée en relecture</td><td>claire</td>" in page


@pytest.mark.parametrize(
    "path",
    [
        "abc/history/",
        "1.5/history/",
        "{pk}/history/abc/",
        "abc/history/1/",
        "{pk}/history/999999/",
    ],
)
@pytest.mark.parametrize("kind", ["practices/practice", "levers/lever", "levers/fiche"])
def test_a_mistyped_history_address_is_not_found_rather_than_an_error(client, kind, path):
    obj = {"practices/practice": make_practice, "levers/lever": make_lever}.get(kind, make_fiche)()
    client.force_login(make_staff(PUBLISHERS))
    response = client.get(f"/admin/{kind}/{path.format(pk=obj.pk)}")
    assert response.status_code == 404


def test_who_may_only_read_a_history_cannot_revert_through_its_form(client):
    # Éditeurs read the legal texts but only the Responsables change them; simple-history
    # hides the « revert » button from readers yet saved what they posted to the form.
    from practices.legal import LegalText

    text = LegalText.objects.get(page="mentions-legales")
    text.title = "Mentions légales du portail"
    text.save()
    version = text.history.get()
    client.force_login(make_staff(EDITORS))
    url = f"/admin/practices/legaltext/{text.pk}/history/{version.history_id}/"
    assert client.get(url).status_code == 200
    data = {"title": "Texte réécrit", "summary": "Résumé.", "body": "Tout autre chose."}
    assert client.post(url, data).status_code == 403
    text.refresh_from_db()
    assert text.title == "Mentions légales du portail"
