"""Proposals sent through the public form, as editors see and accept them in the admin."""

import pytest

from practices.models import Contribution, Practice
from tests.factories import make_lever, make_practice, make_staff

pytestmark = pytest.mark.django_db

EDITORS = "Éditeurs"


@pytest.fixture
def proposal():
    practice = make_practice(
        levers=[make_lever()],
        status=Practice.Status.PROPOSED,
        published_at=None,
        title="Clause sociale dans nos marchés de voirie",
    )
    Contribution.objects.create(
        practice=practice,
        contributor_name="Camille Martin",
        contributor_email="camille.martin@example.org",
        contributor_role="Acheteuse publique",
        links="https://example.org/deliberation",
    )
    return practice


def test_proposals_are_listed_with_the_contributor(client, proposal):
    client.force_login(make_staff(EDITORS))
    page = client.get("/admin/practices/contribution/").content.decode()
    assert "Clause sociale dans nos marchés de voirie" in page
    assert "Camille Martin" in page
    assert "camille.martin@example.org" in page
    assert "Proposée" in page


def test_proposed_practices_can_be_filtered_in_the_practice_list(client, proposal):
    make_practice(levers=[make_lever()], title="Pratique publiée")
    client.force_login(make_staff(EDITORS))
    page = client.get("/admin/practices/practice/?status__exact=proposed").content.decode()
    assert proposal.title in page
    assert "Pratique publiée" not in page


def test_the_practice_form_shows_who_proposed_it(client, proposal):
    client.force_login(make_staff(EDITORS))
    page = client.get(f"/admin/practices/practice/{proposal.pk}/change/").content.decode()
    assert "Contribution reçue" in page
    assert "camille.martin@example.org" in page


def test_an_editor_turns_a_proposal_into_a_draft(client, proposal):
    client.force_login(make_staff(EDITORS))
    response = client.post(
        "/admin/practices/contribution/",
        {"action": "accept_proposals", "_selected_action": [proposal.contribution.pk]},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Practice.Status.DRAFT
    assert not Practice.objects.published().filter(pk=proposal.pk).exists()


def test_the_practice_list_action_also_turns_proposals_into_drafts(client, proposal):
    published = make_practice(levers=[make_lever()])
    client.force_login(make_staff(EDITORS))
    client.post(
        "/admin/practices/practice/",
        {"action": "accept_proposals", "_selected_action": [proposal.pk, published.pk]},
    )
    proposal.refresh_from_db()
    published.refresh_from_db()
    assert proposal.status == Practice.Status.DRAFT
    assert published.status == Practice.Status.PUBLISHED


def test_contribution_list_query_budget(client, proposal, django_assert_max_num_queries):
    client.force_login(make_staff(EDITORS))
    with django_assert_max_num_queries(12):
        assert client.get("/admin/practices/contribution/").status_code == 200


def test_the_contributors_email_and_links_are_clickable(client, proposal):
    contribution = Contribution.objects.get(practice=proposal)
    contribution.links = "https://rennes.example/deliberation\njavascript:alert(1)"
    contribution.save()
    client.force_login(make_staff("Responsables éditoriaux"))
    listing = client.get("/admin/practices/contribution/").content.decode()
    email = contribution.contributor_email
    assert f'<a href="mailto:{email}">{email}</a>' in listing
    for url in (
        f"/admin/practices/contribution/{contribution.pk}/change/",
        f"/admin/practices/practice/{proposal.pk}/change/",
    ):
        page = client.get(url).content.decode()
        assert f'<a href="mailto:{email}">' in page
        assert '<a href="https://rennes.example/deliberation" target="_blank"' in page
        assert 'href="javascript:' not in page


def test_the_purge_date_is_read_only(client, proposal):
    contribution = Contribution.objects.get(practice=proposal)
    client.force_login(make_staff("Responsables éditoriaux"))
    page = client.get(f"/admin/practices/contribution/{contribution.pk}/change/").content.decode()
    assert "Données personnelles effacées le" in page
    assert 'name="personal_data_purged_at' not in page
