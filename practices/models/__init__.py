"""The practices app's models, one module per responsibility:

- reference: regions, departments (INSEE codes), sectors, partners;
- practice: practices, their queryset verbs, key figures and distinctions, slugs;
- contribution: who proposed a practice through /proposer/ (personal data).

ContentVersion, the page cache's version row, is a model of this app defined next to
the page cache (procurement_portal/content_version.py); imported here to register it.
"""

from procurement_portal.content_version import ContentVersion

from .contribution import Contribution
from .practice import (
    FIRST_YEAR,
    LAST_YEAR,
    RESERVED_PRACTICE_SLUGS,
    KeyFigure,
    Practice,
    PracticeQuerySet,
    Recognition,
    unique_practice_slug,
    with_counts,
)
from .reference import Department, Partner, Region, Sector

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "RESERVED_PRACTICE_SLUGS",
    "ContentVersion",
    "Contribution",
    "Department",
    "KeyFigure",
    "Partner",
    "Practice",
    "PracticeQuerySet",
    "Recognition",
    "Region",
    "Sector",
    "unique_practice_slug",
    "with_counts",
]

# Pending revisions of published practices live in their own module (practices/revisions.py);
# importing them here registers their model with the app.
from ..revisions import PracticeRevision  # noqa: F401
