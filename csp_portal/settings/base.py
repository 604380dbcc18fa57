"""Settings shared by every environment. Everything read from the environment is read here.

With no DATABASE_URL the portal runs on SQLite, and with no REDIS_URL Celery tasks run
eagerly in the web process, so a fresh clone works with no services at all.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE

from csp_portal.lib.env import env, envbool, envint, envlist, envsecret

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# GENERAL
# ------------------------------------------------------------------------------
DEBUG = envbool("DJANGO_DEBUG", "False")
SECRET_KEY = envsecret("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS", "")
SERVICE_NAME = env("CSP_SERVICE_NAME", "CSP Portal")
# The service's own contact address, shown in the accessibility statement.
SERVICE_CONTACT_EMAIL = env("CSP_CONTACT_EMAIL", "csp-portal-support@example.org")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# GOV.UK style: "21 June 2019" (csp_portal/formats/en_GB overrides Django's en-GB formats).
FORMAT_MODULE_PATH = ["csp_portal.formats"]
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, g:ia"
SHORT_DATE_FORMAT = "j M Y"

# DATABASES
# ------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters are sent apart from the SQL, so psycopg prepares a query the fifth
    # time one connection runs it and PostgreSQL stops planning it again: most of the
    # cost of the permission and return lookups on every page (docs/performance.md).
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": envbool("DATABASE_SERVER_SIDE_BINDING", "True"),
        "prepare_threshold": envint("DATABASE_PREPARE_THRESHOLD", 5),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# APPS
# ------------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "guardian",
    "simple_history",
    "django_htmx",
    "axes",
    "csp",
]
LOCAL_APPS = [
    "csp_portal",
    "accounts",
    "partnerships",
    "priorities",
    "performance",
    "dhr",
    "funding",
    "documents",
    "demo",  # seed_demo and demo_logins; seed_demo refuses to run unless DEBUG is on
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

# AUTHENTICATION
# ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out sign-in never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Capabilities on partnerships and force areas, as the access helper answers them
    # (force-area roles included); guardian answers for every other object.
    "accounts.backends.PartnershipPermissionBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:sign_in"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# guardian: no anonymous user row; anonymous visitors never hold object permissions.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# Throttle repeated failed sign-ins (django-axes): after AXES_FAILURE_LIMIT failures
# for the same email address from the same IP address, that pair is locked out for
# AXES_COOLOFF_TIME.
AXES_FAILURE_LIMIT = envint("CSP_SIGN_IN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("CSP_SIGN_IN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Sign-in forms send the email address as "username" (Django's AuthenticationForm);
# axes would otherwise look for "email" (the USERNAME_FIELD) in some places and not others.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "csp_portal.lib.auth.axes_username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Behind a reverse proxy every request comes from the proxy's address, so failures would
# be counted for the proxy and one person's mistakes would pause everyone. Set
# CSP_TRUSTED_PROXY_COUNT to the number of proxies in front of the portal that each append
# the address they saw to X-Forwarded-For (docker-compose.yml: one, Caddy). The client is
# then the address that many entries from the right. With 0 (the default, for a portal
# reached directly) X-Forwarded-For is ignored: anyone can write one, and a spoofed
# address must not dodge the throttle. See csp_portal.lib.auth.client_ip_address.
CSP_TRUSTED_PROXY_COUNT = envint("CSP_TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "csp_portal.lib.auth.client_ip_address"

# Sessions end after CSP_SESSION_IDLE_MINUTES without activity, and after
# SESSION_COOKIE_AGE whatever happens (see csp_portal.lib.middleware).
# cached_db: read from the cache, written to both; with Redis down the cache misses and
# every session is read from the database (docs/faults.md).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = envint("CSP_SESSION_MAX_HOURS", 10) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_IDLE_TIMEOUT = envint("CSP_SESSION_IDLE_MINUTES", 60) * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# MIDDLEWARE
# ------------------------------------------------------------------------------
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the session, a token or a form: refuses NUL bytes and
    # oversized bodies (docs/hardening.md).
    "csp_portal.lib.middleware.RequestGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the session and CSRF middleware, so it sees the cookies they set.
    "csp_portal.lib.middleware.PrivateCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's, without the missing-slash redirect for POST, PUT, PATCH and DELETE.
    "csp_portal.lib.middleware.PortalCommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "csp_portal.lib.auth.PortalLoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages middleware: it tells the person why they were signed out.
    "csp_portal.lib.middleware.SessionIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]
ROOT_URLCONF = "csp_portal.urls"
WSGI_APPLICATION = "csp_portal.wsgi.application"

# REQUEST BODIES
# ------------------------------------------------------------------------------
# The largest file a person may upload (a performance upload's spreadsheet).
UPLOAD_MAX_BYTES = envint("CSP_UPLOAD_MAX_BYTES", 2 * 1024 * 1024)
# The largest request body: an upload plus the form around it. Larger bodies are refused
# with 413 before they are read: by the reverse proxy (deploy/Caddyfile, which is given
# this number) and again by csp_portal.lib.middleware.RequestGuardMiddleware.
# docker-compose.yml gives the proxy and the portal the same CSP_REQUEST_BODY_MAX_BYTES.
REQUEST_BODY_MAX_BYTES = envint("CSP_REQUEST_BODY_MAX_BYTES", UPLOAD_MAX_BYTES + 64 * 1024)
# Form fields and JSON bodies (everything but uploaded files) may be no larger.
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES

# TEMPLATES
# ------------------------------------------------------------------------------
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
                "csp_portal.lib.context_processors.service",
            ],
        },
    }
]
FORM_RENDERER = "csp_portal.lib.forms.GovukFormRenderer"

# STATIC AND MEDIA
# ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("CSP_MEDIA_ROOT") or BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FIXTURE_DIRS = [BASE_DIR / "fixtures" / "reference"]

# CACHE, CELERY
# ------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis down is a cache miss, not an error: docs/faults.md.
            "BACKEND": "csp_portal.lib.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "csp",
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
                # After a failure, leave Redis alone this long (per process).
                "RETRY_AFTER_SECONDS": 5,
            },
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # No broker configured: run tasks in the web process so the portal still works.
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task's message is acknowledged when the task ends, not when it starts, so a worker
# killed mid-task (SIGKILL, OOM, a lost host) leaves it on the queue to run again; every
# task is idempotent for that reason (docs/faults.md). Redis hands an unacknowledged
# message out again after the visibility timeout, so that must outlast the longest task
# (the hard time limit) or a slow task would be started twice. It is also how long a
# killed worker's task waits before it runs again.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Every process takes one message at a time (for every queue: the tasks are few and some
# are slow, so a reserved message must not wait behind a long one, nor for the visibility
# timeout when its worker dies).
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Tasks running when the worker loses the broker are cancelled and run again later (their
# acknowledgement could no longer be delivered); Celery 6's default.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": envint("CSP_CELERY_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 60),
    "socket_connect_timeout": 2,
    # A publish on a connection whose broker vanished without closing it (failover, NAT)
    # would otherwise wait forever, holding its outbox row's lock.
    "socket_timeout": 10,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
OUTBOX_RELAY_SECONDS = envint("CSP_OUTBOX_RELAY_SECONDS", 60)
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Publish the outbox rows whose publish after commit failed (csp_portal/lib/outbox.py).
    "outbox-relay": {
        "task": "csp_portal.tasks.outbox_relay",
        "schedule": OUTBOX_RELAY_SECONDS,
        # A relay left on the queue while no worker ran is dropped; the next one follows.
        "options": {"expires": OUTBOX_RELAY_SECONDS},
    },
}

# EMAIL
# ------------------------------------------------------------------------------
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "False")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "CSP Portal <no-reply@example.org>")

# SECURITY (tightened further in production.py)
# ------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "csp_portal.views.csrf_failure"
# Content security policy: nothing from other origins, no inline script except the
# one line that marks the page as JavaScript-enabled, which carries a nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # NONCE (the sentinel, not the string "'nonce'") becomes 'nonce-<random>' per response.
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# API
# ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its authenticate_header makes DRF answer an anonymous caller 401 with
    # WWW-Authenticate (session first would make it 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "csp_portal.lib.api.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Each viewset uses csp_portal.lib.api.CapabilityPermission (it cannot be named
    # here: DRF imports this setting while csp_portal.lib.api imports DRF).
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "csp_portal.lib.api_schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "csp_portal.lib.api.Pagination",
    "EXCEPTION_HANDLER": "csp_portal.lib.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["csp_portal.lib.api.JSONRenderer"],
    # Writes are JSON only: a form-encoded body is 415 (see docs/api.md).
    "DEFAULT_PARSER_CLASSES": ["csp_portal.lib.api.StrictJSONParser"],
    "DEFAULT_THROTTLE_RATES": {"user": "600/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CSP Portal API",
    "DESCRIPTION": "Plans, priorities, measures and quarterly returns of Community Safety Partnerships.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Several models have a "status"; name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "PlanStatusEnum": "priorities.models.Plan.Status",
        "ActionStatusEnum": "priorities.models.Action.Status",
        "ReturnStatusEnum": "performance.models.PerformanceReturn.Status",
    },
}

# LOGGING
# ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# PORTAL
# ------------------------------------------------------------------------------
# Where axe-core, htmx and GOV.UK Frontend come from (npm install puts them here).
NODE_MODULES = BASE_DIR / "node_modules"
# The address people use to reach the portal, for links in emails.
SITE_URL = env("CSP_SITE_URL", "http://localhost:8000").rstrip("/")
