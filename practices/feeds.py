"""Atom feed of newly published practices: /pratiques/flux/?<the list's filters>.

The filters go through the list page's FilterSet, so a feed follows exactly the
practices its list shows; bad parameters get a 400 rather than an empty feed.
"""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.xmlutils import SimplerXMLGenerator

from procurement_portal.forms import CONTROL_CHARS

from .describe import SEPARATOR, describe_filters, with_site_name
from .filters import PracticeFilter
from .open_data import published_filterset

FEED_SIZE = 50
TITLE = "Nouvelles pratiques"


@dataclass
class FeedQuery:
    filterset: PracticeFilter
    query: str
    url: str


class ControlFreeXMLGenerator(SimplerXMLGenerator):
    """Writes a control character of the texts (a vertical tab or form feed pasted from a
    word processor into the admin, which accepts them) as a space: XML 1.0 cannot carry
    them, and Django's writer raises on them, which made the whole feed a 500."""

    def characters(self, content):
        super().characters(CONTROL_CHARS.sub(" ", content) if content else content)

    def startElement(self, name, attrs):
        attrs = {key: CONTROL_CHARS.sub(" ", value) for key, value in (attrs or {}).items()}
        super().startElement(name, attrs)


class PlainTextAtomFeed(Atom1Feed):
    """Summaries are plain text (typed by editors, or by visitors through /proposer/):
    sent as type="text", escaped once by the XML writer, so that a reader shows
    `<svg onload=…>` or `&` as typed. Django's Atom1Feed labels them type="html", which
    tells readers to render the text as markup."""

    def write(self, outfile, encoding):
        # Atom1Feed.write(), with the writer above.
        handler = ControlFreeXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

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
        """« Nouvelles pratiques – SPASER, Bretagne – Commande publique responsable »."""
        active = obj.filterset.active_filters() if obj.filterset.is_bound else []
        criteria = describe_filters(active)
        return with_site_name(f"{TITLE}{SEPARATOR}{criteria}" if criteria else TITLE)

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
