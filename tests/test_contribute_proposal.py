"""/proposer/: a valid proposal is saved as a proposed practice, never public, with its slug."""

from decimal import Decimal

from practices.models import Practice, unique_practice_slug

from .conftest import PROPOSE_DONE_URL as DONE_URL
from .conftest import page_text, post
from .factories import make_practice, make_sector, proposal_data

# A valid proposal ------------------------------------------------------------------


def test_valid_proposal_saves_a_proposed_practice_with_its_contribution(client, lever):
    sector = make_sector(name="Espaces verts", slug="espaces-verts")
    response = post(client, proposal_data(lever, sectors=[sector.slug], end_year="2024"))

    assert response.status_code == 302
    assert response["Location"] == DONE_URL
    practice = Practice.objects.get()
    assert practice.status == Practice.Status.PROPOSED
    assert practice.published_at is None
    assert practice.slug == "un-marche-reserve-pour-l-entretien-des-espaces-verts"
    assert practice.authority_type == "commune"
    assert practice.department_id == "35"
    assert (practice.start_year, practice.end_year) == (2021, 2024)
    assert list(practice.levers.all()) == [lever]
    assert list(practice.sectors.all()) == [sector]
    figure = practice.key_figures.get()
    assert (figure.label, figure.value, figure.unit) == (
        "heures d'insertion",
        Decimal("1234.5"),
        "heures",
    )
    # The contributor's details go to the contribution only, never to the public contact.
    assert practice.contact_name == practice.contact_email == ""
    contribution = practice.contribution
    assert contribution.contributor_name == "Camille Durand"
    assert contribution.contributor_email == "camille.durand@rennes.example"
    assert contribution.contributor_role == "Responsable de la commande publique"
    assert contribution.links == "https://rennes.example/deliberation-2021"
    assert Practice.objects.search("entretien espaces verts").filter(pk=practice.pk).exists()


def test_proposed_practice_is_never_public(client, lever):
    post(client, proposal_data(lever))
    practice = Practice.objects.get()

    assert not Practice.objects.published().exists()
    assert client.get(practice.get_absolute_url()).status_code == 404
    assert client.get(f"/api/pratiques/{practice.slug}/").status_code == 404
    assert practice.slug not in client.get("/api/pratiques/").content.decode()
    assert practice.slug not in client.get("/pratiques/flux/").content.decode()


def test_confirmation_page_follows_the_redirect(client, lever):
    response = post(client, proposal_data(lever), follow=True)

    assert response.redirect_chain == [(DONE_URL, 302)]
    assert response.status_code == 200
    assert "Merci, votre proposition est bien enregistrée" in page_text(response)


# Slugs ----------------------------------------------------------------------------------


def test_slug_is_unique_and_derived_from_the_title(client, lever):
    make_practice(slug="cantine-bio-et-equitable", title="Autre")
    post(client, proposal_data(lever, title="Cantine bio et équitable"))
    post(client, proposal_data(lever, title="Cantine bio et équitable"))

    slugs = set(Practice.objects.values_list("slug", flat=True))
    assert slugs == {
        "cantine-bio-et-equitable",
        "cantine-bio-et-equitable-2",
        "cantine-bio-et-equitable-3",
    }


def test_slug_never_takes_a_fixed_path_and_folds_ligatures(db):
    assert unique_practice_slug("Flux") == "flux-2"
    assert unique_practice_slug("Cœur de ville") == "coeur-de-ville"
    assert unique_practice_slug("!!!") == "pratique"
    assert len(unique_practice_slug("mot " * 100)) <= 200
