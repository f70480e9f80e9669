"""Approving a revision publishes what it changes, not a copy of the whole practice: a
Responsable's direct edit made while it waited stays, and one that the revision would
replace is replaced only when the reviewer ticks it."""

from decimal import Decimal
from html import unescape

import pytest

from practices.models import Practice
from practices.revisions import PracticeRevision
from tests.factories import practice_admin_form_data

from .conftest import change_url, review_url

pytestmark = pytest.mark.django_db


def edit(client, user, practice, **overrides):
    """`user` saves the practice's admin form as stored now, with `overrides`."""
    client.force_login(user)
    practice.refresh_from_db()
    response = client.post(change_url(practice), practice_admin_form_data(practice, **overrides))
    assert response.status_code == 302, response.content.decode()[:2000]


def approve(client, publisher, practice, **data):
    client.force_login(publisher)
    return client.post(review_url(practice), {"_approve": "1", **data}, follow=True)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_a_direct_edit_made_while_a_revision_waits_stays_after_its_approval(
    client, practice, editor, publisher
):
    edit(client, editor, practice, title="Titre proposé")
    edit(
        client,
        publisher,
        practice,
        summary="Le Département réserve 20 000 heures d'insertion.",
        **{"key_figures-0-value": "950"},
    )

    approve(client, publisher, practice)

    practice.refresh_from_db()
    assert practice.title == "Titre proposé"
    assert practice.summary == "Le Département réserve 20 000 heures d'insertion."
    assert practice.key_figures.get().value == Decimal("950")
    assert PracticeRevision.objects.get().status == PracticeRevision.Status.APPROVED


def test_the_review_page_lists_only_what_the_revision_changes(client, practice, editor, publisher):
    edit(client, editor, practice, title="Titre proposé")
    edit(client, publisher, practice, summary="Un résumé corrigé directement.")

    page = unescape(client.get(review_url(practice)).content.decode())

    assert "Titre proposé" in page
    assert "Seuls les champs que la révision modifie sont repris" in page
    # The direct edit is not a difference the revision brings: it is not listed.
    assert "Résumé" not in page.split("<h2>Différences")[1].split("<h2>")[0]
    assert "Modifié directement depuis" not in page
    assert 'name="replace"' not in page


def test_a_field_edited_both_ways_is_replaced_only_when_the_reviewer_ticks_it(
    client, practice, editor, publisher
):
    edit(client, editor, practice, title="Titre proposé")
    edit(client, publisher, practice, title="Titre corrigé directement")

    page = unescape(client.get(review_url(practice)).content.decode())
    assert "Modifié directement depuis l'envoi de la révision" in page
    assert 'name="replace" value="title"' in page

    response = approve(client, publisher, practice)
    assert any("« Titre » a été modifié directement" in m for m in messages_of(response))
    practice.refresh_from_db()
    assert practice.title == "Titre corrigé directement"
    assert PracticeRevision.objects.get().status == PracticeRevision.Status.REVIEW

    approve(client, publisher, practice, replace="title")
    practice.refresh_from_db()
    assert practice.title == "Titre proposé"
    assert PracticeRevision.objects.get().status == PracticeRevision.Status.APPROVED


def test_the_refusal_names_every_field_edited_both_ways_in_the_plural(
    client, practice, editor, publisher
):
    edit(client, editor, practice, title="Titre proposé", summary="Résumé proposé.")
    edit(client, publisher, practice, title="Titre direct", summary="Résumé direct.")

    response = approve(client, publisher, practice)

    assert any(
        "« Titre », « Résumé » ont été modifiés directement depuis son envoi" in m
        for m in messages_of(response)
    )


def test_the_editor_goes_on_from_the_published_version_with_their_changes(
    client, practice, editor, publisher
):
    edit(client, editor, practice, title="Titre proposé")
    edit(client, publisher, practice, summary="Un résumé corrigé directement.")

    client.force_login(editor)
    page = unescape(client.get(change_url(practice)).content.decode())
    assert 'value="Titre proposé"' in page
    assert "Un résumé corrigé directement." in page

    # Their next save, from that form, does not bring the old summary back.
    practice.refresh_from_db()
    data = {
        **practice_admin_form_data(practice, title="Titre repris"),
        "key_figures-INITIAL_FORMS": "0",
        "key_figures-0-id": "",
    }
    assert client.post(change_url(practice), data).status_code == 302
    approve(client, publisher, practice)
    practice.refresh_from_db()
    assert (practice.title, practice.summary) == ("Titre repris", "Un résumé corrigé directement.")


def test_the_preview_shows_the_direct_edit_beside_the_revision_s_changes(
    client, practice, editor, publisher
):
    edit(client, editor, practice, title="Titre proposé")
    edit(client, publisher, practice, summary="Un résumé corrigé directement.")

    page = unescape(client.get(practice.get_absolute_url() + "?revision=1").content.decode())

    assert "Titre proposé" in page
    assert "Un résumé corrigé directement." in page
    assert "913" in page


def test_a_revision_kept_before_its_base_was_still_replaces_every_field_it_carries(
    client, practice, editor, publisher
):
    edit(client, editor, practice, title="Titre proposé")
    PracticeRevision.objects.update(base=None)
    edit(client, publisher, practice, summary="Un résumé corrigé directement.")

    page = unescape(client.get(review_url(practice)).content.decode())
    assert "<del>corrigé</del>" in page  # shown as a change it brings
    assert "Approuver remplace chaque champ listé" in page
    approve(client, publisher, practice)

    practice.refresh_from_db()
    assert practice.title == "Titre proposé"
    assert practice.summary == "Le Département réserve des heures d'insertion."
    assert practice.status == Practice.Status.PUBLISHED
