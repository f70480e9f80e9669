"""The portal's only settings module.

Every deployment-specific value comes from the environment; a value that cannot
be understood stops the start-up with a message naming the variable, rather than
running with a silently wrong configuration.
"""

import os
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .environment import (
    database_from_url,
    env_bool,
    env_choice,
    env_email,
    env_int,
    env_list,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off. Generate one with: "
            'python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# Public base URL for links in emails, which may be sent where the request's own host
# is a proxy's or an internal name; pages and feeds use the request's host.
SITE_URL = env_url("DJANGO_SITE_URL")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_filters",
    "csp",
    "axes",
    "simple_history",
    "import_export",
    "levers",
    "practices",
    "practices.alerts",
]

MIDDLEWARE = [
    # Security headers on every response, /healthz included: neither reads the Host
    # header, and /healthz is exempt from the HTTPS redirect (SECURE_REDIRECT_EXEMPT).
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "procurement_portal.health.HealthCheckMiddleware",
    # Static files are answered here, already compressed (gzip and brotli) by collectstatic.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are gzipped. BREACH: Django's GZipMiddleware pads the gzip header with random
    # bytes ("Heal The BREACH", Django ≥ 4.2) and CSRF tokens are masked anew on each
    # response, so a secret cannot be recovered by watching compressed lengths; public
    # pages carry no secret at all. Above ConditionalGet so that ETags describe the
    # uncompressed body (made weak here when compressed).
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    # Above sessions and CSRF, so that a cached page costs one query; below
    # ConditionalGet, so that cached pages are answered with 304 too.
    "procurement_portal.page_cache.AnonymousPageCacheMiddleware",
    # A view that meets an unreachable database answers 503 (procurement_portal.outage);
    # its process_exception runs for every view, so its place only needs to be above none
    # that could turn the error into something else.
    "procurement_portal.outage.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "procurement_portal.security.AdminNulGuardMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Needs the user: an admin form posted once the session ended shows what was typed.
    "procurement_portal.admin_session.KeepTextOnEndedSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # No-break spaces of French punctuation in public pages: below the page cache (pages
    # are stored set right), GZip, ETags and Content-Length (computed from the final bytes).
    "procurement_portal.typography.FrenchTypographyMiddleware",
    # Below the typography, which sets its French page too.
    "procurement_portal.errors.MethodNotAllowedPage",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

# django-axes first: it refuses a locked-out client before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "procurement_portal.urls"
WSGI_APPLICATION = "procurement_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "procurement_portal.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'portal.sqlite3'}"),
        BASE_DIR,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
# The admin's messages reworded where Django's French says « objet » (locale/fr).
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "var" / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "var" / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice(
            "DJANGO_LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}
        ),
    },
}

# Security -------------------------------------------------------------------
# Production values by default (debug off); each can be switched from the environment,
# e.g. DJANGO_SECURE_SSL_REDIRECT=0 for a local production-like run over plain HTTP.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers probe the health check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Behind a TLS-terminating proxy, trust its X-Forwarded-Proto only when told the proxy
# sets it (and strips the client's): otherwise any client could claim HTTPS.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https")
    if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False)
    else None
)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preload is opt-in: once a domain is in browsers' preload lists (with includeSubDomains),
# taking it out takes months, and an A+ on the Mozilla Observatory does not need it.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
# security.W021 only says that preload is off, which is the choice made above.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "procurement_portal.security.csrf_failure"

