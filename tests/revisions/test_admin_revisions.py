"""Changes to a published practice wait for review: an Éditeur's edit becomes a pending
revision, a Responsable sees the differences, approves or sends it back."""

from decimal import Decimal
from html import unescape

import pytest

from practices.models import Practice
from practices.revisions import PracticeRevision
from tests.factories import make_lever, make_practice, make_staff, practice_admin_form_data

from .conftest import PUBLISHERS, change_url, review_url

pytestmark = pytest.mark.django_db


def edit(client, practice, **overrides):
    data = practice_admin_form_data(practice, **overrides)
    return client.post(change_url(practice), data)


def public_text(client, practice):
    return unescape(client.get(practice.get_absolute_url()).content.decode())


def test_an_editors_change_to_a_published_practice_waits_for_review(client, practice, editor):
    client.force_login(editor)
    new_lever = make_lever(name="Marchés réservés")
    response = edit(
        client,
        practice,
        title="Titre proposé",
        levers=[new_lever.pk],
        **{"key_figures-0-value": "1 200,5"},
    )
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.title == "Titre publié"
    assert [lever.name for lever in practice.levers.all()] == ["Clauses sociales"]
    assert practice.key_figures.get().value == Decimal("913")
    revision = PracticeRevision.objects.get()
    assert revision.status == PracticeRevision.Status.REVIEW
    assert revision.author == editor
    assert revision.data["title"] == "Titre proposé"
    assert revision.data["levers"] == [new_lever.pk]
    assert revision.data["key_figures"][0]["value"] == "1200.5"
    client.logout()
    page = public_text(client, practice)
    assert "Titre publié" in page and "Titre proposé" not in page
    assert practice.history.first().title == "Titre publié"


def test_the_editor_goes_on_from_the_revision_and_updates_it(client, practice, editor):
    client.force_login(editor)
    edit(client, practice, title="Première reprise")
    page = unescape(client.get(change_url(practice)).content.decode())
    assert 'value="Première reprise"' in page
    assert "Ce formulaire montre votre révision" in page
    # The form now shows the revision's figures as new rows.
    assert 'name="key_figures-0-value" value="913"' in page
    response = client.get(change_url(practice))
    form_data = {
        **practice_admin_form_data(practice, title="Seconde reprise"),
        "key_figures-INITIAL_FORMS": "0",
        "key_figures-0-id": "",
    }
    assert response.status_code == 200
    client.post(change_url(practice), form_data)
    assert PracticeRevision.objects.get().data["title"] == "Seconde reprise"
    assert PracticeRevision.objects.count() == 1


def test_an_unchanged_save_sends_nothing_to_review(client, practice, editor):
    client.force_login(editor)
    response = edit(client, practice)
    assert response.status_code == 302
    assert not PracticeRevision.objects.exists()


def test_the_publisher_sees_the_differences_and_approves(client, practice, editor, publisher):
    client.force_login(editor)
    edit(
        client,
        practice,
        title="Titre proposé",
        summary="Le Département réserve 20 000 heures d'insertion.",
        **{"key_figures-0-value": "1 200,5"},
    )
    client.force_login(publisher)
    home = unescape(client.get(change_url(practice)).content.decode())
    assert "Relire les modifications en attente" in home
    page = unescape(client.get(review_url(practice)).content.decode())
    assert "Titre publié" in page and "Titre proposé" in page
    assert "<ins>20 000 </ins>" in page or "<ins>20</ins>" in page or "<ins>20 000" in page
    assert "heures d'insertion : 1\u202f200,50" in page
    assert "Proposée par" in page or "proposée par" in page

    response = client.post(review_url(practice), {"_approve": "1"})
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.title == "Titre proposé"
    assert practice.status == Practice.Status.PUBLISHED
    assert practice.key_figures.get().value == Decimal("1200.50")
    revision = PracticeRevision.objects.get()
    assert revision.status == PracticeRevision.Status.APPROVED
    assert revision.reviewer == publisher
    latest, before = practice.history.all()[:2]
    assert (latest.history_user, before.history_user) == (publisher, editor)
    assert "approuvée" in latest.history_change_reason
    client.logout()
    assert "Titre proposé" in public_text(client, practice)


