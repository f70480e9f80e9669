"""Personal data never reaches a public output: not a page, the API, a CSV, the feed, the
sitemap, nor what the page cache stores for anonymous visitors.

Every address the portal holds is planted (a practice's référent, a contributor, an alert
subscriber, the senders of a contact message, a suggestion and a site message), then
every public output of the portal is fetched twice (built, then served from the cache)
and searched for them, as is every value the page cache stores.
"""

import gzip

import pytest
from django.utils import timezone

from levers.models import Lever
from practices.alerts.models import Subscription
from practices.inbox import ContactMessage, Suggestion
from practices.models import Practice
from practices.models.contribution import Contribution
from practices.site_contact import SiteMessage
from tests.factories import make_practice

ADDRESSES = {
    "référent": "referent.prive@departement-exemple.fr",
    "contributor": "contributeur.prive@ville-exemple.fr",
    "subscriber": "abonne.prive@ville-exemple.fr",
    "contact sender": "expediteur.prive@ville-exemple.fr",
    "suggestion": "suggestion.prive@ville-exemple.fr",
    "site message": "message.prive@ville-exemple.fr",
}
# The part before @ too: an address may be split or escaped in a page.
NEEDLES = [*ADDRESSES.values(), *(a.split("@")[0] for a in ADDRESSES.values())]


@pytest.fixture
def planted(content, page_cache, settings):
    settings.PORTAL_EDITORS_EMAILS = ["redaction@portail-exemple.fr"]
    lever = Lever.objects.get(slug="clauses-sociales")
    practice = make_practice(
        levers=[lever],
        title="Des clauses dans les collèges",
        contact_name="Direction de la commande publique",
        contact_email=ADDRESSES["référent"],
    )
    # A contributed practice, published since, whose contributor is on record.
    contributed = make_practice(levers=[lever], title="Une pratique proposée")
    Contribution.objects.create(
        practice=contributed,
        contributor_name="Camille Contributrice",
        contributor_email=ADDRESSES["contributor"],
    )
    Subscription.objects.create(
        email=ADDRESSES["subscriber"],
        query="levier=clauses-sociales",
        confirmed_at=timezone.now(),
    )
    ContactMessage.objects.create(
        practice=practice,
        route=ContactMessage.Route.REFERENT,
        sender_name="Sam",
        sender_email=ADDRESSES["contact sender"],
        sender_organisation="Ville",
        message="Bonjour",
    )
    Suggestion.objects.create(
        practice=practice, message="Un chiffre", email=ADDRESSES["suggestion"]
    )
    SiteMessage.objects.create(
        name="Dominique", email=ADDRESSES["site message"], subject="Objet", message="Bonjour"
    )
    return practice, contributed


def public_outputs(practice, contributed):
    fiche_practice = Practice.objects.get(slug="mayotte-achat-socialement-responsable")
    slug = practice.slug
    return [
        "/",
        "/pratiques/",
        "/pratiques/?levier=clauses-sociales",
        "/pratiques/?q=colleges",
        practice.get_absolute_url(),
        contributed.get_absolute_url(),
        fiche_practice.get_absolute_url(),
        f"/pratiques/{slug}/contacter/",
        f"/pratiques/{slug}/contacter/merci/",
        f"/pratiques/{slug}/suggerer/",
        f"/pratiques/{slug}/suggerer/merci/",
        f"/pratiques/comparer/?pratique={slug}&pratique={contributed.slug}",
        "/pratiques/flux/",
        "/pratiques/flux/?levier=clauses-sociales",
        "/pratiques/export.csv",
        "/carte/",
        "/carte/?levier=clauses-sociales",
        "/statistiques/",
        "/statistiques/export.csv",
        "/departements/",
        "/departements/62/",
        "/leviers/",
        "/leviers/clauses-sociales/",
        "/fiches/",
        "/fiches/kit-departementaless-12-commande-publique-responsable/",
        "/alertes/",
        "/alertes/?levier=clauses-sociales",
        "/alertes/demande-envoyee/",
        "/proposer/",
        "/proposer/merci/",
        "/contact/",
        "/contact/merci/",
        "/donnees/",
        "/accessibilite/",
        "/mentions-legales/",
        "/donnees-personnelles/",
        "/plan-du-site/",
        "/api/",
        "/api/pratiques/",
        f"/api/pratiques/{slug}/",
        f"/api/pratiques/{contributed.slug}/",
        "/api/leviers/",
        "/api/departements/",
        "/api/openapi.json",
        "/sitemap.xml",
        "/robots.txt",
    ]


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def leaked(text):
    return [needle for needle in NEEDLES if needle in text]


@pytest.fixture
def cache_writes(monkeypatch):
    """Every (key, value) the page cache stores, as it stores it."""
    from procurement_portal import page_cache

    writes = []
    store = page_cache.safe_cache_set

    def recording(key, value, timeout):
        writes.append((key, value))
        store(key, value, timeout)

    monkeypatch.setattr(page_cache, "safe_cache_set", recording)
    return writes


def stored_text(value):
    # A page is stored as (content version, time, response).
    parts = value if isinstance(value, tuple) else (value,)
    return "".join(_text(part) for part in parts)


def _text(value):
    content = getattr(value, "content", None)
    if content is None:
        return repr(value)
    if content[:2] == b"\x1f\x8b":
        content = gzip.decompress(content)
    return content.decode("utf-8", "replace")


def test_no_address_reaches_a_public_output_nor_the_page_cache(client, planted, cache_writes):
    outputs = public_outputs(*planted)
    practice_title = planted[0].title
    for _ in range(2):  # built, then answered from the page cache
        for path in outputs:
            response = client.get(path)
            assert response.status_code == 200, path
            assert not leaked(body(response)), (path, leaked(body(response)))
    pages = [stored_text(value) for _, value in cache_writes]
    assert sum(practice_title in text for text in pages) >= 3, "pages were not cached"
    for (key, _), text in zip(cache_writes, pages, strict=True):
        assert not leaked(text), (key, leaked(text))
