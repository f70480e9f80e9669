"""Atom feed of newly published practices: /pratiques/flux/?<the list's filters>.

The filters go through the list page's FilterSet, so a feed follows exactly the
practices its list shows; bad parameters get a 400 rather than an empty feed.
"""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .facets import FACETS
from .filters import PracticeFilter
from .models import Practice
from .open_data import published_filterset

FEED_SIZE = 50
TITLE = "Nouvelles pratiques de commande publique responsable"


@dataclass
class FeedQuery:
    filterset: PracticeFilter
    query: str
    url: str


def describe(filterset):
    """« levier : SPASER ; département : Ille-et-Vilaine (35) », from the valid filters."""
    data = getattr(filterset.form, "cleaned_data", None) or {}
    parts = []
    if filterset.search_query():
        parts.append(f"recherche « {filterset.search_query()} »")
    kinds = {**dict(Practice.AuthorityType.choices), **dict(Practice.EvidenceLevel.choices)}
    for name, noun in FACETS.items():
        value = data.get(name)
        if value is None or value == "" or value == []:
            continue
        values = value if isinstance(value, list | tuple) or hasattr(value, "model") else [value]
        names = [kinds.get(v, v) if isinstance(v, str) else str(v) for v in values]
        if names:
            parts.append(f"{noun.lower()} : {', '.join(names)}")
    if data.get("annee") is not None:
        parts.append(f"année : {int(data['annee'])}")
    return " ; ".join(parts)


class PlainTextAtomFeed(Atom1Feed):
    """Summaries are plain text (typed by editors, or by visitors through /proposer/):
    sent as type="text", escaped once by the XML writer, so that a reader shows
    `<svg onload=…>` or `&` as typed. Django's Atom1Feed labels them type="html", which
    tells readers to render the text as markup."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class PracticeFeed(Feed):
    feed_type = PlainTextAtomFeed

    def __call__(self, request, *args, **kwargs):
        filterset, error = published_filterset(request, "le flux")
        if error:
            return error
        params = request.GET.copy()
        params.pop("page", None)
        # The Feed instance is shared by all requests: per-request state lives on the request.
        request.practice_feed = FeedQuery(filterset, params.urlencode(), request.get_full_path())
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        return request.practice_feed

    def title(self, obj):
        description = describe(obj.filterset) if obj.filterset.is_bound else ""
        return f"{TITLE} ({description})" if description else TITLE

    def subtitle(self, obj):
        return (
            "Les dernières pratiques de collectivités publiées sur le portail, "
            "avec les filtres choisis."
        )

    def link(self, obj):
        url = reverse("practices:list")
        return f"{url}?{obj.query}" if obj.query else url

    def feed_url(self, obj):
        return obj.url

    def author_name(self):
        return "Commande publique responsable"

    def items(self, obj):
        return (
            obj.filterset.qs.for_cards()
            # Newest first whatever the list's sort: it is a feed of what is new.
            .order_by("-published_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.authority_name

    def item_categories(self, item):
        return [lever.name for lever in item.levers.all()] + [
            f"Niveau de preuve : {item.get_evidence_level_display()}"
        ]
