# ruff: noqa: S603 - a benchmark runs its own commands, nothing from outside
"""The result tables, in French, and the machine they were measured on."""

import os
import platform
import subprocess
from pathlib import Path

from benchlib.config import CONCURRENCY, ENV, PRACTICES, PYTHON, ROOT, SECONDS, WORKERS


def scenario_table(results, rss):
    static = results["Fichier statique (whitenoise)"][0]["rps"]
    lines = [
        f"Construites à chaque requête, {PRACTICES} pratiques "
        "(ratio au fichier statique servi par le même gunicorn) :",
        "",
        "| Page | req/s | ratio | médiane | p95 | requêtes | combinaisons | erreurs |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, (r, distinct) in results.items():
        lines.append(
            f"| {label} | {r['rps']:.1f} | {r['rps'] / static:.2%} | {r['median']:.1f} ms "
            f"| {r['p95']:.1f} ms | {r['n']} | {distinct} | {r['errors']} |"
        )
    memory = ", ".join(f"{mb:.0f} Mo" for mb in sorted(rss.values())) or "?"
    lines += ["", f"Mémoire résidente des workers gunicorn après la charge : {memory}"]
    return "\n".join(lines)


def table(pages, counts, results):
    trivial = results[pages[0][0]][0]["rps"]
    lines = [
        "| Page | Requêtes SQL | Cache manqué : req/s | ratio | médiane | p95 "
        "| Cache servi : req/s | ratio | médiane | p95 | erreurs |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, path, _, _ in pages:
        c, w = results[label]
        key = f"sqlite:{path}" if label.startswith("SQLite") else path
        queries = counts.get(key, ["–"])[0] if not path.startswith("/static/") else 0
        lines.append(
            f"| {label} | {queries} | {c['rps']:.0f} | {c['rps'] / trivial:.0%} "
            f"| {c['median']:.1f} ms | {c['p95']:.1f} ms | {w['rps']:.0f} "
            f"| {w['rps'] / trivial:.0%} | {w['median']:.1f} ms | {w['p95']:.1f} ms "
            f"| {c['errors'] + (w['errors'] if w is not c else 0)} |"
        )
    return "\n".join(lines)


def machine():
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem_kib = 0
    import django

    pg = (
        subprocess.run(
            [
                PYTHON,
                "-c",
                "import django; django.setup(); from django.db import connection; "
                "c = connection.cursor(); c.execute('SHOW server_version'); print(c.fetchone()[0])",
            ],
            cwd=ROOT,
            env={**ENV, "DJANGO_SETTINGS_MODULE": "procurement_portal.settings"},
            capture_output=True,
            text=True,
            check=False,
        )
        .stdout.strip()
        .splitlines()
    )
    return (
        f"{os.cpu_count()} cœurs ({cpu}), {mem_kib / 1024 / 1024:.0f} Gio de mémoire, "
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"PostgreSQL {pg[-1] if pg else '?'}, gunicorn {WORKERS} workers (sync), "
        f"{CONCURRENCY} clients simultanés, {SECONDS:.0f} s par page"
    )
