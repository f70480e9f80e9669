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


def save(client, user, practice, version=None, **changes):
    """`user` posts the practice's form with `changes`, from a form opened at `version`
    (now, when None): (response, the posted data)."""
    client.force_login(user)
    data = practice_admin_form_data(practice, **changes)
    data["edited_version"] = opened_version(client, practice) if version is None else version
    return client.post(change_url(practice), data), data


def test_a_save_from_a_stale_form_is_refused_and_keeps_what_was_typed(client):
    practice = make_practice(levers=[make_lever()], status=Practice.Status.DRAFT, published_at=None)
    claire, rose = make_staff("Éditeurs"), make_staff("Responsables éditoriaux")
    client.force_login(claire)
    claire_version = opened_version(client, practice)
    assert save(client, rose, practice, title="Titre de Rose")[0].status_code == 302

    body = "Le texte de Claire, long à écrire."
    response, data = save(client, claire, practice, claire_version, body=body)
    assert response.status_code == 200
    page = unescape(response.content.decode())
    assert CONFLICT in page
    assert body in page
    practice.refresh_from_db()
    assert practice.title == "Titre de Rose" and practice.body == ""

    # Warned, Claire saves again: her version replaces Rose's, knowingly.
    data["edited_version"] = response.context["adminform"].form["edited_version"].value()
    assert client.post(change_url(practice), data).status_code == 302
    practice.refresh_from_db()
    assert practice.body == body


def test_two_editors_do_not_overwrite_each_other_s_pending_revision(client):
    practice = make_practice(levers=[make_lever()], title="Titre publié")
    claire, paul = make_staff("Éditeurs"), make_staff("Éditeurs")
    client.force_login(paul)
    paul_version = opened_version(client, practice)
    assert save(client, claire, practice, title="Titre de Claire")[0].status_code == 302

    response, _ = save(client, paul, practice, paul_version, summary="Le résumé de Paul.")
    assert CONFLICT in unescape(response.content.decode())
    assert PracticeRevision.objects.get().data["title"] == "Titre de Claire"
