"""Two people editing the same practice: the second save does not silently undo the
first; it is refused with a French message, the form keeps what was typed, and saving
again replaces the other version knowingly."""

from html import unescape

import pytest

from practices.models import Practice
from practices.revisions import PracticeRevision
from tests.factories import make_lever, make_practice, make_staff, practice_admin_form_data

pytestmark = pytest.mark.django_db

CONFLICT = "a été modifiée depuis que vous avez ouvert ce formulaire"


def change_url(practice):
    return f"/admin/practices/practice/{practice.pk}/change/"


def opened_version(client, practice):
    """The version the change page hands out, as the browser posts it back."""
    form = client.get(change_url(practice)).context["adminform"].form
    return form["edited_version"].value()


def test_a_save_from_a_stale_form_is_refused_and_keeps_what_was_typed(client):
    practice = make_practice(levers=[make_lever()], status=Practice.Status.DRAFT, published_at=None)
    claire, rose = make_staff("Éditeurs"), make_staff("Responsables éditoriaux")
    client.force_login(claire)
    claire_version = opened_version(client, practice)
    client.force_login(rose)
    data = practice_admin_form_data(practice, title="Titre de Rose")
    data["edited_version"] = opened_version(client, practice)
    assert client.post(change_url(practice), data).status_code == 302

    client.force_login(claire)
    data = practice_admin_form_data(practice, body="Le texte de Claire, long à écrire.")
    data["edited_version"] = claire_version
    response = client.post(change_url(practice), data)
    assert response.status_code == 200
    page = unescape(response.content.decode())
    assert CONFLICT in page
    assert "Le texte de Claire, long à écrire." in page
    practice.refresh_from_db()
    assert practice.title == "Titre de Rose" and practice.body == ""

    # Warned, Claire saves again: her version replaces Rose's, knowingly.
    data["edited_version"] = response.context["adminform"].form["edited_version"].value()
    assert client.post(change_url(practice), data).status_code == 302
    practice.refresh_from_db()
    assert practice.body == "Le texte de Claire, long à écrire."


def test_two_editors_do_not_overwrite_each_other_s_pending_revision(client):
    practice = make_practice(levers=[make_lever()], title="Titre publié")
    claire, paul = make_staff("Éditeurs"), make_staff("Éditeurs")
    client.force_login(paul)
    paul_version = opened_version(client, practice)
    client.force_login(claire)
    data = practice_admin_form_data(practice, title="Titre de Claire")
    data["edited_version"] = opened_version(client, practice)
    assert client.post(change_url(practice), data).status_code == 302

    client.force_login(paul)
    data = practice_admin_form_data(practice, summary="Le résumé de Paul.")
    data["edited_version"] = paul_version
    response = client.post(change_url(practice), data)
    assert CONFLICT in unescape(response.content.decode())
    assert PracticeRevision.objects.get().data["title"] == "Titre de Claire"
