"""No input makes a public page fail: arbitrary, huge, NUL-laden, repeated or unknown
parameters and path segments get 200, 400 or 404 (a redirect for paths), never 500.

Property-based (hypothesis), unmarked so that it runs on SQLite and on PostgreSQL
(where NUL bytes and overflowing integers break queries that SQLite lets through).
Bounded: a few dozen examples per test, well under a minute in all.
"""

from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from levers.models import Fiche, Lever
from practices.contact import ContactForm as PracticeContactForm
from practices.models import Department, Practice
from practices.pages import ContactForm
from practices.proposal_forms import KEY_FIGURES_PREFIX, KeyFigureForm, ProposalForm
from practices.suggestions import SuggestionForm
from tests.factories import make_staff

LIST_URLS = [
    "/pratiques/",
    "/pratiques/flux/",
    "/pratiques/export.csv",
    "/api/pratiques/",
    # The map and the statistics take the list's parameters.
    "/carte/",
    "/statistiques/",
    "/statistiques/export.csv",
]
PARAMETERS = [
    "levier",
    "departement",
    "region",
    "secteur",
    "type_collectivite",
    "annee",
    "q",
    "tri",
    "page",
    "format",
    "page_size",
    # The comparison's practices, the contact form's acknowledgement, an alert's notice.
    "pratique",
    "transmis",
    "fait",
    "inconnu",
]
OTHER_URLS = [
    "/",
    "/departements/",
    "/leviers/",
    "/fiches/",
    "/donnees/",
    "/proposer/",
    "/alertes/",
    "/alertes/demande-envoyee/",
    "/contact/",
    "/plan-du-site/",
    "/accessibilite/",
    "/mentions-legales/",
    "/donnees-personnelles/",
    "/contact/merci/",
    "/pratiques/comparer/",
    "/sitemap.xml",
    "/robots.txt",
    "/api/",
    "/api/leviers/",
    "/api/departements/",
    "/api/openapi.json",
    "/healthz",
]
PATH_TEMPLATES = [
    "/pratiques/{}/",
    "/leviers/{}/",
    "/fiches/{}/",
    "/departements/{}/",
    "/api/pratiques/{}/",
    "/api/{}",
    "/media/fiches/{}",
    "/alertes/{}/",
    "/alertes/{}/confirmer/",
    "/alertes/{}/desabonner/",
    "/pratiques/{}/contacter/",
    "/pratiques/{}/contacter/merci/",
    "/pratiques/{}/suggerer/",
    "/pratiques/{}/suggerer/merci/",
    "/media/documents/{}",
]
NASTY = [
    "99999999999999999999999",
    "-99999999999999999999999",
    "-1",
    "0",
    "1e400",
    "NaN",
    "inf",
    "2020.5",
    "\x00",
    "a\x00b",
    "%00",
    "' OR 1=1 --",
    "clauses-sociales",
    "marches-reserves",
    "2A",
    "976",
    "62",
    "32",
    "pertinence",
    "titre",
    "récent",
    "restauration & collective:*",
    "!()|&:*<>",
    "é" * 300,
    "x" * 5000,
    "",
    " ",
    "\ud7ff",
    "😀",
]
values = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
queries = st.lists(st.tuples(st.sampled_from(PARAMETERS), values), max_size=8)
OK = {200, 400, 404}
EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def fetch(client, url):
    response = client.get(url)
    if response.streaming:
        # The CSV export is streamed: an error would only show while reading it.
        b"".join(response.streaming_content)
    return response


@pytest.fixture
def site(client, content, settings):
    # Every practice can then be written about (to the editors when it has no contact).
    settings.PORTAL_EDITORS_EMAILS = ["redaction@portail.example"]
    return client


@EXAMPLES
@given(url=st.sampled_from(LIST_URLS), query=queries)
def test_lists_feed_export_and_api_never_fail_on_any_parameters(site, url, query):
    response = fetch(site, f"{url}?{urlencode(query)}")
    assert response.status_code in OK, (url, query, response.status_code)


@EXAMPLES
@given(url=st.sampled_from(OTHER_URLS), query=queries)
def test_other_public_pages_ignore_unknown_parameters(site, url, query):
    response = fetch(site, f"{url}?{urlencode(query)}")
    assert response.status_code in OK, (url, query, response.status_code)


