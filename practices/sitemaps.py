from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from levers.models import Fiche, Lever

from .models import Department, Practice


class PortalSitemap(Sitemap):
    """A sitemap whose <loc> are on DJANGO_SITE_URL when it is set, like the canonical
    links and robots.txt (procurement_portal/links.py): the host a request came through
    may be an internal one. Without it, Django's default: the request's host and scheme."""

    def get_urls(self, page=1, site=None, protocol=None):
        if settings.SITE_URL:
            origin = urlsplit(settings.SITE_URL)
            site, protocol = SimpleNamespace(domain=origin.netloc), origin.scheme
        return super().get_urls(page=page, site=site, protocol=protocol)


class StaticSitemap(PortalSitemap):
    changefreq = "weekly"

    def items(self):
        return [
            "practices:home",
            "practices:list",
            "practices:map",
            "practices:statistics",
            "levers:list",
            "practices:department_list",
            "levers:fiche_list",
            "practices:propose",
            "practices:open_data",
            "practices:contact",
            "practices:site_map",
            "practices:accessibilite",
            "practices:mentions_legales",
            "practices:donnees_personnelles",
        ]

    def location(self, item):
        return reverse(item)


class PracticeSitemap(PortalSitemap):
    changefreq = "monthly"

    def items(self):
        # Only what a <url> needs: bodies of thousands of practices stay in the database.
        return Practice.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, practice):
        return practice.updated_at


class LeverSitemap(PortalSitemap):
    changefreq = "monthly"

    def items(self):
        return Lever.objects.order_by("position", "pk")

    def lastmod(self, lever):
        return lever.updated_at


class FicheSitemap(PortalSitemap):
    changefreq = "yearly"

    def items(self):
        return Fiche.objects.order_by("pk")

    def lastmod(self, fiche):
        return fiche.updated_at


class DepartmentSitemap(PortalSitemap):
    changefreq = "monthly"

    def items(self):
        return Department.objects.order_by("code")


sitemaps = {
    "pages": StaticSitemap,
    "pratiques": PracticeSitemap,
    "leviers": LeverSitemap,
    "fiches": FicheSitemap,
    "departements": DepartmentSitemap,
}
