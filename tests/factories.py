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


def make_staff(group=None, **fields):
    """A staff user, in the named group (« Éditeurs », « Responsables éditoriaux ») if given."""
    from django.contrib.auth.models import Group, User

    n = next(_seq)
    user = User.objects.create_user(
        username=fields.pop("username", f"staff{n}"),
        password=fields.pop("password", "mot-de-passe-solide-42"),
        is_staff=True,
        **fields,
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def practice_admin_form_data(practice=None, **overrides):
    """What the admin's practice form posts: the practice's values, no new inline rows."""
    data = {
        "title": "Une pratique",
        "slug": "une-pratique",
        "summary": "Un résumé.",
        "body": "",
        "authority_type": Practice.AuthorityType.DEPARTMENT,
        "authority_name": "Département",
        "department": "62",
        "levers": [],
        "sectors": [],
        "partners": [],
        "start_year": "2020",
        "end_year": "",
        "source_fiche": "",
        "contact_name": "",
        "contact_email": "",
        "contact_url": "",
        "success_conditions": "",
        "watch_points": "",
        "means": "",
        "evidence_level": Practice.EvidenceLevel.DECLARED,
        "status": Practice.Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
    }
    figures = []
    if practice is not None:
        data.update(
            title=practice.title,
            slug=practice.slug,
            summary=practice.summary,
            body=practice.body,
            authority_type=practice.authority_type,
            authority_name=practice.authority_name,
            department=practice.department_id,
            levers=[lever.pk for lever in practice.levers.all()],
            sectors=[sector.pk for sector in practice.sectors.all()],
            partners=[partner.pk for partner in practice.partners.all()],
            start_year=practice.start_year,
            end_year=practice.end_year or "",
            status=practice.status,
            success_conditions=practice.success_conditions,
            watch_points=practice.watch_points,
            means=practice.means,
            evidence_level=practice.evidence_level,
        )
        if practice.published_at:
            local = timezone.localtime(practice.published_at)
            data["published_at_0"] = local.strftime("%d/%m/%Y")
            data["published_at_1"] = local.strftime("%H:%M:%S")
        figures = list(practice.key_figures.all())
    data.update(
        {
            "key_figures-TOTAL_FORMS": str(len(figures)),
            "key_figures-INITIAL_FORMS": str(len(figures)),
            "key_figures-MIN_NUM_FORMS": "0",
            "key_figures-MAX_NUM_FORMS": "1000",
            "documents-TOTAL_FORMS": "0",
            "documents-INITIAL_FORMS": "0",
            "documents-MIN_NUM_FORMS": "0",
            "documents-MAX_NUM_FORMS": "1000",
            "recognitions-TOTAL_FORMS": "0",
            "recognitions-INITIAL_FORMS": "0",
            "recognitions-MIN_NUM_FORMS": "0",
            "recognitions-MAX_NUM_FORMS": "1000",
        }
    )
    for i, figure in enumerate(figures):
        data.update(
            {
                f"key_figures-{i}-id": figure.pk,
                f"key_figures-{i}-practice": practice.pk,
                f"key_figures-{i}-label": figure.label,
                f"key_figures-{i}-value": str(figure.value),
                f"key_figures-{i}-unit": figure.unit,
                f"key_figures-{i}-period": figure.period,
                f"key_figures-{i}-position": figure.position,
            }
        )
    data.update(overrides)
    return data


def proposal_data(lever, **overrides):
    """What /proposer/ posts for a valid proposal ticking `lever`."""
    data = {
        "authority_type": "commune",
        "authority_name": "Ville de Rennes",
        "department": "35",
        "contributor_name": "Camille Durand",
        "contributor_role": "Responsable de la commande publique",
        "contributor_email": "camille.durand@rennes.example",
        "title": "Un marché réservé pour l'entretien des espaces verts",
        "summary": "La Ville réserve aux structures d'insertion l'entretien de ses parcs.",
        "levers": [lever.slug],
        "start_year": "2021",
        "end_year": "",
        "links": "https://rennes.example/deliberation-2021",
        "site_web": "",
        "chiffres-TOTAL_FORMS": "3",
        "chiffres-INITIAL_FORMS": "0",
        "chiffres-MIN_NUM_FORMS": "0",
        "chiffres-MAX_NUM_FORMS": "3",
        "chiffres-0-label": "heures d'insertion",
        "chiffres-0-value": "1 234,5",
        "chiffres-0-unit": "heures",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
