"""The one settings file. Everything that differs between machines comes from the environment.

Defaults are the safe production ones: DEBUG is off unless asked for, and without DEBUG a
SECRET_KEY must be given. `make run` asks for DEBUG and gets SQLite and in-process tasks.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = env("SECRET_KEY")
SECRET_KEY_FROM_ENVIRONMENT = bool(SECRET_KEY)
if not SECRET_KEY:
    # Management commands (migrations, checks, tests) may run without one; a random key is
    # safe for them. The web and worker entry points refuse to start without a real one, and
    # `check --deploy` reports it (coop.checks), because a key that changes on every restart
    # would sign people out and break emailed links.
    SECRET_KEY = (
        "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105
        if DEBUG
        else secrets.token_urlsafe(50)
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.saml",
    "guardian",
    "django_htmx",
    "import_export",
    "rest_framework",
    "drf_spectacular",
    "coop",
    "placements",
    "reports",
    "rubrics",
    "surveys",
    "consortium",
    "api",
]

MIDDLEWARE = [
    "coop.rls.RowLevelSecurityMiddleware",  # every request runs as the database role of the app
    "coop.health.HealthCheckMiddleware",  # first: the container's probe has no production host
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "coop.middleware.RequestSizeLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "coop.middleware.UserLanguageMiddleware",
    "coop.middleware.TenantMiddleware",
]

# Bodies over these are refused before they are read (the largest upload is a 20 MB scan).
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 25 * 1024 * 1024)
ANONYMOUS_REQUEST_MAX_BYTES = env_int("ANONYMOUS_REQUEST_MAX_BYTES", 1024 * 1024)

# A consortium's shared figures (consortium.selectors) show no cell counting fewer people than
# this: such a cell reads "fewer than 5" (small counts could name a student).
CONSORTIUM_MIN_COUNT = env_int("CONSORTIUM_MIN_COUNT", 5)

ROOT_URLCONF = "coop.urls"
WSGI_APPLICATION = "coop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coop.context_processors.portal",
            ],
            "builtins": ["coop.templatetags.access"],
        },
    },
]

# Database: PostgreSQL in production (DATABASE_URL), an SQLite file otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # A transaction takes the write lock when it begins: two that read and then write (a request
    # and the PDF render queued by the one before it, running after its response) wait for each
    # other instead of one failing at once with "database is locked".
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
elif "postgresql" in DATABASES["default"]["ENGINE"]:
    # No JIT: a list search's estimated cost (trigram scans) crosses jit_above_cost, and compiling
    # takes longer (15-100 ms) than the short queries of a web page ever run.
    # Server-side cursors (QuerySet.iterator: exports, scans) are always read to the end: plan
    # them for every row, not for the first 10 % (PostgreSQL's default picked nested loops that
    # made a 100,000-row export 60 % slower).
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options["options"] = f"{_pg_options.get('options', '')} -c jit=off -c cursor_tuple_fraction=1.0".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: cache, rate limits and the Celery broker. Without it, local memory and eager tasks.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    # Fails open (coop.cache): with Redis down, sign-in and pages work, rate limits pause.
    CACHES = {
        "default": {
            "BACKEND": "coop.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# Eager tasks queued while answering a request run once its response has been sent (coop/tenant_tasks.py).
TASKS_AFTER_RESPONSE = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Faults (coop.tenant_tasks): a worker keeps reconnecting to a restarted Redis instead of
# exiting, and cancels (for redelivery) the late-acknowledged tasks it held when it lost it.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Publishing gives up after ~1 s with the broker down: the request stays fast and the sweeper
# queues the work later (coop.sweeper).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.3, "interval_max": 0.5}
CELERY_TIMEZONE = "Asia/Tokyo"
# Redis redelivers an unacknowledged task after this many seconds (a worker that died): longer
# than any task runs (or waits for a retry, <= 30 s), short enough that nothing waits 5 minutes.
# A new worker sweeps for such tasks every interval x throttle seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 180),
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 3),
    "socket_connect_timeout": 2,
    "socket_timeout": 10,
}
# Beat runs a short fixed schedule; what is due lives in the database (see DESIGN.md). Each
# run happens once per period even with two beats (coop.tenant_tasks.scheduled_task), and each
# is harmless when doubled. The sweeper queues again whatever a lost message left unfinished.
CELERY_BEAT_SCHEDULE = {
    "reminders-scan": {"task": "coop.tasks.reminders_scan", "schedule": 300.0},
    "digests-send": {"task": "coop.tasks.digests_send", "schedule": 120.0},
    "worker-heartbeat": {"task": "coop.tasks.worker_heartbeat", "schedule": 60.0},
    "sweep": {"task": "coop.tasks.sweep", "schedule": 60.0},
}

AUTH_USER_MODEL = "coop.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# scrypt (memory-hard, in the standard library) hashes new passwords: Django's default PBKDF2 at
# 1.5 million rounds took 0.3 s on an idle core and over 1 s on a busy one, for every account
# set up from an invitation. Older PBKDF2 hashes still verify and are upgraded at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
if env_bool("FAST_PASSWORD_HASHER"):  # tests and benchmarks only
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "coop:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: email is the login; people join through invitations, not open sign-up.
ACCOUNT_ADAPTER = "coop.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True  # outside partner people sign in with an emailed code
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Behind the README's proxy every request comes from the proxy: count that many proxies back
# in X-Forwarded-For to find the client (0: no proxy, the peer is the client).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "request_login_code": "20/m/ip,3/m/key",
    # Entries from the public project index (placements.views.entries): per client address,
    # and per email address entered (each sends a confirmation email to that address).
    "entry": "20/h/ip",
    "entry_email": "3/h/key",
}
# Email subjects start with the institution's name ("[金沢工業大学] "), or the portal's name in
# account emails; EMAIL_SUBJECT_PREFIX replaces both when set (coop.mail.subject_prefix).
EMAIL_SUBJECT_PREFIX = env("EMAIL_SUBJECT_PREFIX", "")
ACCOUNT_EMAIL_SUBJECT_PREFIX = EMAIL_SUBJECT_PREFIX or None

# Institution sign-in (SAML, GakuNin): one identity provider per tenant, configured on the
# tenant's settings page (coop.saml builds allauth's app from it; no SocialApp rows).
SOCIALACCOUNT_ADAPTER = "coop.adapters.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {"saml": {"provider_class": "coop.saml_provider.TenantSAMLProvider"}}
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # an address never signs in on its own (coop.adapters)
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # the institution vouches for the address it sends
SOCIALACCOUNT_STORE_TOKENS = False
# The button is a link (GET) to /accounts/saml/<tenant>/login/, which redirects to the identity
# provider: a form posting there would be stopped by the pages' CSP (form-action 'self' also
# covers the redirect after a form). Starting a SAML sign-in by link only leads the visitor to
# their institution's own sign-in page.
SOCIALACCOUNT_LOGIN_ON_GET = True
# The SP's own certificate and key (PEM files) for GakuNin's metadata: IdPs encrypt to it.
SAML_SP_CERTIFICATE = Path(env("SAML_SP_CERT_FILE")).read_text() if env("SAML_SP_CERT_FILE") else ""
SAML_SP_PRIVATE_KEY = Path(env("SAML_SP_KEY_FILE")).read_text() if env("SAML_SP_KEY_FILE") else ""

GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # no guardian anonymous user row

INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 14)
# How long the emailed link that confirms an entry from the public project index works.
ENTRY_CONFIRM_HOURS = env_int("ENTRY_CONFIRM_HOURS", 48)
# Entries never confirmed are forgotten (with their file) this many days after their link expired.
ENTRY_KEEP_UNCONFIRMED_DAYS = env_int("ENTRY_KEEP_UNCONFIRMED_DAYS", 7)

# Email (Django 6.1 MAILERS). EMAIL_BACKEND picks the backend; SMTP options apply to SMTP only.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "coop-portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_email_backend = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
_email_options = {}
if _email_backend.endswith("smtp.EmailBackend"):
    _email_options = {
        "host": env("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env("EMAIL_HOST_USER"),
        "password": env("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS"),
        "use_ssl": env_bool("EMAIL_USE_SSL"),
        "timeout": 20,
    }
elif _email_backend.endswith(("filebased.EmailBackend", "FileBackend")):  # Django's, or one built on it
    _email_options = {"file_path": env("EMAIL_FILE_PATH", str(BASE_DIR / "sent-emails"))}
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
# How long a sender holds an email it is sending (coop.delivery); longer than the SMTP timeout.
EMAIL_DELIVERY_LEASE = env_int("EMAIL_DELIVERY_LEASE", 60)

# Internationalisation: Japanese first, English second, chosen per user.
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "coop_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files in production (after collectstatic); plain files otherwise.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or not env_bool("STATIC_MANIFEST", True)
# Without the manifest (development, tests) look files up per request instead of scanning every
# app's static files each time a handler starts (each test client starts one).
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"

# Security: safe by default, relaxed only for a DEBUG development server on plain http.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Every page: scripts, styles, fonts and images from this site's own files only; no inline script,
# style attribute or event handler (tests/coop/test_csp.py keeps the templates so), no plug-ins,
# no framing. Downloads set their own stricter `sandbox` policy (coop/downloads.py).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}


# --- The API for student-record systems (api/) -------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.authentication.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.authentication.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Co-op portal API",
    "DESCRIPTION": "The API for student-record systems: students, placements, reports, evaluations, "
    "career outcomes and term summaries of one institution.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PlacementStateEnum": "placements.models.Placement.State",
        "ThemeStateEnum": "placements.models.Theme.State",
        "DraftSubmittedEnum": "reports.models.DailyReport.State",
        "MonthlyReportStateEnum": "reports.models.MonthlyReport.State",
    },
}
# Requests per token per minute (api.authentication.TokenRateThrottle; in the cache).
API_RATE_PER_MINUTE = env_int("API_RATE_PER_MINUTE", 600)
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 400)
# How long the API keeps its request log and the answers of idempotent writes (api.services).
API_LOG_DAYS = env_int("API_LOG_DAYS", 90)
API_IDEMPOTENCY_DAYS = env_int("API_IDEMPOTENCY_DAYS", 7)