# Content-Security-Policy (django-csp 4): nothing inline, nothing from elsewhere. The
# admin runs under it too (Django's admin has no inline script; its rare inline
# styles are cosmetic and simply not applied).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# django-axes: after DJANGO_AXES_FAILURE_LIMIT failed admin logins from one client
# address, that address is refused for DJANGO_AXES_COOLOFF_MINUTES (French page,
# templates/axes/lockout.html). Attempts are stored in the database, so every app
# server behind a load balancer sees them.
AXES_FAILURE_LIMIT = env_int("DJANGO_AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DJANGO_AXES_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "procurement_portal.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "procurement_portal.security.client_ip"
# Number of reverse proxies in front of the app that append to X-Forwarded-For; 0 means
# the app faces clients directly and X-Forwarded-For, which anyone can send, is ignored.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)

# Caches. "default" holds the page cache and the facet labels: per-process memory is
# correct there (keys carry the content version read from the database), Redis only
# saves filling it once per process. "ratelimit" counts proposals per address and must
# be shared by every process that answers /proposer/, or each gunicorn worker would
# allow the limit again: Redis when REDIS_URL is set (several app servers), else files
# in PORTAL_RATE_LIMIT_CACHE_DIR, shared by the workers of one server (Django creates
# the directory; var/ is ignored by git).
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
# An hour, the rate-limit window (procurement_portal.rate_limit): django-ratelimit keys
# each count by its window, so an entry kept longer (the file cache's incr() rewrites it
# with this default timeout) is never read again.
_RATE_LIMIT_TIMEOUT = 3600
RATELIMIT_USE_CACHE = "ratelimit"
# A count the cache cannot give lets the submission through (see RateLimit._usage).
RATELIMIT_FAIL_OPEN = True
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("REDIS_URL must start with redis://, rediss:// or unix://.")
    # Checked here: Django imports the client only at the first cache call, which would
    # make every page a 500 while /healthz still answers 200.
    try:
        import redis  # noqa: F401
    except ImportError:
        raise ImproperlyConfigured(
            "REDIS_URL is set but the redis package is not installed: "
            "pip install '.[redis]' (docs/deploy.md), or unset REDIS_URL."
        ) from None
    _redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    CACHES = {
        "default": {**_redis, "KEY_PREFIX": "portal"},
        "ratelimit": {**_redis, "KEY_PREFIX": "portal-ratelimit", "TIMEOUT": _RATE_LIMIT_TIMEOUT},
    }
else:
    _rate_limit_dir = Path(
        os.environ.get("PORTAL_RATE_LIMIT_CACHE_DIR", "").strip() or BASE_DIR / "var" / "ratelimit"
    )
    if not _rate_limit_dir.is_absolute():
        _rate_limit_dir = BASE_DIR / _rate_limit_dir
    if _rate_limit_dir.exists() and not _rate_limit_dir.is_dir():
        raise ImproperlyConfigured(
            f"PORTAL_RATE_LIMIT_CACHE_DIR must be a directory; {_rate_limit_dir} is a file."
        )
    _page_cache_dir = Path(
        os.environ.get("PORTAL_PAGE_CACHE_DIR", "").strip() or BASE_DIR / "var" / "pagecache"
    )
    if not _page_cache_dir.is_absolute():
        _page_cache_dir = BASE_DIR / _page_cache_dir
    if "DJANGO_PAGE_CACHE_MAX_ENTRIES" in os.environ:
        # An entry count means nothing to the disk cache below: stopping here rather
        # than ignoring it, so that no deployment silently loses the bound it chose.
        raise ImproperlyConfigured(
            "DJANGO_PAGE_CACHE_MAX_ENTRIES is no longer read: the page cache is bounded "
            "in megabytes by DJANGO_PAGE_CACHE_MAX_MB (default 256). Replace it."
        )
    CACHES = {
        # Files indexed in SQLite, shared by the server's workers: a page one worker
        # built is served by all, and still while the database is down
        # (procurement_portal.outage); why diskcache: procurement_portal.disk_cache.
        # Bounded in bytes, the oldest stored entries going first: 256 MB hold ~3,400
        # pages of 75 KB; at least 16 MB, so that each shard's share holds two of the
        # largest pages (PAGE_CACHE_MAX_ENTRY_BYTES).
        "default": {
            "BACKEND": "procurement_portal.disk_cache.PageDiskCache",
            "LOCATION": _page_cache_dir,
            # Each shard is a SQLite file with its own write lock: four keep the default
            # three workers' writes apart, and each shard's bound (a quarter of the
            # total) many times the 2 MB a page may weigh.
            "SHARDS": 4,
            # Seconds a write waits for another worker's write lock, then gives up (the
            # page is not stored); reads take no lock. A write holds it ~0.5 ms: 50 ms
            # let one through behind three others culling, where diskcache's 10 ms would
            # drop it.
            "DATABASE_TIMEOUT": 0.05,
            "OPTIONS": {
                "size_limit": env_int("DJANGO_PAGE_CACHE_MAX_MB", 256, minimum=16) * 2**20,
                # SQLite's page cache per connection, kept between requests: 512 pages of
                # 4 KB, 8 MB per worker at most rather than diskcache's 32 MB per shard.
                "sqlite_cache_size": 2**9,
            },
        },
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": _rate_limit_dir,
            "TIMEOUT": _RATE_LIMIT_TIMEOUT,
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        },
    }
