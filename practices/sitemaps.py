from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from levers.models import Fiche, Lever

from .models import Department, Practice


class StaticSitemap(Sitemap):
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


class PracticeSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        # Only what a <url> needs: bodies of thousands of practices stay in the database.
        return Practice.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, practice):
        return practice.updated_at


class LeverSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Lever.objects.order_by("position", "pk")

    def lastmod(self, lever):
        return lever.updated_at


class FicheSitemap(Sitemap):
    changefreq = "yearly"

    def items(self):
        return Fiche.objects.order_by("pk")

    def lastmod(self, fiche):
        return fiche.updated_at


class DepartmentSitemap(Sitemap):
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
