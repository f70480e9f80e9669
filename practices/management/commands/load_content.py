"""Load the portal's reference content from fixtures/: levers, kits, fiches, practices,
the search synonyms.

Idempotent: objects are matched by slug, so running it twice creates nothing the
second time and changes nothing. Content that editors have since changed in the
admin is left alone unless --update is given.
"""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.dateparse import parse_datetime

from levers.models import Fiche, Kit, Lever
from practices import search_index, search_synonyms
from practices.models import Department, Partner, Practice, Sector, Synonym
from practices.search_models import split_terms
from practices.text import fold

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def read(name):
    try:
        return json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CommandError(f"Cannot read fixtures/{name}: {error}") from error


def as_date(value):
    return date.fromisoformat(value) if value else None


class Loader:
    def __init__(self, update, stdout):
        self.update = update
        self.stdout = stdout
        self.created = 0
        self.updated = 0

    def sync(self, model, lookup, values):
        """Create the object, or bring an existing one in line when --update is given.

        Saves only when a value differs, so that a second run writes nothing.
        Returns (object, is_new_or_updated).
        """
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            obj.full_clean()
            obj.save()
            self.created += 1
            return obj, True
        if not self.update:
            return obj, False
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.full_clean()
            obj.save()
            self.updated += 1
        return obj, bool(changed)

    def sync_children(self, owner_is_fresh, manager, rows, fields):
        """Replace an object's child rows when they differ from the fixture."""
        if not (owner_is_fresh or self.update):
            return False
        current = [tuple(getattr(child, f) for f in fields) for child in manager.all()]
        wanted = [tuple(row[f] for f in fields) for row in rows]
        if current == wanted:
            return False
        manager.all().delete()
        for position, row in enumerate(rows):
            child = manager.model(**{manager.field.name: manager.instance}, **row)
            if hasattr(child, "position"):
                child.position = position
            child.full_clean()
            child.save()
        return True

    def sync_m2m(self, owner_is_fresh, manager, objects):
        if not (owner_is_fresh or self.update):
            return False
        if {o.pk for o in manager.all()} == {o.pk for o in objects}:
            return False
        manager.set(objects)
        return True