# Anonymous visitors' pages are cached this long at most (0: no page cache); any change
# to public content makes them stale at once (procurement_portal.page_cache).
PAGE_CACHE_SECONDS = env_int("DJANGO_PAGE_CACHE_SECONDS", 600)
# How long a page outlives its freshness, for stale-if-error: served only while the
# database is unreachable (procurement_portal.outage); the next version replaces it.
PAGE_CACHE_STALE_SECONDS = env_int("DJANGO_PAGE_CACHE_STALE_SECONDS", 7 * 24 * 3600)
# A larger page is built each time rather than stored: no single entry may take a large
# share of a worker's cache (the sitemap at 10,000 practices weighs ~1.5 MB).
PAGE_CACHE_MAX_ENTRY_BYTES = 2 * 2**20
# The full CSV export, written once per content version and served from there
# (practices.exports); one server's workers share it.
PORTAL_EXPORT_DIR = Path(
    os.environ.get("PORTAL_EXPORT_DIR", "").strip() or BASE_DIR / "var" / "exports"
)
if not PORTAL_EXPORT_DIR.is_absolute():
    PORTAL_EXPORT_DIR = BASE_DIR / PORTAL_EXPORT_DIR
# How long a request for it waits for a new file (built in the background) before it gets
# the previous version's file, or a 503 when there is none yet.
PORTAL_EXPORT_WAIT_SECONDS = env_int("PORTAL_EXPORT_WAIT_SECONDS", 3)
# `make bench` only: adds /bench/ping, the benchmark's ceiling (.ci/bench.py).
PORTAL_BENCH = env_bool("PORTAL_BENCH", False)

# Email ----------------------------------------------------------------------
# Development prints messages to the console; production sends them over SMTP.


EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost").strip() or "localhost"
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25, minimum=1)
if EMAIL_PORT > 65535:
    raise ImproperlyConfigured(f"DJANGO_EMAIL_PORT must be at most 65535; got {EMAIL_PORT}.")
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
# A mail server that hangs must not hold a visitor's request for long.
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_email(
    "DJANGO_DEFAULT_FROM_EMAIL",
    os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "").strip() or "ne-pas-repondre@localhost",
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who is told of each proposal sent through /proposer/.
PORTAL_EDITORS_EMAILS = [
    env_email("PORTAL_EDITORS_EMAILS", address) for address in env_list("PORTAL_EDITORS_EMAILS", [])
]
# Editors who opted into a daily summary of what awaits them (proposals, practices in
# review), sent by manage.py send_alerts; empty: no summary.
PORTAL_EDITORS_SUMMARY_EMAILS = [
    env_email("PORTAL_EDITORS_SUMMARY_EMAILS", address)
    for address in env_list("PORTAL_EDITORS_SUMMARY_EMAILS", [])
]
# Where contributors exercise their rights over their personal data (GDPR notice of
# /proposer/ and the acknowledgement email); defaults to the first editor address.
PORTAL_PRIVACY_EMAIL = (
    env_email("PORTAL_PRIVACY_EMAIL", os.environ["PORTAL_PRIVACY_EMAIL"].strip())
    if os.environ.get("PORTAL_PRIVACY_EMAIL", "").strip()
    else (PORTAL_EDITORS_EMAILS[0] if PORTAL_EDITORS_EMAILS else "")
)