@pytest.fixture
def detail_urls(site):
    practice = Practice.objects.published().first()
    return [
        practice.get_absolute_url(),
        f"/api/pratiques/{practice.slug}/",
        Lever.objects.first().get_absolute_url(),
        Fiche.objects.first().get_absolute_url(),
        Department.objects.get(code="62").get_absolute_url(),
        "/proposer/merci/",
        f"/pratiques/{practice.slug}/contacter/",
        f"/pratiques/{practice.slug}/contacter/merci/",
        f"/pratiques/{practice.slug}/suggerer/",
        f"/pratiques/{practice.slug}/suggerer/merci/",
    ]


@EXAMPLES
@given(index=st.integers(min_value=0, max_value=9), query=queries)
def test_detail_pages_ignore_any_parameters(site, detail_urls, index, query):
    url = detail_urls[index]
    response = fetch(site, f"{url}?{urlencode(query)}")
    assert response.status_code == 200, (url, query, response.status_code)


PROPOSAL_FIELDS = [
    *ProposalForm.base_fields,
    *(f"{KEY_FIGURES_PREFIX}-{name}" for name in ("TOTAL_FORMS", "INITIAL_FORMS")),
    *(f"{KEY_FIGURES_PREFIX}-0-{name}" for name in KeyFigureForm.base_fields),
    "inconnu",
]


CONTACT_FIELDS = [*ContactForm.base_fields, "inconnu"]


@EXAMPLES
@given(data=st.lists(st.tuples(st.sampled_from(CONTACT_FIELDS), values), max_size=12))
def test_any_contact_form_post_is_answered_without_a_server_error(site, data):
    response = site.post(
        "/contact/", data=urlencode(data), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in {200, 302, 400, 429}, (data, response.status_code)


@EXAMPLES
@given(data=st.lists(st.tuples(st.sampled_from(PROPOSAL_FIELDS), values), max_size=20))
def test_any_proposal_form_post_is_answered_without_a_server_error(site, data):
    response = site.post(
        "/proposer/", data=urlencode(data), content_type="application/x-www-form-urlencoded"
    )
    # A form with its errors, a redirect (accepted, or a honeypot caught), or the rate limit.
    assert response.status_code in {200, 302, 400, 429}, (data, response.status_code)


PRACTICE_CONTACT_FIELDS = [*PracticeContactForm.base_fields, "inconnu"]
SUGGESTION_FIELDS = [*SuggestionForm.base_fields, "inconnu"]


@EXAMPLES
@given(
    form=st.sampled_from([("contacter", PRACTICE_CONTACT_FIELDS), ("suggerer", SUGGESTION_FIELDS)]),
    data=st.data(),
)
def test_any_post_to_a_practice_form_is_answered_without_a_server_error(site, form, data):
    path, fields = form
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(fields), values), max_size=12))
    practice = Practice.objects.published().first()
    response = site.post(
        f"/pratiques/{practice.slug}/{path}/",
        data=urlencode(pairs),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in {200, 302, 400, 429}, (path, pairs, response.status_code)


ALERT_FIELDS = ["email", "frequence", "site_web", *PARAMETERS]


@EXAMPLES
@given(data=st.lists(st.tuples(st.sampled_from(ALERT_FIELDS), values), max_size=20))
def test_any_alert_form_post_is_answered_without_a_server_error(site, data):
    response = site.post(
        "/alertes/",
        data=urlencode(data),
        content_type="application/x-www-form-urlencoded",
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code in {200, 302, 400, 429}, (data, response.status_code)


@EXAMPLES
@given(template=st.sampled_from(PATH_TEMPLATES), segment=values)
def test_any_slug_or_code_in_a_path_is_found_or_not_found(site, template, segment):
    response = fetch(site, template.format(quote(segment, safe="")))
    # Lower-case department codes are redirected to their canonical address.
    assert response.status_code in OK | {301}, (template, segment, response.status_code)


@pytest.mark.parametrize("url", LIST_URLS)
@pytest.mark.parametrize(
    "query",
    [
        "annee=99999999999999999999999",
        "page=99999999999999999999999",
        "q=%00",
        "levier=%00",
        "departement=%00&departement=62&departement=62",
        "region=99999999999999999999999",
        "tri=%00",
        "q=" + "x" * 10_000,
    ],
)
def test_known_troublemakers_are_refused_or_ignored(site, url, query):
    response = fetch(site, f"{url}?{query}")
    assert response.status_code in OK


@pytest.mark.parametrize(
    "url",
    [
        "/admin/practices/practice/?status=%00",
        "/admin/practices/practice/?q=%00",
        "/admin/practices/practice/?%00=1",
        "/admin/levers/legalbasis/?lever__id__exact=%00",
    ],
)
def test_nul_in_an_admin_query_string_is_a_400_for_staff(client, db, url):
    client.force_login(make_staff("Responsables éditoriaux"))
    response = client.get(url)
    assert response.status_code == 400
    assert "Caractère nul" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/practices/practice/?published_at__year=99999",
        "/admin/levers/kit/?published_on__year=0",
    ],
)
def test_an_impossible_date_in_an_admin_list_filter_shows_the_whole_list(client, db, url):
    # Django compiles a year lookup into dates only when the list is counted.
    client.force_login(make_staff("Responsables éditoriaux"))
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith("?e=1")


