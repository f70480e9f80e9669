# ruff: noqa: S603 - a benchmark runs its own commands, nothing from outside
"""gunicorn serving the portal on the loopback, one request to it, its workers' memory."""

import http.client
import subprocess
import sys
import time
from pathlib import Path

from benchlib.config import (
    BIN,
    ENV,
    EXPORT_TIMEOUT,
    HOST,
    PORT,
    ROOT,
    WORKERS,
)


class Server:
    def __init__(self, env=None):
        self.env = {**(env or ENV), "DJANGO_PAGE_CACHE_SECONDS": "600"}
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "procurement_portal.wsgi",
                "--bind",
                f"{HOST}:{PORT}",
                "--workers",
                str(WORKERS),
                "--log-level",
                "warning",
                # Room for a slow request on a loaded machine (the CSV export is built
                # outside requests since issue 17, see run_pages).
                "--timeout",
                str(EXPORT_TIMEOUT),
            ],
            cwd=ROOT,
            env=self.env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                status, _, _ = request("/healthz")
                if status == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        sys.exit("gunicorn did not answer /healthz within 30 s")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


def request(path, headers=None, connection=None, timeout=30):
    conn = connection or http.client.HTTPConnection(HOST, PORT, timeout=timeout)
    conn.request("GET", path, headers={"Host": HOST, **(headers or {})})
    response = conn.getresponse()
    body = response.read()
    if connection is None:
        conn.close()
    return response.status, response.headers, body


def worker_rss(master):
    """{pid: resident memory in MB} of a gunicorn master's workers."""
    rss = {}
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return rss
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss[int(pid)] = int(line.split()[1]) / 1024
    return rss
