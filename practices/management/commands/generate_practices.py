"""Synthetic practices for benchmarks and load tests: `generate_practices --practices 10000`.

Reproducible (--seed), spread over the 101 departments, every lever, sector, authority
type and year, with key figures. Generated practices are recognisable by their slug
prefix and replaced on each run; --clear removes them. Rows are written with
bulk_create (practices, their many-to-many rows and key figures), a few thousand per
statement, so 10,000 practices take seconds.
"""

import contextlib
import queue
import random
import threading
from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from levers.models import Lever
from practices import search_index, search_synonyms
from practices.models import (
    Department,
    KeyFigure,
    Partner,
    Practice,
    Recognition,
    Sector,
)
from procurement_portal.invalidation import content_changed

SLUG_PREFIX = "exemple-genere-"
BATCH = 2000

ACTIONS = [
    "Réserver un marché aux structures d'insertion",
    "Introduire une clause sociale d'insertion",
    "Acheter des produits issus du commerce équitable",
    "Adopter un schéma de promotion des achats responsables",
    "Ouvrir un partenariat d'innovation avec des entreprises de l'ESS",
    "Mutualiser un facilitateur de clauses sociales",
    "Allotir finement pour les structures de l'ESS",
    "Sourcer les entreprises adaptées avant de lancer un marché",
]
CONTEXTS = [
    "Le territoire compte de nombreuses personnes éloignées de l'emploi.",
    "Les acheteurs connaissaient mal l'offre des structures de l'économie sociale et solidaire.",
    "Les élus ont voulu faire de la commande publique un levier de cohésion sociale.",
    "Un schéma de promotion des achats responsables fixait des objectifs chiffrés.",
    "Les structures d'insertion du territoire manquaient de débouchés durables.",
]
STEPS = [
    "un sourcing auprès des structures de l'ESS du territoire",
    "un allotissement adapté à la taille des structures",
    "l'appui d'un facilitateur de clauses sociales",
    "des réunions d'information avant la publication de l'avis",
    "un suivi trimestriel des heures d'insertion réalisées",
    "une formation des acheteurs et des prescripteurs",
    "un partenariat avec la chambre régionale de l'ESS",
]
RESULTS = [
    "Les heures d'insertion ont dépassé l'objectif fixé.",
    "Plusieurs structures de l'ESS ont remporté leur premier marché public.",
    "Des salariés en insertion ont trouvé un emploi durable à l'issue du marché.",
    "La démarche a été étendue à d'autres directions de la collectivité.",
]
TOWNS = [
    "Saint-Martin",
    "Villeneuve",
    "Beaumont",
    "Montigny",
    "Fontaine",
    "Neuville",
    "Saint-Laurent",
    "Bellevue",
    "Champagne",
    "Rochefort",
    "Valmont",
    "Mareuil",
]
# How "Département" joins each department's name (INSEE's "type de liaison"), from the
# @etalab/decoupage-administratif 6.0.0 data that migration 0002 copied the names from.
DEPARTMENT_LINKS = {
    "de ": "49 54 71 75 77 974 976",
    "d'": "28 35 37",
    "du ": "14 15 18 25 29 30 32 39 41 45 46 47 56 59 62 63 67 68 69 81 82 83 84 90 94 95",
    "de la ": "16 17 19 21 23 24 26 2A 2B 31 33 42 43 44 48 50 51 52 53 55 57 58 70 72 73 74 "
    "76 80 85 86 87 93 971 972 973",
    "des ": "04 05 06 08 13 22 40 64 65 66 78 79 88 92",
    "de l'": "01 02 03 07 09 10 11 12 27 34 36 38 60 61 89 91",
}
LINK_BY_CODE = {code: link for link, codes in DEPARTMENT_LINKS.items() for code in codes.split()}
VOWELS = "aâàeéèêiîïoôuûy"


def department_authority(department):
    return f"Département {LINK_BY_CODE.get(department.code, 'de ')}{department.name}"


def of(text):
    """French "de" before text, elided before a vowel: « d'acheter », « de réserver »."""
    return f"d'{text}" if text[:1].lower() in VOWELS else f"de {text}"


FIGURES = [
    ("heures d'insertion", "h", 500, 60000),
    ("personnes en parcours d'insertion", "", 5, 900),
    ("structures de l'ESS titulaires", "", 1, 60),
    ("montant annuel des marchés concernés", "€", 20_000, 9_000_000),
    ("part des achats avec une clause sociale", "%", 1, 60),
    ("établissements concernés", "", 2, 150),
]


