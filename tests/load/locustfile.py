"""A realistic mix of visitors for `make bench` (headless, loopback, bounded in time).

Run by .ci/bench.py against gunicorn serving generate_practices' content; any answer
other than 200 is an error, and the run must end with none.
"""

import os
import random

from locust import HttpUser, between, task

PRACTICES = int(os.environ.get("BENCH_PRACTICES", "10000"))
LEVERS = [
    "marches-reserves",
    "clauses-sociales",
    "commerce-equitable",
    "spaser",
    "partenariats-innovation",
    "facilitateurs",
]
DEPARTMENTS = ["01", "13", "2A", "33", "35", "54", "59", "62", "69", "75", "93", "974", "976"]
REGIONS = ["11", "28", "32", "44", "53", "75", "84", "93"]
SEARCHES = [
    "clause sociale",
    "insertion",
    "restauration collective",
    "commerce équitable",
    "marché réservé",
    "entreprises adaptées",
    "facilitateur",
    "schéma de promotion",
]


def published_slug():
    # generate_practices makes every twentieth practice a draft.
    n = random.randint(1, PRACTICES)
    if n % 20 == 0:
        n -= 1
    return f"exemple-genere-{max(n, 1):06d}"


class Visitor(HttpUser):
    wait_time = between(0.5, 2)

    @task(2)
    def home(self):
        self.client.get("/", name="/")

    @task(3)
    def list_all(self):
        page = random.choice([1, 1, 1, 2, 3, 10])
        self.client.get(f"/pratiques/?page={page}", name="/pratiques/?page")

    @task(5)
    def list_filtered(self):
        params = [f"levier={random.choice(LEVERS)}"]
        if random.random() < 0.5:
            params.append(f"departement={random.choice(DEPARTMENTS)}")
        else:
            params.append(f"region={random.choice(REGIONS)}")
        self.client.get("/pratiques/?" + "&".join(params), name="/pratiques/?filtres")

    @task(4)
    def search(self):
        self.client.get("/pratiques/", params={"q": random.choice(SEARCHES)}, name="/pratiques/?q")

    @task(5)
    def practice(self):
        self.client.get(f"/pratiques/{published_slug()}/", name="/pratiques/<slug>/")

    @task(1)
    def lever(self):
        self.client.get(f"/leviers/{random.choice(LEVERS)}/", name="/leviers/<slug>/")

    @task(1)
    def landscape(self):
        page = random.choice(["/carte/", "/statistiques/"])
        params = {"levier": random.choice(LEVERS)} if random.random() < 0.5 else {}
        self.client.get(page, params=params, name=page)

    @task(1)
    def department(self):
        self.client.get(
            f"/departements/{random.choice(DEPARTMENTS)}/", name="/departements/<code>/"
        )

    @task(1)
    def api(self):
        self.client.get(f"/api/pratiques/?levier={random.choice(LEVERS)}", name="/api/pratiques/")
