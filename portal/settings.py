"""The one settings module, driven by environment variables (see `.env.example`).

With no variables set it runs the embedded default: an SQLite file in the project folder,
Celery tasks in-process, e-mail printed to the console, DEBUG off. `make run` sets
DJANGO_DEBUG=1. Production refuses to start without DJANGO_SECRET_KEY.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is not 1 (production settings)."
        )
    SECRET_KEY = "development-only-key-never-used-in-production-0123456789abcdefghij"  # noqa: S105

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for the project's own (FORM_RENDERER below)
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "simple_history",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "health_check",
    "portal",
    "organisation",  # before the apps: its daily job (a reorganisation due) runs first
    "proposals",
    "pilots",
    "accountability",
    "support",
    "recognition",
    "replication",
    "monitoring",
    "evidence",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.LanguageMiddleware",
    "portal.middleware.QueryTextMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.memo.ReadingRequestMemo",
    "portal.middleware.SessionLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "portal.middleware.MethodNotAllowedPage",
]

# Repeated failed sign-ins (page or token) lock that user from that address for 15 minutes
# (django-axes); the answer says how long, in words, with 429.
AXES_ENABLED = env_flag("AXES_ENABLED", True)
OTP_TOTP_ISSUER = "Cổng đổi mới sáng tạo"
# Wrong codes count as failed sign-ins in django-axes, which locks after five; django-otp's own
# growing delays would only make a good code fail a second after a wrong one.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.lockout.locked_out"

# Content-Security-Policy (django-csp): everything from the portal itself, no inline script or
# style, no eval; images may be data: URIs (Bootstrap's form icons). htmx is told not to inject
# its indicator styles (base.html), the API docs load their script from a file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"], "script-src": ["'self'"], "style-src": ["'self'"],
        "img-src": ["'self'", "data:"], "font-src": ["'self'"], "connect-src": ["'self'"],
        "object-src": ["'none'"], "base-uri": ["'self'"], "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}  # fmt: skip

ROOT_URLCONF = "portal.urls"
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
WSGI_APPLICATION = "portal.wsgi.application"

# Widgets render through the project's templates too (templates/portal/widgets/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

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
                "portal.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    # A kept connection is checked before each request reuses it: one the server dropped is
    # replaced instead of failing the request (issue "Trust", fault drills).
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            "OPTIONS": {"timeout": 20},
        }
    }
# A read-only copy of the database (a streaming replica) for the reports: with it, the reads of the
# report pages, the report API and the report downloads go there (portal/routers.py); every write
# and every other read stays on `default`. Unset: one database, nothing routed.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True
    )
    # A test run with these settings reads the "replica" from the test database itself.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["portal.routers.ReportReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache ----------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request never waits long for an absent broker: the outbox and the sweeps deliver later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# The daily sweep runs at 07:00 Hanoi time; SWEEP_EVERY_SECONDS replaces that with a short
# interval (used by the worker test and handy on a staging server).
_sweep_every = os.environ.get("SWEEP_EVERY_SECONDS", "")
# The ids of one chunk of the sweep, for every provider (empty: each provider's own size);
# the fault drill makes chunks small so that a worker killed mid-sweep has done some of them.
PORTAL_SWEEP_IDS_PER_CHUNK = int(os.environ.get("PORTAL_SWEEP_IDS_PER_CHUNK") or 0)
# A report over more proposals than this is downloaded through "my downloads" (a background task).
PORTAL_EXPORT_INLINE_MAX = int(os.environ.get("PORTAL_EXPORT_INLINE_MAX", "5000"))
CELERY_BEAT_SCHEDULE = {
    "daily-due-sweep": {
        "task": "portal.tasks.sweep_due",
        "schedule": float(_sweep_every) if _sweep_every else crontab(hour=7, minute=0),
    },
    # Today's sweep again if today's run was killed or timed out, or did not run (worker down at 07:00).
    "resume-due-sweep": {"task": "portal.tasks.sweep_resume", "schedule": 900.0},
    # The outbox: every notification whose e-mail copy is still unsent (broker away, mail refused).
    "send-unsent-notifications": {
        "task": "portal.tasks.send_unsent_notifications",
        "schedule": float(os.environ.get("OUTBOX_EVERY_SECONDS", "120")),
    },
    # Every audit chain recomputed each night; administrators alerted on the first failure.
    "nightly-audit-check": {"task": "portal.tasks.verify_audit", "schedule": crontab(hour=1, minute=30)},
    # A report download the broker could not take when it was asked for is sent again.
    "requeue-report-downloads": {"task": "monitoring.tasks.requeue_exports", "schedule": 300.0},
    # Report downloads are kept 7 days, then deleted with their files.
    "purge-report-downloads": {
        "task": "monitoring.tasks.purge_exports",
        "schedule": crontab(hour=2, minute=30),
    },
}

# --- Auth, permissions, history ---------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # lockout after repeated failures (django-axes)
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Single sign-on (portal/sso.py): OpenID Connect through mozilla-django-oidc, on when the client
# and the provider's endpoints are set. The provider says who someone is, never what they may do.
OIDC_ENABLED = bool(os.environ.get("OIDC_RP_CLIENT_ID") and os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT"))
if OIDC_ENABLED:
    OIDC_RP_CLIENT_ID = os.environ["OIDC_RP_CLIENT_ID"]
    OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ["OIDC_OP_AUTHORIZATION_ENDPOINT"]
    OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
    OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
    OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT") or None
    OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
    OIDC_LOCAL_LOGIN = os.environ.get("OIDC_LOCAL_LOGIN", "admins")  # or "all"
    OIDC_CREATE_USER = False
    AUTHENTICATION_BACKENDS.insert(1, "portal.sso.PortalBackend")
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; logged-out users see nothing.
GUARDIAN_RAISE_403 = False
# Argon2 first (Django's recommendation; memory-hard, and a sign-in costs a fraction of PBKDF2's
# million rounds on this hardware); the others still check older hashes, which Django rewrites
# with Argon2 at the person's next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
# The project's own catalogue first; then Vietnamese for the messages of libraries (DRF) that
# ship few of their own.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["portal.formats"]

# --- Static and uploaded files ---------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
# Uploaded files live outside the web root and are served only through the permission gate.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private"))
# The uploads' storage ("private", portal/storage.py): the folder above, or with STORAGE_S3_BUCKET an
# S3-compatible bucket shared by every web and worker pod. Either way a file has no URL of its own:
# no public ACL, no signed link; it is read by the portal and handed out through the gate.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {"BACKEND": "portal.storage.PrivateFileSystemStorage"},
}
STORAGE_S3_BUCKET = os.environ.get("STORAGE_S3_BUCKET", "")
if STORAGE_S3_BUCKET:
    _s3_endpoint = os.environ.get("STORAGE_S3_ENDPOINT_URL", "")
    STORAGES["private"] = {
        "BACKEND": "portal.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_S3_BUCKET,
            "endpoint_url": _s3_endpoint or None,
            "access_key": os.environ.get("STORAGE_S3_ACCESS_KEY", "") or None,
            "secret_key": os.environ.get("STORAGE_S3_SECRET_KEY", "") or None,
            "region_name": os.environ.get("STORAGE_S3_REGION", "") or None,
            # MinIO, Ceph and most S3-compatible stores address a bucket by path, not by host name.
            "addressing_style": "path" if _s3_endpoint else None,
        },
    }

# --- E-mail ------------------------------------------------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS", True)
elif os.environ.get("EMAIL_FILE_PATH"):  # each message a file in that folder (staging, drills)
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Cổng đổi mới sáng tạo <no-reply@localhost>")
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")
# The public transparency page (Art. 4) at /public/: published models and issued documents.
PORTAL_PUBLIC_PAGE = env_flag("PORTAL_PUBLIC_PAGE", default=DEBUG)
# The place name of the "place, date" line of the documents the portal issues (Decree 30/2020).
PORTAL_PLACE = os.environ.get("PORTAL_PLACE", "Hà Nội")
# PAdES signing of the dossier and the official documents: a PKCS#12 file and its password. With
# DEBUG on and none given, the demo's throwaway certificate (made by seed_demo) when it is there.
_demo_certificate = PRIVATE_MEDIA_ROOT / "demo-signing.p12"
PORTAL_SIGNING_CERT = os.environ.get("PORTAL_SIGNING_CERT", "") or (
    str(_demo_certificate) if DEBUG and _demo_certificate.is_file() else ""
)
PORTAL_SIGNING_PASSWORD = os.environ.get("PORTAL_SIGNING_PASSWORD", "") or ("demo-signing" if DEBUG else "")

# --- API ---------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "portal.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "portal.pagination.PortalPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exception_handler",
    "DATE_FORMAT": "iso-8601",
    "DATE_INPUT_FORMATS": ["iso-8601"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Cổng đổi mới sáng tạo — API",
    "DESCRIPTION": "Đề xuất, thí điểm, đánh giá và bảo vệ cán bộ (KL 14-KL/TW, NĐ 73/2023/NĐ-CP).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.schema.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ProposalStatusEnum": "proposals.models.Proposal.Status",
        "ProposalModeEnum": "proposals.models.Proposal.Mode",
        "PilotStatusEnum": "pilots.models.Pilot.Status",
        "PilotOutcomeEnum": "pilots.models.Pilot.Outcome",
        "CaseStatusEnum": "accountability.models.Case.Status",
        "ReferralOutcomeEnum": ["sanctioned", "cleared"],
        "FileKindEnum": "portal.models.AttachmentBase.Kind",
        "ObstacleStatusEnum": "support.models.Obstacle.Status",
        "UrgingStatusEnum": "monitoring.models.Urging.Status",
        "ReportStatusEnum": "pilots.models.ProgressReport.Status",
    },
}

# --- Security (production unless DJANGO_DEBUG=1) ------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# The cookie lasts no longer than a session may (portal.middleware.SessionLimitsMiddleware ends
# it after 30 minutes idle or 12 hours in all, product rules).
SESSION_COOKIE_AGE = 12 * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Cookies travel only over HTTPS; DJANGO_SECURE_COOKIES=0 only for a stack with no TLS at all.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_flag("DJANGO_SECURE_COOKIES", True)

# The probe and the metrics are asked by the cluster itself, by pod address over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^metrics$"]

# Prometheus metrics (django-prometheus) at /metrics, off unless PROMETHEUS_METRICS=1, and then only
# for a scraper that sends `Authorization: Bearer <PROMETHEUS_METRICS_TOKEN>` (portal/metrics.py).
PROMETHEUS_METRICS = env_flag("PROMETHEUS_METRICS")
PROMETHEUS_METRICS_TOKEN = os.environ.get("PROMETHEUS_METRICS_TOKEN", "")
if PROMETHEUS_METRICS:
    if len(PROMETHEUS_METRICS_TOKEN) < 32:
        raise ImproperlyConfigured(
            "PROMETHEUS_METRICS=1 needs a PROMETHEUS_METRICS_TOKEN of 32 characters or more."
        )
    INSTALLED_APPS.append("django_prometheus")
    # First and last, so that the time measured is the whole request's.
    MIDDLEWARE = [
        "django_prometheus.middleware.PrometheusBeforeMiddleware",
        *MIDDLEWARE,
        "django_prometheus.middleware.PrometheusAfterMiddleware",
    ]

# Product rules: the deadlines and limits the law leaves to the portal (defaults in portal/rules.py).
PORTAL_RULES: dict[str, int] = {}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
