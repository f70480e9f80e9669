"""A form saved after the editor's session ended (expired, logged out in another tab):
nothing is saved, and the page shows what they had typed, to copy before logging in."""

from html import unescape

import pytest

from practices.models import Practice
from tests.factories import make_lever, make_practice, practice_admin_form_data

pytestmark = pytest.mark.django_db


def test_a_save_after_the_session_ended_shows_the_text_typed(client):
    practice = make_practice(levers=[make_lever()], title="Cantines bio")
    data = practice_admin_form_data(practice, body="Mon texte écrit pendant une heure")
    data.update(
        {
            "key_figures-TOTAL_FORMS": "1",
            "key_figures-0-label": "Repas servis",
            "key_figures-0-value": "1200",
            "key_figures-0-position": "0",
        }
    )
    url = f"/admin/practices/practice/{practice.pk}/change/"

    response = client.post(url, data)  # nobody logged in
    assert response.status_code == 403
    page = unescape(response.content.decode())
    assert "Votre session a pris fin : rien n'a été enregistré" in page
    assert "Description détaillée" in page
    assert ">Mon texte écrit pendant une heure</textarea>" in page
    assert "Chiffre clé 1 : libellé" in page and ">Repas servis</textarea>" in page
    assert f'href="/admin/login/?next={url}"' in page
    assert "csrfmiddlewaretoken" not in page and "TOTAL_FORMS" not in page
    practice.refresh_from_db()
    assert practice.body == ""


def test_an_add_form_saved_after_the_session_ended_keeps_its_text_too(client):
    data = practice_admin_form_data(title="Ma nouvelle pratique")
    response = client.post("/admin/practices/practice/add/", data)
    assert response.status_code == 403
    assert ">Ma nouvelle pratique</textarea>" in unescape(response.content.decode())
    assert not Practice.objects.exists()


def test_opening_an_admin_page_logged_out_still_leads_to_the_login_page(client):
    response = client.get("/admin/practices/practice/add/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
