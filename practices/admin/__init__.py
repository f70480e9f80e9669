"""The editors' back office for the practices app, one module per kind of content:
reference data (reference), practices (practice; their actions and bin in
practice_actions, their key figures and distinctions in figures, their documents in
documents), proposals (contribution), visitors' messages and suggestions (inbox), search
synonyms (synonym). Importing them registers their ModelAdmins."""

from django.contrib import admin

from .. import admin_site_pages  # noqa: F401 - legal texts and messages to the portal
from . import contribution, inbox, practice, reference, synonym  # noqa: F401 - registers the ModelAdmins

admin.site.site_header = "Commande publique responsable — administration"
admin.site.site_title = "Commande publique responsable — administration"
admin.site.index_title = "Contenus du portail"
