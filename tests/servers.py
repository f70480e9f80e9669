"""Real servers for the tests that need one: a fresh interpreter or a gunicorn serving the
portal with only the test's own configuration, and plain HTTP requests to it."""

import http.client
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

# What configures the portal: a subprocess a test starts gets none of this shell's values
# (a developer's REDIS_URL or DATABASE_URL must not leak into it), only the test's own.
PORTAL_VARIABLES = ("DJANGO_", "DATABASE_", "REDIS_", "PORTAL_", "PYTEST_")
ROOT = Path(__file__).resolve().parent.parent


def portal_environment(**env):
    """This shell's environment without any of the portal's variables, plus `env`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(PORTAL_VARIABLES)}
    return {**clean, "DJANGO_SETTINGS_MODULE": "procurement_portal.settings", **env}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_request(port, method, path, body=None, headers=None):
    """One request to 127.0.0.1:port: (status, headers, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


@contextmanager
def gunicorn_server(env, workers=1, extra_args=()):
    """A real gunicorn serving the portal with `env` (see portal_environment), once
    /healthz answers 200: yields (process, port)."""
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "procurement_portal.wsgi",
            *("--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"),
            *extra_args,
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if http_request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not start within 60 s"
            assert server.poll() is None, "gunicorn exited"
            time.sleep(0.2)
        yield server, port
    finally:
        server.terminate()
        server.wait(timeout=30)
