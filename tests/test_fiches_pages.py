"""Kits and fiches: /fiches/ and /fiches/<slug>/."""

from django.core.files.base import ContentFile

from tests.conftest import as_read

from .factories import make_fiche, make_kit, make_lever, make_practice

FICHE_12 = "/fiches/kit-departementaless-12-commande-publique-responsable/"


def test_fiche_list_shows_kits_with_their_fiches(client, content):
    response = client.get("/fiches/")
    assert response.status_code == 200
    html = as_read(response.content.decode())
    assert "Kit DépartementalESS" in html and "Kit MunicipalESS" in html
    assert f'href="{FICHE_12}"' in html
    assert "Fiche n°12 : Commande publique responsable" in html
    assert "4 pratiques" in html


def test_fiche_without_practice_says_so_in_french(client, db):
    make_fiche(title="Fiche sans exemple")
    html = client.get("/fiches/").content.decode()
    assert "Aucune pratique publiée" in html
    assert "0 pratique" not in html


def test_fiche_page_shows_practices_levers_and_the_original_pdf_name_and_size(client, content):
    response = client.get(FICHE_12)
    assert response.status_code == 200
    html = response.content.decode()
    assert "fiche12_kitdepartementaless.pdf" in html
    assert "550 Kio" in html
    assert len(response.context["practices"]) == 4
    assert 'href="/leviers/spaser/"' in html
    # No uploaded file: no download link.
    assert "Télécharger le PDF" not in html


def test_fiche_without_its_pdf_says_where_to_get_it(client, content):
    # The page named « fiche12_kitdepartementaless.pdf (PDF, 550 Kio) » under « Document
    # d'origine » with nothing to click: the visitor looked for the download in vain.
    html = client.get(FICHE_12).content.decode()
    document = html[html.index('id="document"') : html.index("</aside>")]
    assert "Le PDF n'est pas déposé sur ce portail" in document
    assert 'href="https://www.rtes.fr/"' in document
    assert "Télécharger le PDF" not in document


def test_fiche_page_dates_it_to_the_month_the_kit_gives(client, content):
    # The fiche is dated « juin 2021 »: « Parue le 1er juin 2021 » made up a day.
    html = as_read(client.get(FICHE_12).content.decode())
    assert "Parue en juin 2021" in html
    assert "1<sup>er</sup> juin" not in html


def test_fiche_with_an_uploaded_pdf_offers_a_download_link(client, db, settings):
    fiche = make_fiche(pdf_name="fiche.pdf")
    fiche.pdf.save("fiche.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    html = client.get(fiche.get_absolute_url()).content.decode()
    assert "Télécharger le PDF" in html
    assert f'href="{fiche.pdf.url}"' in html


def test_unknown_fiche_is_a_404(client, db):
    assert client.get("/fiches/inconnue/").status_code == 404


def test_fiche_pages_query_count_does_not_grow(client, db, django_assert_max_num_queries):
    kit = make_kit()
    levers = [make_lever() for _ in range(3)]
    fiches = [make_fiche(kit=kit) for _ in range(5)]
    for fiche in fiches:
        fiche.levers.set(levers)
    for i in range(30):
        make_practice(source_fiche=fiches[i % 5], levers=levers[:1])
    with django_assert_max_num_queries(4):
        client.get("/fiches/")
    url = fiches[0].get_absolute_url()
    with django_assert_max_num_queries(7):
        response = client.get(url)
    assert len(response.context["practices"]) == 6
