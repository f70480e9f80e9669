"""gunicorn's settings for production (docs/deploy.md, section 4).

gunicorn reads this file from its working directory (the checkout); the command line
overrides any of it (`--bind`, `--workers`, `--access-logfile -`). Each value is set
here on purpose, even where it is gunicorn's default.
"""

import os

# nginx (docs/deploy.md, section 5) is the only client: loopback. A load balancer must
# never talk to gunicorn directly: a sync worker serves one connection at a time, so a
# few clients sending their headers slowly would hold every worker (nginx buffers whole
# requests before passing them on).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
worker_class = "sync"

# gunicorn trusts X-Forwarded-Proto (and -Protocol, -Ssl) from 127.0.0.1 by default and
# then tells Django the request came over HTTPS, whatever DJANGO_SECURE_PROXY_SSL_HEADER
# says: nginx forwarding a client's forged header would make plain HTTP look secure.
# Trust no one here; Django decides, from DJANGO_SECURE_PROXY_SSL_HEADER.
forwarded_allow_ips = ""

# A request that takes longer is killed (its worker restarted). Pages take milliseconds;
# the full CSV export is built in a background thread (practices.exports), a request
# waits for it a few seconds at most. Room left for a slow database on a busy server.
timeout = 60
graceful_timeout = 30
# Idle keep-alive connections from nginx hold a sync worker: keep them short.
keepalive = 2
# Request line and headers: gunicorn's limits (4094, 100, 8190), answered 400/414 by
# gunicorn itself.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

errorlog = "-"
