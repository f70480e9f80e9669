"""Small builders for test data: each returns a saved object with sensible defaults."""

import itertools

from django.utils import timezone

from levers.models import Fiche, Kit, Lever
from practices.models import Department, KeyFigure, Practice, Sector

_seq = itertools.count(1)


def make_lever(**fields):
    n = next(_seq)
    defaults = {
        "name": f"Levier {n}",
        "slug": f"levier-{n}",
        "family": Lever.Family.TARGET_ESS,
        "summary": "Résumé du levier.",
    }
    return Lever.objects.create(**{**defaults, **fields})


def make_sector(**fields):
    n = next(_seq)
    return Sector.objects.create(**{"name": f"Secteur {n}", "slug": f"secteur-{n}", **fields})


def make_kit(**fields):
    n = next(_seq)
    defaults = {
        "name": f"Kit {n}",
        "slug": f"kit-{n}",
        "published_on": "2021-06-01",
        "edition": "juin 2021",
    }
    return Kit.objects.create(**{**defaults, **fields})


def make_fiche(**fields):
    n = next(_seq)
    kit = fields.pop("kit", None) or make_kit()
    defaults = {
        "kit": kit,
        "number": n,
        "title": f"Fiche {n}",
        "slug": f"fiche-{n}",
        "published_on": "2021-06-01",
    }
    return Fiche.objects.create(**{**defaults, **fields})


def make_practice(levers=(), sectors=(), partners=(), figures=(), **fields):
    """A published practice unless told otherwise; department by INSEE code or object."""
    n = next(_seq)
    department = fields.pop("department", "62")
    if isinstance(department, str):
        department = Department.objects.get(code=department)
    defaults = {
        "title": f"Pratique {n}",
        "slug": f"pratique-{n}",
        "summary": "Une pratique de commande publique responsable.",
        "authority_type": Practice.AuthorityType.DEPARTMENT,
        "authority_name": f"Département {department.name}",
        "department": department,
        "start_year": 2020,
        "status": Practice.Status.PUBLISHED,
        "published_at": timezone.now() - timezone.timedelta(days=n),
    }
    practice = Practice.objects.create(**{**defaults, **fields})
    practice.levers.set(levers)
    practice.sectors.set(sectors)
    practice.partners.set(partners)
    for position, (label, value) in enumerate(figures):
        KeyFigure.objects.create(practice=practice, label=label, value=value, position=position)
    practice.refresh_search_text()
    return practice