class Command(BaseCommand):
    help = "Charge le contenu de référence (leviers, kits, fiches, pratiques) depuis fixtures/."

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="Remplace aussi le contenu existant qui diffère des fixtures "
            "(écrase les modifications faites dans l'administration).",
        )

    @transaction.atomic
    def handle(self, *args, update=False, **options):
        loader = Loader(update, self.stdout)
        levers = self.load_levers(loader)
        self.load_kits(loader, levers)
        sectors = {
            row["slug"]: loader.sync(
                Sector, {"slug": row["slug"]}, {"name": row["name"], "position": row["position"]}
            )[0]
            for row in read("sectors.json")
        }
        partners = {
            row["slug"]: loader.sync(
                Partner,
                {"slug": row["slug"]},
                {k: row[k] for k in ("name", "kind", "url", "description")},
            )[0]
            for row in read("partners.json")
        }
        self.load_practices(loader, levers, sectors, partners)
        self.load_synonyms(loader)
        # New or changed groups: the practices naming them get their tokens.
        search_synonyms.reindex()
        if loader.created or loader.updated:
            # Practices are saved one by one, which keeps the indexes in step; the
            # vocabulary also drops the words of content changed since.
            search_index.rebuild_vocabulary()
        self.stdout.write(
            self.style.SUCCESS(
                f"Contenu chargé : {loader.created} créé(s), {loader.updated} mis à jour."
            )
        )

    def load_synonyms(self, loader):
        """Synonym groups, matched by their first term (editors may add terms)."""
        existing = {}
        for synonym in Synonym.objects.all():
            terms = synonym.term_list()
            if terms:
                existing[fold(terms[0])] = synonym
        for row in read("synonyms.json"):
            first = fold(split_terms(row["terms"])[0])
            synonym = existing.get(first)
            if synonym is None:
                loader.sync(Synonym, {"terms": row["terms"]}, {"note": row["note"]})
            else:
                values = {"terms": row["terms"], "note": row["note"]}
                loader.sync(Synonym, {"pk": synonym.pk}, values)

    def load_levers(self, loader):
        levers = {}
        for row in read("levers.json"):
            values = {
                k: row[k] for k in ("name", "family", "summary", "body", "when_to_use", "position")
            }
            lever, fresh = loader.sync(Lever, {"slug": row["slug"]}, values)
            legal = [
                {
                    "code": b["code"],
                    "source": b["source"],
                    "title": b["title"],
                    "description": b["description"],
                    "url": b["url"],
                    "valid_from": as_date(b["valid_from"]),
                    "valid_until": as_date(b["valid_until"]),
                }
                for b in row["legal_bases"]
            ]
            loader.sync_children(
                fresh, lever.legal_bases, legal, ["code", "title", "valid_from", "valid_until"]
            )
            loader.sync_children(
                fresh, lever.resources, row["resources"], ["title", "url", "kind", "description"]
            )
            levers[row["slug"]] = lever
        return levers

    def load_kits(self, loader, levers):
        for row in read("kits.json"):
            kit, _ = loader.sync(
                Kit,
                {"slug": row["slug"]},
                {
                    "name": row["name"],
                    "published_on": as_date(row["published_on"]),
                    "edition": row["edition"],
                    "url": row["url"],
                    "description": row["description"],
                },
            )
            for f in row["fiches"]:
                values = {
                    "kit": kit,
                    "number": f["number"],
                    "title": f["title"],
                    "published_on": as_date(f["published_on"]),
                    "pdf_name": f["pdf_name"],
                    "pdf_size_kib": f["pdf_size_kib"],
                    "summary": f["summary"],
                    "body": f["body"],
                }
                fiche, fresh = loader.sync(Fiche, {"slug": f["slug"]}, values)
                loader.sync_m2m(fresh, fiche.levers, [levers[s] for s in f["levers"]])
                loader.sync_children(
                    fresh, fiche.resources, f["resources"], ["title", "url", "kind", "description"]
                )

    def load_practices(self, loader, levers, sectors, partners):
        fiches = {f.slug: f for f in Fiche.objects.all()}
        departments = Department.objects.in_bulk()
        for row in read("practices.json"):
            try:
                department = departments[row["department"]]
            except KeyError:
                raise CommandError(
                    f"{row['slug']}: unknown department {row['department']!r}"
                ) from None
            values = {
                "title": row["title"],
                "summary": row["summary"],
                "body": row["body"],
                "authority_type": row["authority_type"],
                "authority_name": row["authority_name"],
                "department": department,
                "start_year": row["start_year"],
                "end_year": row["end_year"],
                "source_fiche": fiches.get(row["source_fiche"]),
                "contact_name": row["contact_name"],
                "contact_email": row["contact_email"],
                "contact_url": row["contact_url"],
                "success_conditions": row.get("success_conditions", ""),
                "watch_points": row.get("watch_points", ""),
                "means": row.get("means", ""),
                "evidence_level": row.get("evidence_level", Practice.EvidenceLevel.DECLARED),
                "status": Practice.Status.PUBLISHED,
                "published_at": parse_datetime(row["published_at"]),
            }
            practice, fresh = loader.sync(Practice, {"slug": row["slug"]}, values)
            touched = [
                fresh,
                loader.sync_m2m(fresh, practice.levers, [levers[s] for s in row["levers"]]),
                loader.sync_m2m(fresh, practice.sectors, [sectors[s] for s in row["sectors"]]),
                loader.sync_m2m(fresh, practice.partners, [partners[s] for s in row["partners"]]),
                loader.sync_children(
                    fresh,
                    practice.key_figures,
                    [dict(r, value=Decimal(r["value"])) for r in row["key_figures"]],
                    ["label", "value", "unit", "period"],
                ),
                loader.sync_children(
                    fresh,
                    practice.recognitions,
                    row["recognitions"],
                    ["title", "awarded_by", "year"],
                ),
            ]
            if any(touched):
                practice.refresh_search_text()