def test_the_publisher_sends_back_with_a_comment(client, practice, editor, publisher):
    client.force_login(editor)
    edit(client, practice, title="Titre à reprendre")
    client.force_login(publisher)
    refused = client.post(review_url(practice), {"_send_back": "1", "comment": "  "})
    assert refused.status_code == 200
    assert "Dites à l'auteur ce qu'il faut reprendre." in unescape(refused.content.decode())
    client.post(review_url(practice), {"_send_back": "1", "comment": "Sourcez le chiffre."})
    revision = PracticeRevision.objects.get()
    assert revision.status == PracticeRevision.Status.SENT_BACK
    assert revision.comment == "Sourcez le chiffre."
    assert revision.history.filter(comment="Sourcez le chiffre.").exists()
    practice.refresh_from_db()
    assert practice.title == "Titre publié"
    client.force_login(editor)
    page = unescape(client.get(change_url(practice)).content.decode())
    assert "Sourcez le chiffre." in page
    # Editing again puts it back in review.
    edit(client, practice, title="Titre repris")
    revision.refresh_from_db()
    assert revision.status == PracticeRevision.Status.REVIEW


def test_an_editor_can_neither_approve_nor_send_back(client, practice, editor):
    client.force_login(editor)
    edit(client, practice, title="Titre proposé")
    page = unescape(client.get(review_url(practice)).content.decode())
    assert "Titre proposé" in page
    assert "Approuver et publier" not in page
    assert client.post(review_url(practice), {"_approve": "1"}).status_code == 403
    practice.refresh_from_db()
    assert practice.title == "Titre publié"


def test_a_publishers_own_edit_publishes_directly(client, practice, publisher):
    client.force_login(publisher)
    edit(client, practice, title="Corrigé par la responsable")
    practice.refresh_from_db()
    assert practice.title == "Corrigé par la responsable"
    assert not PracticeRevision.objects.exists()


def test_an_editors_draft_is_saved_directly(client, editor):
    draft = make_practice(levers=[make_lever()], status=Practice.Status.DRAFT, published_at=None)
    client.force_login(editor)
    edit(client, draft, title="Brouillon repris")
    draft.refresh_from_db()
    assert draft.title == "Brouillon repris"
    assert not PracticeRevision.objects.exists()


def test_a_history_revert_by_an_editor_becomes_a_revision(client, practice, editor):
    old = practice.history.first()
    practice.title = "Titre du jour"
    practice.save()
    client.force_login(editor)
    url = f"/admin/practices/practice/{practice.pk}/history/{old.history_id}/"
    client.post(url, practice_admin_form_data(practice, title="Titre publié"))
    practice.refresh_from_db()
    assert practice.title == "Titre du jour"
    assert PracticeRevision.objects.get().data["title"] == "Titre publié"


