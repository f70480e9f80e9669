"""A practice's address (slug) typed by an editor: never one a fixed page already uses,
and a taken one says by which practice, the bin included (the list hides it)."""

from html import unescape

import pytest
import tablib

from practices.models import Practice
from practices.resources import PracticeResource
from tests.factories import make_lever, make_practice, make_staff, practice_admin_form_data

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/practices/practice/add/"


@pytest.mark.parametrize("slug", ["flux", "comparer"])
def test_the_address_of_a_fixed_page_is_refused_in_the_form(editor_client, slug):
    # /pratiques/flux/ is the feed: a practice there could never be reached.
    data = practice_admin_form_data(levers=[make_lever().pk], slug=slug)
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert f"L'adresse « {slug} » est réservée à une page du site" in unescape(
        response.content.decode()
    )
    assert not Practice.objects.exists()


def test_the_address_of_a_fixed_page_is_refused_in_the_import():
    make_lever(slug="marches-reserves")
    headers = ["slug", "title", "summary", "authority_name", "departement", "leviers", "start_year"]
    values = ["flux", "Flux", "Un résumé.", "Département", "62", "marches-reserves", "2019"]
    dataset = tablib.Dataset(values, headers=headers)
    result = PracticeResource().import_data(dataset, user=make_staff("Éditeurs"))
    assert "« flux » est réservée à une page du site" in str(result.invalid_rows[0].error_dict)
    assert not Practice.objects.exists()


def test_an_address_taken_by_a_practice_in_the_bin_says_so(editor_client):
    binned = make_practice(levers=[make_lever()], slug="cantines", title="Cantines bio")
    Practice.objects.filter(pk=binned.pk).update(deleted_at=binned.published_at)
    data = practice_admin_form_data(levers=[make_lever().pk], slug="cantines")
    page = unescape(editor_client.post(ADD_URL, data).content.decode())
    assert "déjà prise par la pratique « Cantines bio », dans la corbeille" in page
    assert "objet" not in page.lower().replace("object-tools", "")