# Contributions ----------------------------------------------------------------
# At most this many proposals per client address per hour (counted in the "ratelimit"
# cache: shared by one server's workers, and by all app servers when REDIS_URL is set).
PORTAL_PROPOSALS_PER_HOUR = env_int("PORTAL_PROPOSALS_PER_HOUR", 5, minimum=1)
# Filtered CSV exports per client address per hour (the full export is not limited: it
# is served from a file).
PORTAL_EXPORTS_PER_HOUR = env_int("PORTAL_EXPORTS_PER_HOUR", 60, minimum=1)
# Alert requests (/alertes/) per client address per hour, counted like proposals.
PORTAL_ALERTS_PER_HOUR = env_int("PORTAL_ALERTS_PER_HOUR", 5, minimum=1)
# Contributors' names and emails are erased this many months after their proposal
# (manage.py purge_contributions, run daily); stated in the form's privacy notice.
PORTAL_CONTRIBUTION_RETENTION_MONTHS = env_int(
    "PORTAL_CONTRIBUTION_RETENTION_MONTHS", 24, minimum=1
)

# Contact messages (/contact/) --------------------------------------------------------
# Messages sent to the editors through /contact/ are deleted this many months after they
# were received (manage.py purge_contributions, run daily); stated at /donnees-personnelles/.
PORTAL_CONTACT_RETENTION_MONTHS = env_int("PORTAL_CONTACT_RETENTION_MONTHS", 12, minimum=1)

# Legal pages ------------------------------------------------------------------------
# Facts only the deployer knows, shown in the editable legal texts through their
# {{ placeholders }} (practices/legal.py); an empty one shows « à renseigner » there.
PORTAL_PUBLISHER_NAME = os.environ.get("PORTAL_PUBLISHER_NAME", "").strip()
PORTAL_PUBLISHER_ADDRESS = os.environ.get("PORTAL_PUBLISHER_ADDRESS", "").strip()
PORTAL_PUBLICATION_DIRECTOR = os.environ.get("PORTAL_PUBLICATION_DIRECTOR", "").strip()
PORTAL_HOST_NAME = os.environ.get("PORTAL_HOST_NAME", "").strip()
PORTAL_HOST_ADDRESS = os.environ.get("PORTAL_HOST_ADDRESS", "").strip()
PORTAL_HOST_PHONE = os.environ.get("PORTAL_HOST_PHONE", "").strip()
PORTAL_SERVER_LOG_RETENTION_MONTHS = env_int("PORTAL_SERVER_LOG_RETENTION_MONTHS", 12, minimum=1)
# The RGAA state of conformity the footer of every page states, error pages included
# (which are drawn without the database): only a full RGAA audit may raise it.
ACCESSIBILITY_STATUSES = ("non conforme", "partiellement conforme", "totalement conforme")
PORTAL_ACCESSIBILITY_STATUS = (
    os.environ.get("PORTAL_ACCESSIBILITY_STATUS", "").strip().lower() or "non conforme"
)
if PORTAL_ACCESSIBILITY_STATUS not in ACCESSIBILITY_STATUSES:
    raise ImproperlyConfigured(
        f"PORTAL_ACCESSIBILITY_STATUS must be one of {', '.join(ACCESSIBILITY_STATUSES)}; "
        f"got {PORTAL_ACCESSIBILITY_STATUS!r}."
    )