def test_a_practice_with_a_pending_revision_cannot_be_put_in_the_bin(
    client, practice, editor, publisher
):
    client.force_login(editor)
    edit(client, practice, title="Titre proposé")
    client.force_login(publisher)
    response = client.post(
        f"/admin/practices/practice/{practice.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert "a une révision en relecture" in unescape(response.content.decode())
    response = client.post(
        "/admin/practices/practice/",
        {"action": "trash_selected", "_selected_action": [practice.pk]},
        follow=True,
    )
    assert "a une révision en relecture" in unescape(response.content.decode())
    practice.refresh_from_db()
    assert practice.deleted_at is None


def test_the_review_page_keeps_to_its_query_budget(
    client, practice, editor, publisher, django_assert_max_num_queries
):
    client.force_login(editor)
    edit(client, practice, title="Titre proposé", levers=[make_lever().pk])
    client.force_login(publisher)
    with django_assert_max_num_queries(20):
        assert client.get(review_url(practice)).status_code == 200


def test_staff_preview_the_pending_revision_on_the_public_page(client, practice, editor):
    client.force_login(editor)
    new_lever = make_lever(name="Marchés réservés")
    edit(
        client,
        practice,
        title="Titre proposé",
        levers=[new_lever.pk],
        **{"key_figures-0-value": "1 200,5"},
    )
    page = unescape(client.get(practice.get_absolute_url() + "?revision=1").content.decode())
    assert "Révision en relecture — non publiée." in page
    assert '<meta name="robots" content="noindex">' in page
    assert "Titre proposé" in page and "Marchés réservés" in page
    assert "1\u202f200,50" in page
    # Without the parameter, staff see the published version too.
    page = unescape(client.get(practice.get_absolute_url()).content.decode())
    assert "Titre publié" in page and "Titre proposé" not in page
    client.logout()
    page = public_text(client, practice)
    assert "Titre proposé" not in page and "non publiée" not in page
    response = client.get(practice.get_absolute_url() + "?revision=1")
    assert "Titre proposé" not in unescape(response.content.decode())


def test_the_preview_shows_every_part_of_the_revision_not_the_published_one(
    client, practice, editor, django_assert_max_num_queries
):
    from practices.models import Department, Partner, Recognition
    from practices.revisions import snapshot_with, submit
    from tests.factories import make_sector

    practice.sectors.set([make_sector(name="Restauration collective")])
    practice.partners.set([Partner.objects.create(name="Réseau publié", slug="reseau-publie")])
    Recognition.objects.create(practice=practice, title="Prix publié", year=2019)
    edited = Practice.objects.get(pk=practice.pk)
    edited.title = "Titre proposé"
    edited.department = Department.objects.get(code="35")
    edited.watch_points = "Anticiper les délais de l'appel d'offres."
    data = snapshot_with(
        edited,
        levers=[make_lever(name="Marchés réservés").pk],
        sectors=[make_sector(name="Bâtiment et travaux publics").pk],
        partners=[Partner.objects.create(name="Réseau proposé", slug="reseau-propose").pk],
        key_figures=[{"label": "collèges concernés", "value": "122", "position": 0}],
        recognitions=[{"title": "Prix proposé", "awarded_by": "Jury", "year": 2022}],
    )
    submit(practice, data, editor)
    client.force_login(editor)
    # The published page (9), the session and permissions, the revision and its rows.
    with django_assert_max_num_queries(20):
        page = unescape(client.get(practice.get_absolute_url() + "?revision=1").content.decode())
    proposed = [
        "Titre proposé",
        "Ille-et-Vilaine (35)",
        "Anticiper les délais",
        "Marchés réservés",
        "Bâtiment et travaux publics",
        "Réseau proposé",
        "collèges concernés",
        "Prix proposé",
    ]
    published = [
        "Titre publié",
        "Pas-de-Calais (62)",
        "Clauses sociales",
        "Restauration collective",
        "Réseau publié",
        "Prix publié",
        # The published figure's label (the summary says « heures d'insertion » too).
        '<span class="key-figure__label">heures d\'insertion</span>',
    ]
    assert [text for text in proposed if text not in page] == []
    assert [text for text in published if text in page] == []
    # The preview changed nothing stored.
    practice.refresh_from_db()
    assert practice.title == "Titre publié" and practice.department.code == "62"
    assert [r.title for r in practice.recognitions.all()] == ["Prix publié"]


def test_an_editors_change_to_the_lessons_and_evidence_waits_for_review_and_is_published(
    client, practice, editor, publisher
):
    client.force_login(editor)
    edit(client, practice, watch_points="Prévoir un facilitateur.", evidence_level="evalue")
    practice.refresh_from_db()
    assert practice.watch_points == "" and practice.evidence_level == "declaratif"
    revision = PracticeRevision.objects.get()
    assert revision.data["watch_points"] == "Prévoir un facilitateur."
    client.force_login(publisher)
    page = unescape(client.get(review_url(practice)).content.decode())
    assert "Points de vigilance" in page and "Niveau de preuve" in page
    client.post(review_url(practice), {"_approve": "1"})
    practice.refresh_from_db()
    assert practice.watch_points == "Prévoir un facilitateur."
    assert practice.evidence_level == "evalue"


def test_a_revision_written_before_the_lessons_were_part_of_it_leaves_them_as_published(
    practice, editor, publisher
):
    from practices.revisions import approve, snapshot, submit

    Practice.objects.filter(pk=practice.pk).update(means="Deux ETP.")
    data = {**snapshot(practice), "title": "Titre proposé"}
    for name in ["success_conditions", "watch_points", "means", "evidence_level"]:
        del data[name]
    approve(submit(practice, data, editor), publisher)
    practice.refresh_from_db()
    assert practice.title == "Titre proposé" and practice.means == "Deux ETP."


def test_an_editors_import_of_a_published_practice_becomes_a_revision(practice, editor):
    import tablib

    from practices.resources import PracticeResource

    new_lever = make_lever(slug="marches-reserves", name="Marchés réservés")
    exported = PracticeResource().export()
    dataset = tablib.Dataset(headers=exported.headers)
    row = dict(zip(exported.headers, exported[0], strict=True))
    row.update(title="Titre importé", leviers="marches-reserves", chiffres_cles="budget | 12,5 | €")
    dataset.append([row[h] for h in exported.headers])
    result = PracticeResource().import_data(dataset, user=editor)
    assert not result.has_errors() and not result.has_validation_errors()
    practice.refresh_from_db()
    assert practice.title == "Titre publié"
    assert [lever.name for lever in practice.levers.all()] == ["Clauses sociales"]
    assert practice.key_figures.get().label == "heures d'insertion"
    revision = PracticeRevision.objects.get()
    assert revision.data["title"] == "Titre importé"
    assert revision.data["levers"] == [new_lever.pk]
    assert revision.data["key_figures"][0]["value"] == "12.5"


def test_an_approval_whose_address_was_taken_meanwhile_is_refused_in_french(
    client, practice, editor, publisher
):
    client.force_login(editor)
    edit(client, practice, slug="nouvelle-adresse")
    make_practice(slug="nouvelle-adresse")
    client.force_login(publisher)
    response = client.post(review_url(practice), {"_approve": "1"}, follow=True)
    assert "son identifiant d'adresse est désormais pris" in unescape(response.content.decode())
    practice.refresh_from_db()
    assert practice.title == "Titre publié"
    assert PracticeRevision.objects.get().status == PracticeRevision.Status.REVIEW


@pytest.mark.parametrize("object_id", ["abc", "1.5", "999999"])
def test_a_mistyped_review_address_is_not_found_rather_than_an_error(client, object_id):
    client.force_login(make_staff(PUBLISHERS))
    response = client.get(f"/admin/practices/practice/{object_id}/relecture/")
    assert response.status_code == 404


def test_an_editor_cannot_change_a_published_practice_s_figures_from_their_own_list(
    client, practice, editor
):
    # The key figures and distinctions lists are for finding rows: changing those of a
    # published practice there would skip the review its form imposes.
    figure = practice.key_figures.get()
    client.force_login(editor)
    url = f"/admin/practices/keyfigure/{figure.pk}/change/"
    assert client.get(url).status_code == 200  # read-only
    row = {"practice": practice.pk, "label": "heures", "value": "99999", "position": "0"}
    assert client.post(url, {**row, "unit": "", "period": ""}).status_code == 403
    assert client.post(f"/admin/practices/keyfigure/{figure.pk}/delete/", {"post": "yes"})
    bulk = {"action": "delete_selected", "_selected_action": [figure.pk], "post": "yes"}
    client.post("/admin/practices/keyfigure/", bulk)
    added = client.post("/admin/practices/keyfigure/add/", {**row, "unit": "", "period": ""})
    assert "Cette pratique est publiée" in unescape(added.content.decode())
    award = {"practice": practice.pk, "title": "Prix inventé", "awarded_by": "X", "year": "2024"}
    client.post("/admin/practices/recognition/add/", award)
    assert list(practice.key_figures.values_list("value", flat=True)) == [Decimal("913")]
    assert not practice.recognitions.exists()


def test_an_editor_still_changes_a_draft_s_figures_from_their_own_list(client, editor):
    draft = make_practice(status=Practice.Status.DRAFT, published_at=None, figures=[("x", 1)])
    figure = draft.key_figures.get()
    client.force_login(editor)
    row = {"practice": draft.pk, "label": "x", "value": "12,5", "unit": "", "period": ""}
    response = client.post(
        f"/admin/practices/keyfigure/{figure.pk}/change/", {**row, "position": 0}
    )
    assert response.status_code == 302
    figure.refresh_from_db()
    assert figure.value == Decimal("12.5")


def test_a_revision_of_a_practice_unpublished_since_is_not_approved_over_later_edits(
    client, practice, editor, publisher
):
    from practices import workflow

    client.force_login(editor)
    edit(client, practice, title="Titre proposé")
    workflow.unpublish(Practice.objects.filter(pk=practice.pk), publisher)
    practice.refresh_from_db()
    edit(client, practice, title="Titre repris après l'archivage")
    client.force_login(publisher)
    response = client.post(review_url(practice), {"_approve": "1"}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("n'est plus publiée" in m for m in messages)
    practice.refresh_from_db()
    assert practice.title == "Titre repris après l'archivage"
    assert practice.status == Practice.Status.ARCHIVED
    assert PracticeRevision.objects.get().status == PracticeRevision.Status.REVIEW
