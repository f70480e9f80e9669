"""The home page /."""

from django.utils import timezone

from practices.models import Practice

from .factories import make_practice


def test_home_explains_the_portal_with_search_levers_recent_practices_and_counts(client, content):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1" in page and "économie sociale et solidaire" in page
    assert 'action="/pratiques/"' in page and 'name="q"' in page
    for lever in ["/leviers/marches-reserves/", "/leviers/spaser/", "/leviers/facilitateurs/"]:
        assert f'href="{lever}"' in page
    assert 'href="/pratiques/mayotte-achat-socialement-responsable/"' in page
    assert response.context["counts"] == {"practices": 4, "departments": 4}
    assert '<span class="stats__value">4</span> pratiques publiées' in page
    assert 'href="/proposer/"' in page
    assert 'href="/donnees/"' in page


def test_home_counts_and_lists_only_published_practices(client, db):
    make_practice(title="Publique")
    make_practice(title="Secrète", status=Practice.Status.DRAFT, published_at=None)
    make_practice(title="Future", published_at=timezone.now() + timezone.timedelta(days=1))
    response = client.get("/")
    assert response.context["counts"]["practices"] == 1
    assert [p.title for p in response.context["recent"]] == ["Publique"]


def test_home_query_count_does_not_grow_with_practices(client, db, django_assert_max_num_queries):
    for _ in range(30):
        make_practice()
    with django_assert_max_num_queries(6):
        response = client.get("/")
    assert len(response.context["recent"]) == 4


def test_home_works_on_an_empty_database(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert '<span class="stats__value">0</span> pratique publiée' in response.content.decode()