class Command(BaseCommand):
    help = "Generate reproducible synthetic practices (benchmarks, load tests)."

    def add_arguments(self, parser):
        parser.add_argument("--practices", type=int, default=10_000, help="How many (10,000).")
        parser.add_argument("--seed", type=int, default=2021, help="Random seed (2021).")
        parser.add_argument("--clear", action="store_true", help="Only remove generated practices.")

    def handle(self, *args, practices, seed, clear, **options):
        if practices < 0:
            raise CommandError("--practices doit être positif ou nul.")
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Django's foreign keys are checked at commit (DEFERRABLE INITIALLY
                # DEFERRED): ~2 s per 10,000 practices spent after the last INSERT, now
                # during the INSERTs, while the other thread builds the next batch.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            removed = clear_generated()
            if clear:
                search_index.rebuild(synonyms=False)
                self.stdout.write(f"Pratiques générées supprimées : {removed}.")
                return
            # bulk_create() of practices makes cached pages stale (see invalidation).
            created = Generator(seed).create(practices)
            # bulk_create bypasses save(): the SQLite full-text table and the vocabulary
            # are refilled in one pass (the practices carry their synonym tokens).
            search_index.rebuild(synonyms=False)
        self.stdout.write(
            f"Pratiques générées : {created} (graine {seed}), remplaçant les {removed} précédentes."
        )


def generated():
    return Practice.objects.filter(slug__startswith=SLUG_PREFIX)


def clear_generated():
    """Delete generated practices and their rows with plain DELETE statements.

    Generated practices have no history and nothing else refers to them. The ORM's
    QuerySet.delete() would load every practice, key figure and link row and write a
    history record for each; raw SQL skips both, so this function makes cached pages
    stale itself.
    """
    removed = generated().count()
    if not removed:
        return 0
    quote = connection.ops.quote_name
    practice = Practice._meta
    # Only table and column names from the models are written into the SQL.
    generated_ids = (
        f"SELECT {quote(practice.pk.column)} FROM {quote(practice.db_table)} "  # noqa: S608
        f"WHERE {quote(practice.get_field('slug').column)} LIKE %s"
    )
    tables = [
        (model._meta.db_table, model._meta.get_field("practice").column)
        for model in (KeyFigure, Recognition)
    ]
    for field in ("levers", "sectors", "partners"):
        relation = Practice._meta.get_field(field)
        through = relation.remote_field.through._meta
        tables.append((through.db_table, through.get_field(relation.m2m_field_name()).column))
    tables.append((practice.db_table, practice.pk.column))  # the practices themselves, last
    with connection.cursor() as cursor:
        for table, column in tables:
            cursor.execute(
                f"DELETE FROM {quote(table)} WHERE {quote(column)} IN ({generated_ids})",  # noqa: S608
                [f"{SLUG_PREFIX}%"],
            )
    content_changed()
    return removed