@pytest.mark.parametrize(
    ("url", "action"),
    [
        ("/admin/practices/practice/", "duplicate_selected"),
        ("/admin/levers/lever/", "delete_selected"),
    ],
)
def test_a_forged_selection_for_an_admin_action_is_refused_in_french(client, db, url, action):
    client.force_login(make_staff("Responsables éditoriaux"))
    for forged in ("abc", "99999999999999999999999"):
        data = {"action": action, "_selected_action": ["1", forged]}
        response = client.post(url, data, follow=True)
        assert response.status_code == 200
        assert "Sélection invalide" in response.content.decode()


@pytest.mark.parametrize("value", ["abc", "12,5", "1e400", "99999999999999999999999"])
@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/admin/practices/practice/add/", "levers"),
        ("/admin/practices/practice/add/", "source_fiche"),
        ("/admin/levers/fiche/add/", "kit"),
        ("/admin/levers/legalbasis/add/", "lever"),
    ],
)
def test_a_forged_choice_in_an_admin_search_field_is_a_french_error(client, db, url, field, value):
    # Search-as-you-type fields post ids: a forged one came back as a 500 when the form
    # was shown again with its errors.
    client.force_login(make_staff("Responsables éditoriaux"))
    response = client.post(url, {field: value})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors[field]
    assert "n’est pas une valeur correcte" in errors[0] or "choix valide" in errors[0]


@pytest.mark.parametrize(
    "query",
    [
        "pratique=%00",
        "pratique=%ff%fe",
        "pratique=" + "x" * 10_000,
        "pratique=inconnue&pratique=inconnue",
        "&".join(["pratique=x"] * 500),
        "pratique=mayotte-achat-socialement-responsable&pratique=mayotte-achat-socialement-responsable",
    ],
)
def test_any_comparison_is_answered_with_french_messages(site, query):
    response = site.get(f"/pratiques/comparer/?{query}")
    assert response.status_code == 200
    assert "Choisissez au moins deux pratiques" in response.content.decode()


ROUND_URLS = [
    "/carte/",
    "/statistiques/",
    "/statistiques/export.csv",
    "/pratiques/comparer/",
    "/alertes/",
    "/alertes/demande-envoyee/",
    "/contact/",
    "/contact/merci/",
    "/plan-du-site/",
    "/mentions-legales/",
    "/accessibilite/",
    "/donnees-personnelles/",
]


@pytest.mark.parametrize("url", ROUND_URLS)
def test_other_methods_get_a_405_never_a_server_error(site, url):
    assert site.head(url).status_code == 200
    assert site.options(url).status_code in {200, 405}
    for method in (site.put, site.patch, site.delete):
        assert method(url).status_code == 405, (url, method)


@pytest.mark.parametrize("url", ["/pratiques/", "/pratiques/export.csv", "/sitemap.xml"])
def test_a_405_is_a_french_page_that_names_the_allowed_methods(client, db, url):
    response = client.post(url)

    assert response.status_code == 405
    assert response["Allow"] in {"GET, HEAD", "HEAD, GET"}
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert "Action impossible sur cette page" in page
    assert client.head(url).status_code != 405


@pytest.mark.parametrize("page", ["change", "history", "delete", "relecture", "copie"])
def test_an_out_of_range_id_in_an_admin_address_is_a_404_or_a_redirect(client, db, page):
    client.force_login(make_staff("Responsables éditoriaux"))
    response = client.get(f"/admin/practices/practice/99999999999999999999999/{page}/")
    assert response.status_code in {302, 404, 405}
