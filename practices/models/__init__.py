"""The practices app's models, one module per responsibility:

- reference: regions, departments (INSEE codes), sectors, partners;
- practice: practices, their queryset verbs, the first-publication rule;
- slugs: practice addresses (reserved ones, new ones, the messages of a refused one);
- figures: their key figures and distinctions;
- contribution: who proposed a practice through /proposer/ (personal data);
- documents attached to practices (practices/documents.py, with the view serving them),
  visitors' messages to référents and suggestions (practices/inbox.py).

ContentVersion, the page cache's version row, is a model of this app defined next to
the page cache (procurement_portal/content_version.py); imported here to register it.
"""

from procurement_portal.content_version import ContentVersion

from ..documents import Document
from ..inbox import ContactMessage, Suggestion
from .contribution import Contribution
from .figures import KeyFigure, Recognition
from .practice import (
    EVIDENCE_EXPLANATIONS,
    FIRST_YEAR,
    LAST_YEAR,
    EvidenceLevel,
    Practice,
    PracticeQuerySet,
    with_counts,
)
from .reference import Department, Partner, Region, Sector
from .slugs import RESERVED_PRACTICE_SLUGS, unique_practice_slug

__all__ = [
    "EVIDENCE_EXPLANATIONS",
    "FIRST_YEAR",
    "LAST_YEAR",
    "RESERVED_PRACTICE_SLUGS",
    "ContactMessage",
    "ContentVersion",
    "Contribution",
    "Department",
    "Document",
    "EvidenceLevel",
    "KeyFigure",
    "Partner",
    "Practice",
    "PracticeQuerySet",
    "Recognition",
    "Region",
    "Sector",
    "Suggestion",
    "unique_practice_slug",
    "with_counts",
]

# Pending revisions of published practices live in their own module (practices/revisions.py);
# importing them here registers their model with the app.
# Legal texts and contact messages live in modules of their own (practices/legal.py,
# practices/site_contact.py); importing them here registers their models with the app.
from ..legal import LegalText  # noqa: F401
from ..revisions import PracticeRevision  # noqa: F401

# The search tables (synonyms, vocabulary, SQLite's full-text table): practices/search_models.py.
from ..search_models import SearchEntry, SearchWord, Synonym  # noqa: F401
from ..site_contact import SiteMessage  # noqa: F401
