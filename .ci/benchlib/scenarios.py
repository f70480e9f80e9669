"""Mixed-filter scenarios (issue 17): every request a filter combination of its own."""

import itertools
import random
from urllib.parse import quote_plus

from benchlib.config import PRACTICES, log
from benchlib.database import connect
from benchlib.measure import measure
from benchlib.server import Server, worker_rss

# Words of the generated practices (titles, summaries, sectors, levers): pairs of them
# match from a few dozen practices to most of them.
SEARCH_WORDS = [
    "insertion", "clause", "sociale", "marché", "structures", "équitable", "facilitateur",
    "sourcing", "formation", "restauration", "entretien", "déchets", "textile", "emploi",
]  # fmt: skip
SORTS = ["pertinence", "recent", "titre"]
YEARS = range(2008, 2026)
PAGES_DEEP = range(1, 41)


def references():
    """({lever slug}, {region code}) of the benchmark's database."""
    conn = connect()
    with conn.cursor() as cursor:
        cursor.execute("SELECT slug FROM levers_lever ORDER BY slug")
        levers = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT code FROM practices_region ORDER BY code")
        regions = [row[0] for row in cursor.fetchall()]
    conn.close()
    return levers, regions


def combinations(rows, seed):
    """Every combination once, in a shuffled order, then again (each time with a `bench`
    number of its own, so that the page cache never has it)."""
    rows = list(rows)
    random.Random(seed).shuffle(rows)  # noqa: S311 - a benchmark's order, no secret
    for serial, row in enumerate(itertools.cycle(rows)):
        # `s…`: never an address the fixed pages' measurements already put in the cache.
        yield f"{row}&bench=s{serial}" if "?" in row else f"{row}?bench=s{serial}"


def scenarios():
    """[(label, addresses, how many distinct filter combinations)]."""
    levers, regions = references()
    lever_region_year = [
        f"/pratiques/?levier={lever}&region={region}&annee={year}"
        for lever, region, year in itertools.product(levers, regions, YEARS)
    ]
    words = [" ".join(pair) for pair in itertools.combinations(SEARCH_WORDS, 2)]
    search = [
        f"/pratiques/?q={quote_plus(pair)}&levier={lever}&tri={sort}"
        for pair, lever, sort in itertools.product(words, levers, SORTS)
    ]
    lever_page = [
        f"/pratiques/?levier={lever}&page={page}"
        for lever, page in itertools.product(levers, PAGES_DEEP)
    ]
    # Drafts are every twentieth generated practice (generate_practices).
    practices = [f"/pratiques/exemple-genere-{n:06d}/" for n in range(1, PRACTICES + 1) if n % 20]
    rows = [
        ("Liste, levier × région × année", lever_region_year),
        ("Recherche, deux mots × levier × tri", search),
        ("Liste, levier × page 1–40", lever_page),
        ("Accueil", ["/"]),
        ("Page d'une pratique", practices),
    ]
    return [
        (label, combinations(paths, seed), len(paths)) for seed, (label, paths) in enumerate(rows)
    ]


def run_scenarios(static):
    """{label: (result, distinct combinations)}, static file first; then worker RSS."""
    log(f"Mixed-filter scenarios, {PRACTICES} practices: every request a new combination")
    results = {}
    with Server() as server:
        reference = measure(static, {"Accept-Encoding": "gzip, br"})
        print(f"Fichier statique : {reference['rps']:.0f} req/s", flush=True)
        results["Fichier statique (whitenoise)"] = (reference, 1)
        for label, addresses, distinct in scenarios():
            result = measure("", {}, addresses=addresses)
            results[label] = (result, distinct)
            print(
                f"{label}: {result['rps']:.1f} req/s ({result['rps'] / reference['rps']:.2%}),"
                f" median {result['median']:.1f} ms, {result['n']} requests"
                f" over {distinct} combinations",
                flush=True,
            )
        rss = worker_rss(server.process.pid)
    return results, rss
