# ruff: noqa: S603 - a benchmark runs its own commands, nothing from outside
"""Measurements: throughput and latency per page (page cache missed, then hit), and the
locust load test."""

import http.client
import statistics
import subprocess
import threading
import time

from benchlib.config import (
    BIN,
    CONCURRENCY,
    ENV,
    EXPORT_TIMEOUT,
    HOST,
    LOCUST_SECONDS,
    LOCUST_USERS,
    PORT,
    ROOT,
    SECONDS,
    WORKERS,
    log,
    manage,
)
from benchlib.server import Server, request

STOP_WORDS = ["le", "la", "les", "de", "du", "des", "un", "une"]


def noise(n):
    """A different run of stop words for each n: « la+de », « le+du+un »…"""
    words = []
    while True:
        n, digit = divmod(n, len(STOP_WORDS))
        words.append(STOP_WORDS[digit])
        if not n:
            return "+".join(words)


def measure(path, headers, miss=False, addresses=None):
    """Requests per second, median and 95th-percentile latency (ms), errors.

    miss: each request gets an address of its own (`bench=<n>`, ignored by the views),
    so the page cache never has it: the page is built from scratch every time.
    addresses: instead of `path`, an iterator of the addresses to request (a scenario).
    """
    latencies = []
    errors = []
    lock = threading.Lock()
    serial = iter(range(10**9))
    separator = "&" if "?" in path else "?"

    def address():
        if addresses is not None:
            with lock:
                return next(addresses)
        if not miss:
            return path
        n = next(serial)
        if "?q=" in path:
            # A search's facet counts are kept per filter set: stop words of its own
            # (dropped by the search, kept in the key) make each request a new one, so
            # the search rows stay built from scratch (issue 14's targets).
            return f"{path}+{noise(n)}{separator}bench={n}"
        return f"{path}{separator}bench={n}"

    for _ in range(3):  # warm-up: fill caches, open connections
        request(address(), headers)
    deadline = time.monotonic() + SECONDS

    def worker():
        conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
        mine, bad = [], 0
        while time.monotonic() < deadline:
            target = address()
            started = time.perf_counter()
            try:
                status, _, _ = request(target, headers, conn)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
                status = 0
            mine.append(time.perf_counter() - started)
            if status != 200:
                bad += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.append(bad)

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "median": statistics.median(latencies) * 1000,
        "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "errors": sum(errors),
        "n": len(latencies),
    }


def run_pages(pages, env=None):
    """{label: (page cache missed, page cache hit)}; one server, page cache on."""
    log(f"gunicorn, {WORKERS} workers, page cache on: missed (bench=<n>), then hit")
    results = {}
    # The full CSV export is built outside requests, as a deploy does (practices.exports).
    started = time.perf_counter()
    # For the address requests give (their Host header is HOST, without the port): a file
    # built for another one is not theirs, and at 100,000 practices the first request got
    # a 503 while its worker built it again.
    manage("build_csv_export", "--site-url", f"http://{HOST}", env=env)
    print(f"build_csv_export: {time.perf_counter() - started:.2f} s", flush=True)
    with Server(env):
        started = time.perf_counter()
        status, _, body = request("/pratiques/export.csv", timeout=EXPORT_TIMEOUT)
        print(
            f"Export CSV, first request: {time.perf_counter() - started:.2f} s,"
            f" {len(body) / 2**20:.1f} MB, status {status}",
            flush=True,
        )
        for label, path, headers, cached in pages:
            missed = measure(path, headers, miss=cached)
            hit = measure(path, headers) if cached else missed
            results[label] = (missed, hit)
            print(
                f"{label}: missed {missed['rps']:.0f} req/s, median {missed['median']:.1f} ms;"
                f" hit {hit['rps']:.0f} req/s, median {hit['median']:.1f} ms",
                flush=True,
            )
    return results


def run_locust():
    if LOCUST_SECONDS <= 0:
        return True
    log(f"locust: {LOCUST_USERS} users, {LOCUST_SECONDS} s, realistic mix, page cache on")
    with Server():
        result = subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "tests" / "load" / "locustfile.py"),
                "--headless",
                "--host",
                f"http://{HOST}:{PORT}",
                "--users",
                str(LOCUST_USERS),
                "--spawn-rate",
                str(LOCUST_USERS),
                "--run-time",
                f"{LOCUST_SECONDS}s",
                "--stop-timeout",
                "5",
                "--only-summary",
                "--exit-code-on-error",
                "1",
            ],
            cwd=ROOT,
            env=ENV,
            check=False,
        )
    verdict = "no error" if result.returncode == 0 else "errors"
    print(f"locust exit code: {result.returncode} ({verdict})")
    return result.returncode == 0
