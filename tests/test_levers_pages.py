"""Levers: /leviers/ and /leviers/<slug>/."""

from levers.models import LegalBasis, Resource
from practices.models import Practice

from .factories import make_fiche, make_lever, make_practice


def page(response):
    assert response.status_code == 200
    return response.content.decode()


def test_lever_list_groups_levers_by_family_with_practice_counts(client, content):
    html = page(client.get("/leviers/"))
    assert "Cibler les structures de l&#x27;ESS" in html
    assert "S&#x27;organiser au sein de la collectivité" in html
    assert "Développer les achats innovants" in html
    assert 'href="/leviers/clauses-sociales/"' in html
    assert "3 pratiques publiées" in html


def test_lever_page_explains_it_and_lists_its_practices(client, content):
    response = client.get("/leviers/commerce-equitable/")
    html = page(response)
    assert "<h1>Commerce équitable</h1>" in html
    assert "Quand l'utiliser" in html
    assert [p.slug for p in response.context["practices"]] == [
        "ille-et-vilaine-territoire-commerce-equitable"
    ]
    assert 'href="/pratiques/?levier=commerce-equitable"' in html
    assert "fiche n°12" in html


def test_spaser_page_shows_both_thresholds_with_their_dates(client, content):
    html = page(client.get("/leviers/spaser/"))
    assert "100 millions" in html and "50 millions" in html
    hundred = html.index("Seuil de 100 millions")
    fifty = html.index("Seuil abaissé à 50 millions")
    assert hundred < fifty
    assert "jusqu'au 31 décembre 2022" in html[hundred:fifty]
    assert "En vigueur depuis le 1<sup>er</sup> janvier 2023" in html[fifty:]
    assert html.count('href="https://www.legifrance.gouv.fr/') >= 3


def test_innovative_purchases_article_is_dated_from_the_decree_that_created_it(client, content):
    # R2122-9-1 was created by décret n° 2021-1634 of 13 December 2021, in force on the
    # 16th: the 2018 experiment it made permanent was never in the code. Dated from the
    # code's entry into force (1 April 2019), the page told buyers it applied since then.
    basis = LegalBasis.objects.get(code="R2122-9-1")
    assert basis.valid_from.isoformat() == "2021-12-16"
    assert "2021-1634" in basis.description
    html = page(client.get("/leviers/partenariats-innovation/"))
    article = html[html.index("<strong>R2122-9-1</strong>") :]
    assert "En vigueur depuis le 16 décembre 2021" in article[: article.index("</li>")]


def test_legal_links_outside_the_code_lead_to_their_text(client, content):
    # « Loi 2005-882, art. 60 sur Légifrance » led to Légifrance's home page, where the
    # visitor had to search for the law; R2122-9-1, created in 2021, has an address of
    # its own. (The other articles still open the Code de la commande publique.)
    law = LegalBasis.objects.get(code="Loi 2005-882, art. 60")
    assert law.url == "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000000452052/"
    assert "2019" in law.description and "2021" in law.description
    article = LegalBasis.objects.get(code="R2122-9-1")
    assert article.url == "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000044490444"
    html = page(client.get("/leviers/commerce-equitable/"))
    assert 'href="https://www.legifrance.gouv.fr/loda/id/JORFTEXT000000452052/"' in html
    assert 'href="https://www.legifrance.gouv.fr/"' not in html


def test_lever_page_lists_only_published_practices_and_resources(client, db):
    lever = make_lever()
    shown = make_practice(levers=[lever])
    make_practice(levers=[lever], status=Practice.Status.DRAFT, published_at=None)
    Resource.objects.create(lever=lever, title="Guide test", url="https://guide.example")
    response = client.get(lever.get_absolute_url())
    assert [p.slug for p in response.context["practices"]] == [shown.slug]
    assert 'href="https://guide.example"' in page(response)


def test_lever_without_practice_invites_a_contribution(client, db):
    html = page(client.get(make_lever().get_absolute_url()))
    assert "Aucune pratique publiée" in html
    assert 'href="/proposer/"' in html


def test_unknown_lever_is_a_404(client, db):
    assert client.get("/leviers/inconnu/").status_code == 404


def test_lever_pages_query_count_does_not_grow(client, db, django_assert_max_num_queries):
    levers = [make_lever() for _ in range(5)]
    for lever in levers:
        LegalBasis.objects.create(lever=lever, code="L1", title="Article")
        make_fiche().levers.add(lever)
    for i in range(30):
        make_practice(levers=levers[: 1 + i % 5])
    with django_assert_max_num_queries(4):
        client.get("/leviers/")
    url = levers[0].get_absolute_url()
    with django_assert_max_num_queries(7):
        response = client.get(url)
    assert len(response.context["practices"]) == 12


def test_lever_page_shows_the_newest_practices_and_links_to_all_of_them(client, db):
    lever = make_lever()
    practices = [make_practice(levers=[lever]) for _ in range(15)]
    response = client.get(lever.get_absolute_url())
    html = page(response)
    # make_practice dates each new practice a day earlier: the first ones are the newest.
    assert [p.slug for p in response.context["practices"]] == [p.slug for p in practices[:12]]
    assert practices[12].title not in html
    assert "Les 12 plus récentes sur 15." in html
    link = f'<a href="/pratiques/?levier={lever.slug}">Voir les 15 pratiques de ce levier</a>'
    assert link in html


def test_only_a_legal_basis_no_longer_in_force_is_marked_as_a_former_version(client, db):
    lever = make_lever()
    LegalBasis.objects.create(
        lever=lever, code="L1", title="Ancien", valid_from="2019-04-01", valid_until="2022-12-31"
    )
    html = page(client.get(lever.get_absolute_url()))
    assert html.count("Version antérieure") == 1
    # A text with a known end date that is still in force is not a former version.
    LegalBasis.objects.filter(code="L1").update(valid_until="2999-12-31")
    html = page(client.get(lever.get_absolute_url()))
    assert "Version antérieure" not in html
