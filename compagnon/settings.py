"""Settings for compagnon, read from the environment.

Every variable is documented in README.md and .env.example. Development works
with no variable set; production (COMPAGNON_ENV=production) refuses to start
without a real SECRET_KEY and ALLOWED_HOSTS.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from compagnon.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

ENVIRONMENT = env_choice("COMPAGNON_ENV", ("development", "production", "test"), "development")
TESTING = ENVIRONMENT == "test" or "pytest" in sys.modules
PRODUCTION = ENVIRONMENT == "production"

VAR_DIR = Path(env_str("COMPAGNON_VAR_DIR") or BASE_DIR / "var")

_DEV_SECRET = "dev-only-secret-key-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY") or _DEV_SECRET
DEBUG = env_bool("DEBUG", default=not PRODUCTION and not TESTING)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

if PRODUCTION:
    if (
        SECRET_KEY == _DEV_SECRET
        or len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
        or SECRET_KEY.startswith("django-insecure")
    ):
        raise ImproperlyConfigured(
            "SECRET_KEY must be a random value of at least 50 characters in production "
            '(python -c "import secrets; print(secrets.token_urlsafe(64))").'
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names in production.")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production.")

SITE_NAME = env_str("SITE_NAME", "compagnon")
# In development the links in emails follow the port `make run` serves (Makefile PORT → env).
DEV_PORT = env_int("PORT", 8000, minimum=1)
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{DEV_PORT}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_htmx",
    "template_partials",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "django_tasks",
    "django_tasks_db",
    "compagnon.core",
    "compagnon.accounts",
    "compagnon.members",
    "compagnon.cases",
    "compagnon.matching",
    "compagnon.workshops",
    "compagnon.knowledge",
    "compagnon.news",
    "compagnon.newsletter",
    "compagnon.challenges",
    "compagnon.awards",
    "compagnon.benchathons",
    "compagnon.careers",
    "compagnon.desk",
    "compagnon.learning",
    "compagnon.escape",
    "compagnon.insights",
    "compagnon.engagements",
    "compagnon.api",
    "compagnon.webhooks",
    "compagnon.site",
    "compagnon.sso",
    "compagnon.chat",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "compagnon.core.middleware.PrivateStoreUnavailableMiddleware",
]

ROOT_URLCONF = "compagnon.urls"
WSGI_APPLICATION = "compagnon.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "compagnon" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "compagnon.site.context_processors.site",
            ],
        },
    }
]

# Database: embedded SQLite unless DATABASE_URL names another database.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {error}") from None
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "compagnon.sqlite3"),
            "OPTIONS": {
                # WAL lets the web server read while the worker writes; IMMEDIATE
                # takes the write lock at BEGIN, so two writers queue instead of
                # failing half-way with "database is locked".
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "compagnon_cache",
        }
    }
if TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work: django-tasks. "db" needs no extra service; "rq" scales out on Redis.
TASKS_BACKEND = env_choice(
    "TASKS_BACKEND", ("db", "rq", "immediate"), "immediate" if TESTING else "db"
)
if TASKS_BACKEND == "rq":
    if not REDIS_URL:
        raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL.")
    INSTALLED_APPS.append("django_tasks_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "db":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: new sessions record it, and it reads the user with their person (one query).
    # The two after it keep sessions opened before it existed valid.
    "compagnon.accounts.backends.MemberBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "site:home"

# django-allauth: email is the login; sign-up is closed unless invited or the
# address belongs to an active member organisation (see accounts.adapter).
ACCOUNT_ADAPTER = "compagnon.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("LOGIN_RATE_LIMIT", "10/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
if TESTING:
    ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
SIGNUP_OPEN = env_bool("SIGNUP_OPEN", default=False)
# Single sign-on: one company login per member organisation, configured in the admin
# (compagnon.sso). Accounts are linked to imported profiles only, on a verified address.
SOCIALACCOUNT_ADAPTER = "compagnon.sso.adapter.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env_int("SSO_REQUESTS_TIMEOUT", 10, minimum=1)

# Email: console in development, SMTP when EMAIL_HOST is set. Every message
# goes through the task queue after the transaction commits (core.email).
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=EMAIL_PORT == 465)
    EMAIL_TIMEOUT = 20
elif PRODUCTION:
    raise ImproperlyConfigured("EMAIL_HOST must be set in production: the platform sends email.")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <noreply@localhost>")
# The sweep (core_tick, worker start) queues again an unsent email whose task is older than
# this (a worker killed mid-send), up to EMAIL_MAX_ATTEMPTS attempts.
EMAIL_REQUEUE_AFTER_MINUTES = env_int("EMAIL_REQUEUE_AFTER_MINUTES", 5, minimum=1)
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", 5, minimum=1)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Internationalisation: French first, English available.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = BASE_DIR / "node_modules"
# The image drops node_modules once collectstatic has copied these into STATIC_ROOT: only
# the folders present are listed (compagnon.W001 warns when neither copy is there).
STATICFILES_DIRS = [
    (prefix, folder)
    for prefix, folder in [
        ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
        # Charts: Vega-Lite specs drawn in the page by vega-embed (see compagnon/core/charts.py).
        ("vendor/vega", NODE_MODULES / "vega" / "build"),
        ("vendor/vega-lite", NODE_MODULES / "vega-lite" / "build"),
        ("vendor/vega-embed", NODE_MODULES / "vega-embed" / "build"),
        ("vendor/vega-interpreter", NODE_MODULES / "vega-interpreter" / "build"),
        ("vendor/vega-util", NODE_MODULES / "vega-util" / "build"),
    ]
    if folder.is_dir()
]
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
PRIVATE_ROOT = VAR_DIR / "private"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Files never served by URL (compagnon/core/storage.py): PRIVATE_ROOT, or S3 (below).
    "private": {"BACKEND": "compagnon.core.storage.PrivateStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)

# Security. No inline scripts or styles anywhere, so the policy can be strict.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # The nonce admits one inline block only: the import map that lets charts.js load Vega's
        # expression interpreter (base.html). No inline code runs.
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # Video cards load the player only after a click, from the no-cookie hosts only.
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "media-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    if not SECURE_HSTS_PRELOAD:
        # Turning preload off is a deliberate operator choice, not an oversight.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    if env_bool("BEHIND_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

DIRECTORY_PAGE_SIZE = env_int("DIRECTORY_PAGE_SIZE", 24, minimum=1)

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 14, minimum=1)
# Personal data: how long the text of a sent email is kept (the log of who got what stays).
OUTBOX_RETENTION_DAYS = env_int("OUTBOX_RETENTION_DAYS", 90, minimum=1)

# Cases: the email and chat doors, and the announcement of opened cases.
CASES_INBOUND_EMAIL_SECRET = env_str("CASES_INBOUND_EMAIL_SECRET")
CASES_INBOUND_EMAIL_MAX_BYTES = env_int(
    "CASES_INBOUND_EMAIL_MAX_BYTES", 10 * 1024 * 1024, minimum=1024
)
# The From header proves nothing: a draft by email waits for the member to confirm it
# from a signed link sent to their registered address, valid this many days...
CASES_INBOUND_CONFIRM_DAYS = env_int("CASES_INBOUND_CONFIRM_DAYS", 7, minimum=1)
# ...unless the operator trusts the Authentication-Results header that their own mail
# server (this authserv-id) adds: DKIM or SPF pass for the sender's domain. Empty: never.
CASES_INBOUND_TRUSTED_AUTHSERV_ID = env_str("CASES_INBOUND_TRUSTED_AUTHSERV_ID")
# Replies to addresses the club does not know: at most this many per address per hour,
# and this many in all per hour (no backscatter floods).
CASES_INBOUND_UNKNOWN_REPLIES_PER_ADDRESS = env_int(
    "CASES_INBOUND_UNKNOWN_REPLIES_PER_ADDRESS", 1, minimum=0
)
CASES_INBOUND_UNKNOWN_REPLIES_PER_HOUR = env_int(
    "CASES_INBOUND_UNKNOWN_REPLIES_PER_HOUR", 20, minimum=0
)
CHAT_COMMAND_TOKEN = env_str("CHAT_COMMAND_TOKEN")
CHAT_WEBHOOK_URL = env_str("CHAT_WEBHOOK_URL")
# A chat account is linked to a person by a one-time code typed in the chat, valid this long.
CHAT_LINK_CODE_MINUTES = env_int("CHAT_LINK_CODE_MINUTES", 15, minimum=1)
# Invitation buttons: the chat server calls back with a token made from this secret
# (empty: no invitation goes to the chat). The digest goes here, else to CHAT_WEBHOOK_URL.
CHAT_ACTIONS_SECRET = env_str("CHAT_ACTIONS_SECRET")
CHAT_DIGEST_WEBHOOK_URL = env_str("CHAT_DIGEST_WEBHOOK_URL")
# A bot on the chat server's REST API (Mattermost /api/v4): with both set, invitations go
# as direct messages to the linked chat user id, never to a name (docs/chat.md).
CHAT_API_URL = env_str("CHAT_API_URL")
CHAT_BOT_TOKEN = env_str("CHAT_BOT_TOKEN")

# Matching: how many people of one organisation an invitation set may hold,
# how long a case invitation stays open, when the one reminder goes out.
MATCHING_ORGANISATION_CAP = env_int("MATCHING_ORGANISATION_CAP", 2, minimum=1)
MATCHING_INVITATION_SET_SIZE = env_int("MATCHING_INVITATION_SET_SIZE", 8, minimum=1)
# Optional sentence-embedding model: a local directory (never downloaded); empty = off.
MATCHING_SENTENCE_MODEL = env_str("MATCHING_SENTENCE_MODEL", "")
CASE_INVITATION_VALID_DAYS = env_int("CASE_INVITATION_VALID_DAYS", 10, minimum=1)
CASE_INVITATION_REMINDER_DAYS = env_int("CASE_INVITATION_REMINDER_DAYS", 5, minimum=1)

# Workshops: how long a promoted person has to confirm a seat, when reminders go
# (comma-separated offsets before the start: 48h, 2h, 30m, 1d), upload size, page size.
WORKSHOP_OFFER_HOURS = env_int("WORKSHOP_OFFER_HOURS", 24, minimum=1)
# How long a visitor's emailed link to confirm a public workshop registration works.
WORKSHOP_VISITOR_LINK_HOURS = env_int("WORKSHOP_VISITOR_LINK_HOURS", 48, minimum=1)
WORKSHOP_REMINDERS = env_str("WORKSHOP_REMINDERS", "48h,2h")
WORKSHOP_UPLOAD_MAX_MB = env_int("WORKSHOP_UPLOAD_MAX_MB", 50, minimum=1)
WORKSHOP_CALENDAR_PAGE_SIZE = env_int("WORKSHOP_CALENDAR_PAGE_SIZE", 20, minimum=1)

# Newsletter: sending batches, double opt-in, signed links, the public form's rate limit.
NEWSLETTER_BATCH_SIZE = env_int("NEWSLETTER_BATCH_SIZE", 200, minimum=1)
NEWSLETTER_CONFIRM_RESEND_MINUTES = env_int("NEWSLETTER_CONFIRM_RESEND_MINUTES", 15, minimum=0)
NEWSLETTER_CONFIRM_MAX_AGE_DAYS = env_int("NEWSLETTER_CONFIRM_MAX_AGE_DAYS", 7, minimum=1)
NEWSLETTER_UNSUBSCRIBE_MAX_AGE_DAYS = env_int("NEWSLETTER_UNSUBSCRIBE_MAX_AGE_DAYS", 400, minimum=1)
NEWSLETTER_SUBSCRIBE_RATE_LIMIT = env_int("NEWSLETTER_SUBSCRIBE_RATE_LIMIT", 5, minimum=1)
NEWSLETTER_SUBSCRIBE_RATE_WINDOW = env_int("NEWSLETTER_SUBSCRIBE_RATE_WINDOW", 600, minimum=1)
# The desk's public doors (/join/, /contact/): posts per address and form, per window.
DESK_PUBLIC_POST_RATE_LIMIT = env_int("DESK_PUBLIC_POST_RATE_LIMIT", 5, minimum=1)
DESK_PUBLIC_POST_RATE_WINDOW = env_int("DESK_PUBLIC_POST_RATE_WINDOW", 3600, minimum=1)
NEWSLETTER_UNSUBSCRIBE_MAILTO = env_str("NEWSLETTER_UNSUBSCRIBE_MAILTO")

# Challenges: upload sizes, zip-bomb ceiling, when a scoring run counts as stuck.
CHALLENGE_SUBMISSION_MAX_MB = env_int("CHALLENGE_SUBMISSION_MAX_MB", 200, minimum=1)
CHALLENGE_DATA_FILE_MAX_MB = env_int("CHALLENGE_DATA_FILE_MAX_MB", 2048, minimum=1)
CHALLENGE_ZIP_MAX_UNCOMPRESSED_MB = env_int("CHALLENGE_ZIP_MAX_UNCOMPRESSED_MB", 4096, minimum=1)
CHALLENGE_SCORING_STALE_MINUTES = env_int("CHALLENGE_SCORING_STALE_MINUTES", 10, minimum=1)
CHALLENGE_SCORING_MAX_ATTEMPTS = env_int("CHALLENGE_SCORING_MAX_ATTEMPTS", 3, minimum=1)

# Insights: the computed figures pages read are recomputed nightly; older than this, stale.
INSIGHTS_MAX_AGE_HOURS = env_int("INSIGHTS_MAX_AGE_HOURS", 26, minimum=1)

# API: requests per token and window (429 with Retry-After past it), kept in the cache.
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "600/min")
# Webhooks: attempts per delivery (backoff doubles from WEBHOOK_RETRY_BASE_SECONDS), failures
# in a row before an endpoint is switched off, and whether endpoints may resolve to loopback
# addresses (tests and development only: production refuses private and loopback targets).
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 6, minimum=1)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 30, minimum=1)
WEBHOOK_DISABLE_AFTER_FAILURES = env_int("WEBHOOK_DISABLE_AFTER_FAILURES", 10, minimum=1)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
WEBHOOK_ALLOW_LOOPBACK = env_bool("WEBHOOK_ALLOW_LOOPBACK", DEBUG or TESTING)
# HTTPS receivers: certificates are always verified, against the system's CAs (or
# SSL_CERT_FILE's) plus this PEM file of further CAs (a receiver behind a private CA).
WEBHOOK_CA_BUNDLE = env_str("WEBHOOK_CA_BUNDLE")
if WEBHOOK_CA_BUNDLE and not Path(WEBHOOK_CA_BUNDLE).is_file():
    raise ImproperlyConfigured(f"WEBHOOK_CA_BUNDLE={WEBHOOK_CA_BUNDLE} is not a readable file.")
# Operations (compagnon.ops, docs/operations.md): queues, health, logs, metrics, errors, storage.
INSTALLED_APPS.append("compagnon.ops")
# Tasks are routed by their decorator (`@task(queue_name="email")`); every backend knows all
# four queues. The database worker serves them all; RQ runs a worker per queue.
TASK_QUEUES = ["default", "email", "scoring", "insights"]
TASKS["default"]["QUEUES"] = TASK_QUEUES
if TASKS_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {queue: {"URL": REDIS_URL} for queue in TASK_QUEUES}
    # rqworker and the scheduler must build django-tasks' job, which calls the Task.
    RQ = {"JOB_CLASS": "django_tasks_rq.backend.Job"}
# Scale-out: with Redis, sessions are read from it (the database keeps them through a flush).
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Public uploads on S3 (or any S3-compatible store) when S3_BUCKET is set; credentials come
# from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or the instance role), as boto3 reads them.
S3_BUCKET = env_str("S3_BUCKET")
# A private video played in the page (lessons) keeps its presigned link for a viewing.
S3_PRIVATE_MEDIA_URL_SECONDS = env_int("S3_PRIVATE_MEDIA_URL_SECONDS", 4 * 3600, minimum=60)
if S3_BUCKET:
    _s3_store = {
        "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
        "region_name": env_str("S3_REGION") or None,
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3_store,
            "bucket_name": S3_BUCKET,
            "custom_domain": env_str("S3_CUSTOM_DOMAIN") or None,
            "location": "media",
            "file_overwrite": False,
            "querystring_auth": env_bool("S3_QUERYSTRING_AUTH", default=False),
        },
    }
    # Private files in the same bucket (or S3_PRIVATE_BUCKET) under private/: no public ACL,
    # presigned links of S3_PRIVATE_URL_SECONDS after the permission check, no custom domain.
    S3_PRIVATE_BUCKET = env_str("S3_PRIVATE_BUCKET") or S3_BUCKET
    STORAGES["private"] = {
        "BACKEND": "compagnon.core.s3.PrivateS3Storage",
        "OPTIONS": {
            **_s3_store,
            "bucket_name": S3_PRIVATE_BUCKET,
            "location": "private",
            "querystring_expire": env_int("S3_PRIVATE_URL_SECONDS", 60, minimum=5),
        },
    }
    # Lesson videos play from their presigned link: the page may load media from the store.
    _s3_endpoint = urlsplit(env_str("S3_ENDPOINT_URL"))
    _media_src: list[str] = CONTENT_SECURITY_POLICY["DIRECTIVES"]["media-src"]  # type: ignore[assignment,index]
    _media_src += (
        [
            f"{_s3_endpoint.scheme}://{_s3_endpoint.netloc}",
            f"{_s3_endpoint.scheme}://*.{_s3_endpoint.netloc}",
        ]
        if _s3_endpoint.netloc
        else ["https://*.amazonaws.com"]
    )
# Request ids in every log line; JSON lines in production (LOG_FORMAT=text|json).
MIDDLEWARE.insert(0, "compagnon.ops.requestid.RequestIdMiddleware")
LOG_FORMAT = env_choice("LOG_FORMAT", ("text", "json"), "json" if PRODUCTION else "text")
LOGGING["filters"] = {"request_id": {"()": "compagnon.ops.logs.RequestIdFilter"}}
LOGGING["formatters"] = {
    "json": {"()": "compagnon.ops.logs.JsonFormatter"},
    "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
}
LOGGING["handlers"]["console"].update(formatter=LOG_FORMAT, filters=["request_id"])
# Readiness (/healthz/ready, manage.py healthcheck): a monitor's token, and its thresholds.
HEALTHCHECK_TOKEN = env_str("HEALTHCHECK_TOKEN")
HEALTH_QUEUE_MAX_DEPTH = env_int("HEALTH_QUEUE_MAX_DEPTH", 1000, minimum=1)
HEALTH_WORKER_MAX_SILENCE_SECONDS = env_int("HEALTH_WORKER_MAX_SILENCE_SECONDS", 120, minimum=20)
# Prometheus metrics at /metrics, only with METRICS_TOKEN (the scraper's bearer token).
METRICS_TOKEN = env_str("METRICS_TOKEN")
if METRICS_TOKEN:
    INSTALLED_APPS.append("django_prometheus")
    MIDDLEWARE.insert(0, "django_prometheus.middleware.PrometheusBeforeMiddleware")
    MIDDLEWARE.append("django_prometheus.middleware.PrometheusAfterMiddleware")
# Error reports to Sentry (or GlitchTip) only when SENTRY_DSN is set; no personal data sent.
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    import sentry_sdk

    try:
        _traces = float(env_str("SENTRY_TRACES_SAMPLE_RATE", "0"))
    except ValueError:
        raise ImproperlyConfigured(
            "SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1."
        ) from None
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=ENVIRONMENT,
        release=env_str("COMPAGNON_RELEASE") or None,
        send_default_pii=False,
        traces_sample_rate=_traces,
    )
# Backups (manage.py backup / restore): where the backup folders go.
BACKUP_DIR = Path(env_str("BACKUP_DIR") or VAR_DIR / "backups")