class Generator:
    def __init__(self, seed):
        self.random = random.Random(seed)  # noqa: S311 - reproducible fake data, no secret
        self.departments = list(Department.objects.select_related("region").order_by("code"))
        self.levers = list(Lever.objects.prefetch_related("legal_bases").order_by("slug"))
        self.sectors = list(Sector.objects.order_by("slug"))
        self.partners = list(Partner.objects.order_by("slug"))
        self.synonyms = search_synonyms.load_matcher()
        if not self.levers or not self.sectors:
            raise CommandError("Aucun levier ni secteur : lancez d'abord `manage.py load_content`.")
        # Publication dates count back from today, at noon: the rest depends on the seed only.
        self.now = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)

    def create(self, count):
        """Practices built in Python by a thread while this one waits for the database
        to write the previous batch: each takes about half of the time (10,000
        practices: ~5 s of Python, ~5 s of INSERTs, mostly PostgreSQL computing the
        search vectors), and the GIL is released while waiting for the database."""
        batches = queue.Queue(maxsize=2)

        def build():
            try:
                for start in range(0, count, BATCH):
                    batch = [self.practice(n) for n in range(start, min(start + BATCH, count))]
                    batches.put(batch)
            except BaseException as error:  # handed to the writer, which raises it
                batches.put(error)
            batches.put(None)

        # Only Python objects are built there (departments, levers and their legal bases
        # read beforehand): no query, so nothing outside this thread's transaction.
        builder = threading.Thread(target=build, name="generate-practices", daemon=True)
        builder.start()
        try:
            while (batch := batches.get()) is not None:
                if isinstance(batch, BaseException):
                    raise batch
                self.create_batch(batch)
        finally:
            # A failed write leaves the builder blocked on a full queue: drain it.
            while builder.is_alive():
                with contextlib.suppress(queue.Empty):
                    batches.get(timeout=0.1)
        return count

    def create_batch(self, rows):
        practices = Practice.objects.bulk_create([practice for practice, _ in rows])
        if not all(p.pk for p in practices):  # SQLite < 3.35 would not return ids
            by_slug = dict(
                generated().filter(slug__in=[p.slug for p in practices]).values_list("slug", "pk")
            )
            for practice in practices:
                practice.pk = by_slug[practice.slug]
        links = {"levers": [], "sectors": [], "partners": []}
        figures = []
        for practice, related in zip(practices, (r for _, r in rows), strict=True):
            for field, objects in related["m2m"].items():
                through = getattr(Practice, field).through
                column = f"{through._meta.get_field(field[:-1]).attname}"
                links[field] += [
                    through(practice_id=practice.pk, **{column: o.pk}) for o in objects
                ]
            for figure in related["figures"]:
                figure.practice_id = practice.pk
                figures.append(figure)
        for field, objects in links.items():
            getattr(Practice, field).through.objects.bulk_create(objects, batch_size=BATCH)
        KeyFigure.objects.bulk_create(figures, batch_size=BATCH)

    def practice(self, n):
        rnd = self.random
        department = self.departments[n % len(self.departments)]
        levers = rnd.sample(self.levers, rnd.randint(1, min(3, len(self.levers))))
        sectors = rnd.sample(self.sectors, rnd.randint(1, min(3, len(self.sectors))))
        partners = rnd.sample(self.partners, rnd.randint(0, min(2, len(self.partners))))
        authority_type, authority_name = self.authority(department)
        action = rnd.choice(ACTIONS)
        title = f"{action} – {authority_name}, n°{n + 1}"
        summary = (
            f"{authority_name} a choisi {of(action[0].lower() + action[1:])}, "
            f"secteur « {sectors[0].name} ». {rnd.choice(CONTEXTS)} {rnd.choice(RESULTS)}"
        )
        body = "\n\n".join(
            [
                "## Contexte",
                rnd.choice(CONTEXTS),
                "## Mise en œuvre",
                "\n".join(f"- {step}" for step in rnd.sample(STEPS, 3)),
                "## Résultats",
                rnd.choice(RESULTS),
            ]
        )
        start_year = rnd.randint(2008, 2025)
        end_year = rnd.choice([None, None, min(start_year + rnd.randint(0, 5), 2030)])
        # One in twenty is a draft (not public): n°20, n°40… (load tests skip them).
        status = Practice.Status.DRAFT if (n + 1) % 20 == 0 else Practice.Status.PUBLISHED
        published_at = self.now - timedelta(days=rnd.randint(1, 5 * 365), minutes=n % 1440)
        figures = [
            KeyFigure(
                label=label,
                unit=unit,
                value=Decimal(rnd.randint(low, high)),
                period=f"{start_year}–{end_year or start_year + 1}",
                position=position,
            )
            for position, (label, unit, low, high) in enumerate(
                rnd.sample(FIGURES, rnd.randint(1, 3))
            )
        ]
        practice = Practice(
            title=title[:200],
            slug=f"{SLUG_PREFIX}{n + 1:06d}",
            summary=summary,
            body=body,
            authority_type=authority_type,
            authority_name=authority_name,
            department=department,
            start_year=start_year,
            end_year=end_year,
            status=status,
            published_at=published_at if status == Practice.Status.PUBLISHED else None,
            contact_name="Direction de la commande publique",
        )
        # Practice.save() is bypassed: build the same search texts here.
        practice.search_places, practice.search_text = search_index.practice_texts(
            practice,
            related={
                "levers": levers,
                "sectors": sectors,
                "partners": partners,
                "figures": figures,
            },
        )
        practice.search_synonyms = search_synonyms.vector_of(practice, self.synonyms)
        related = {
            "m2m": {"levers": levers, "sectors": sectors, "partners": partners},
            "figures": figures,
        }
        return practice, related

    def authority(self, department):
        kind = self.random.choices(list(Practice.AuthorityType), weights=[1, 4, 3, 3, 1], k=1)[0]
        town = self.random.choice(TOWNS)
        names = {
            Practice.AuthorityType.REGION: f"Région {department.region.name}",
            Practice.AuthorityType.DEPARTMENT: department_authority(department),
            Practice.AuthorityType.INTERCOMMUNALITY: f"Communauté de communes de {town}",
            Practice.AuthorityType.COMMUNE: f"Ville de {town}",
            Practice.AuthorityType.OTHER: f"Syndicat mixte de {town}",
        }
        return kind, names[kind]
