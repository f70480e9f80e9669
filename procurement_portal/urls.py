from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.http import require_safe

from levers.media import fiche_pdf
from practices.documents import document_file
from practices.sitemaps import sitemaps
from practices.views import robots_txt
from procurement_portal.admin import AutocompleteView
from procurement_portal.admin_markdown import markdown_preview

handler400 = "procurement_portal.errors.bad_request"
handler500 = "procurement_portal.errors.server_error"

urlpatterns = [
    path(
        "admin/apercu-markdown/",
        admin.site.admin_view(markdown_preview),
        name="admin_markdown_preview",
    ),
    # Before the admin's own, which it replaces (procurement_portal.admin.AutocompleteView).
    path(
        "admin/autocomplete/",
        admin.site.admin_view(AutocompleteView.as_view(admin_site=admin.site)),
    ),
    path("admin/", admin.site.urls),
    # GET and HEAD only, as every public page (Django's view answers a POST too).
    path("sitemap.xml", require_safe(sitemap), {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    # Before the DEBUG media route: uploaded PDFs are always served by this view.
    path("media/fiches/<path:name>", fiche_pdf, name="fiche_pdf"),
    path("media/documents/<path:name>", document_file, name="document_file"),
    path("api/", include("practices.api_urls")),
    path("", include("practices.urls")),
    path("", include("practices.alerts.urls")),
    path("", include("levers.urls")),
]

if settings.PORTAL_BENCH:
    # The benchmark's ceiling (.ci/bench.py): the whole middleware stack, no database.
    from django.http import HttpResponse

    urlpatterns.append(path("bench/ping", lambda request: HttpResponse("pong")))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
