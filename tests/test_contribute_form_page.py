"""/proposer/: the form page itself: GDPR notice, navigation, labels, errors, queries."""

from .conftest import PROPOSE_URL as URL
from .conftest import page_text, post
from .factories import proposal_data


def test_form_page_has_the_gdpr_notice(client, lever, settings):
    settings.PORTAL_CONTRIBUTION_RETENTION_MONTHS = 18
    settings.PORTAL_PRIVACY_EMAIL = "donnees@rtes.example"

    text = page_text(client.get(URL))

    assert "Vos données personnelles" in text
    assert "18 mois après l'envoi" in text
    assert "courriel professionnel" in text
    assert "mailto:donnees@rtes.example" in text
    assert "CNIL" in text


def test_main_navigation_marks_the_form_as_the_current_page(client, lever):
    html = client.get(URL).content.decode()

    assert '<a class="site-nav__cta" href="/proposer/" aria-current="page">' in html


def test_form_page_labels_every_field_and_is_cheap(client, lever, django_assert_max_num_queries):
    client.get("/api/")  # one-off set-up (the page cache's content version row)
    # Content version, departments, levers, sectors.
    with django_assert_max_num_queries(4):
        response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    for name in ["authority_name", "contributor_email", "title", "summary", "start_year"]:
        assert f'<label for="id_{name}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Proposer une pratique" in html
    assert 'value="marches-reserves"' in html


def test_errors_are_summarised_and_values_kept(client, lever):
    response = post(client, proposal_data(lever, department=""))

    text = page_text(response)
    assert '<a href="#id_department">Département</a>' in text
    assert 'value="Ville de Rennes"' in text
    assert 'aria-invalid="true"' in text
