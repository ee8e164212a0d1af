"""Settings for the Jinpu one-window portal, read from the environment.

Every deployment knob is an environment variable (documented in `.env.example`
and the README), read and cast by django-environ (``env``). Without any of them the
portal runs on the embedded default: a SQLite file and Celery on kombu's filesystem
transport, so `make demo` needs neither PostgreSQL nor Redis.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


env = environ.Env()
# A local ``.env`` fills in what the environment does not set (a variable set in the
# environment always wins). A development checkout gets one with DEBUG=1 from
# `make bootstrap`, so a plain `manage.py ...` works there; the Docker image never
# contains it (.dockerignore).
ENV_FILE = BASE_DIR / ".env"
if ENV_FILE.is_file():
    env.read_env(ENV_FILE)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. For development set DEBUG=1 "
            "(the Makefile does), for production see .env.example."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"  # noqa: S105

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", cast=str.strip, default=["localhost", "127.0.0.1", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", cast=str.strip, default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "guardian",
    "jinpu_portal.apps.AxesConfig",  # django-axes, named in Chinese
    "jinpu_portal",
    "accounts",
    "catalog",
    "intake",
    "approvals",
    "feedback",
    "hall",
    "supervision",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # The portal's 404/500 pages with DEBUG on too (the demo); outside CommonMiddleware.
    "jinpu_portal.error_pages.DebugErrorPagesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "jinpu_portal.middleware.SecurityHeadersMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jinpu_portal.urls"
WSGI_APPLICATION = "jinpu_portal.wsgi.application"
ASGI_APPLICATION = "jinpu_portal.asgi.application"

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
                "jinpu_portal.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'jinpu.sqlite3'}")
}
DATABASES["default"]["CONN_MAX_AGE"] = 60
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the Celery worker of `make demo` write side by side.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Five failed logins lock the account (username) for a while, whatever the address.
# Not by address: a hall's counters and kiosks share one NAT address, so locking an
# address would lock a whole hall (hence axes.W006 is silenced below).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)

# --- Real-name verification (实名认证, accounts.verification) -----------------------
# The back end of the profile page's button: the provincial unified identity service
# over OpenID Connect, or (DEBUG only, e.g. make demo) the demo that verifies at once.
# Clerks verify at a window whatever is chosen here.
IDENTITY_VERIFICATION_BACKEND = env.str(
    "IDENTITY_VERIFICATION_BACKEND",
    default="accounts.verification.DemoVerification"
    if DEBUG
    else "accounts.verification.OidcVerification",
)
# The OpenID Connect client (mozilla-django-oidc); empty client id: not offered.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid profile")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
# The userinfo claims that carry the verified name and resident ID number.
OIDC_NAME_CLAIM = env.str("OIDC_NAME_CLAIM", default="name")
OIDC_ID_NUMBER_CLAIM = env.str("OIDC_ID_NUMBER_CLAIM", default="id_number")
OIDC_CREATE_USER = False
LOGIN_REDIRECT_URL_FAILURE = "/accounts/profile/"
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.append("accounts.verification.VerificationOIDCBackend")

GUARDIAN_RAISE_403 = True
ANONYMOUS_USER_NAME = None

# --- I18N -----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True
# Dates and times: Django 5 always formats by the active language's locale, so settings'
# DATE_FORMAT and the like would never be read; the portal's formats are a format module
# of its own instead (jinpu_portal/formats/zh_Hans/formats.py: 2026年12月8日 in documents
# and sentences, 2026-12-08 14:30 in fields, tables and lists), and templates name them:
# |date:"SHORT_DATETIME_FORMAT". See docs/architecture.md, "Dates and times".
FORMAT_MODULE_PATH = ["jinpu_portal.formats"]

# --- Static and media -----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
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
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

# --- Security (production values apply whenever DEBUG is off) --------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp 4): scripts only from the portal's own static
# files, never inline (templates keep their scripts in static/js/). Styles allow
# inline style attributes (Bootstrap utilities in templates, Swagger UI's React).
# img-src data: is for Swagger UI's icons and the seal previews.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Browser features no page of the portal uses (jinpu_portal.middleware).
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
    "bluetooth=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=(), "
    "display-capture=(), browsing-topics=(), interest-cohort=()"
)
CSRF_FAILURE_VIEW = "jinpu_portal.views.csrf_failure"
SESSION_COOKIE_AGE = 8 * 60 * 60
# security.W021: HSTS preload is for public hosts on the browsers' list, not an
# intranet one. axes.W006: see AXES_LOCKOUT_PARAMETERS above.
SILENCED_SYSTEM_CHECKS = env.list(
    "SILENCED_SYSTEM_CHECKS", cast=str.strip, default=["security.W021", "axes.W006"]
)

# --- Cache ----------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "jinpu",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ---------------------------------------------------------------
# The queue wants a Redis database of its own: clearing Django's Redis cache is a
# FLUSHDB of the cache's database, and would drop every task queued in it
# (`check --deploy` warns when the two share one: jinpu_portal.checks). Unset or
# empty, the broker is REDIS_URL; without either, kombu's filesystem transport: the web
# server and the worker of `make demo` share a folder instead of a server. (Celery reads
# a non-empty CELERY_BROKER_URL of the environment itself too, before its settings.)
CELERY_DATA_DIR = VAR_DIR / "celery"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or REDIS_URL
if CELERY_BROKER_URL:
    CELERY_RESULT_BACKEND = CELERY_BROKER_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_RESULT_BACKEND = f"file://{CELERY_DATA_DIR / 'results'}"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "processed_folder": str(CELERY_DATA_DIR / "processed"),
        # Broadcast (pidbox) messages; without it kombu writes ./control in the cwd.
        "control_folder": str(CELERY_DATA_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Beat wakes at least once a minute and touches BEAT_HEARTBEAT_FILE each time, so a
# container healthcheck (scripts/healthcheck.py beat) can tell a live beat from a hung one.
CELERY_BEAT_SCHEDULER = "jinpu_portal.celery:HeartbeatScheduler"
CELERY_BEAT_MAX_LOOP_INTERVAL = 60
BEAT_HEARTBEAT_FILE = VAR_DIR / "celerybeat-heartbeat"


def _beat(task: str, schedule, expires: int | None = None) -> dict:
    """A beat entry: ``task`` on ``schedule``; with ``expires`` (seconds), a run still
    queued that long after beat sent it is dropped (the next run does the same work)."""
    entry = {"task": task, "schedule": schedule}
    if expires is not None:
        entry["options"] = {"expires": expires}
    return entry


CELERY_BEAT_SCHEDULE: dict = {
    "calendar-coverage-check": _beat("catalog.tasks.calendar_coverage_check", timedelta(hours=24)),
    # The audit row of each expired agent authorization (access already ends in the query).
    "accounts-agent-authorizations-expire": _beat(
        "accounts.tasks.agent_authorizations_expire", timedelta(hours=1), expires=3500
    ),
    "intake-prereview-sweep": _beat("intake.prereview_sweep", timedelta(minutes=10)),
    # SMS and e-mail from the in-portal messages' outbox (jinpu_portal.notifications).
    "notifications-dispatch-pending": _beat(
        "jinpu_portal.notifications_dispatch_pending", timedelta(seconds=30), expires=25
    ),
    # Notices whose render message was lost (broker down at the commit): render them.
    "intake-notices-render-pending": _beat(
        "intake.notices_render_pending", timedelta(minutes=5), expires=290
    ),
    # Lights, warnings and 督办 from the stored due dates. A sweep still queued when the
    # next one is due is dropped: the next one does the same work.
    "approvals-clock-sweep": _beat("approvals.tasks.clock_sweep", timedelta(minutes=1), expires=55),
    # 好差评: the default 基本满意 of every service instance whose rating period ended
    # unrated (set-based, idempotent; a run still queued when the next is due is dropped).
    "feedback-ratings-default": _beat(
        "feedback.tasks.ratings_default", timedelta(minutes=10), expires=590
    ),
    # Supervision's rollups: the days the record changed since the last pass, rebuilt
    # (supervision.refresh); nightly, the last week whatever the marks say.
    "supervision-rollups-refresh": _beat(
        "supervision.tasks.rollups_refresh", timedelta(minutes=1), expires=55
    ),
    "supervision-rollups-reconcile": _beat(
        "supervision.tasks.rollups_reconcile", crontab(minute=30, hour=2), expires=3600
    ),
    # 日终清号: the tickets of earlier days still waiting, called or in service are ended
    # (hall.services.dayclose; idempotent, so hourly: a missed run is caught up within the
    # hour, and the windows are never blocked by them meanwhile).
    "hall-day-close": _beat("hall.tasks.day_close", crontab(minute=5), expires=3000),
    # The keys of create-only forms older than two days (jinpu_portal.submissions).
    "submissions-purge": _beat(
        "jinpu_portal.submissions_purge", crontab(minute=10, hour=3), expires=3600
    ),
    # The one invitation to rate after FEEDBACK_INVITE_DAYS: in the daytime only (SMS).
    "feedback-invitations-send": _beat(
        "feedback.tasks.invitations_send", crontab(minute="*/15", hour="9-19"), expires=890
    ),
}

# --- API ------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header turns "not signed in" into a 401 that
    # API clients (the provincial platform, the hotline system) can act on.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "jinpu_portal.api.pagination.SizedPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["jinpu_portal.api.errors.FilterBackend"],
    # One error shape for every API answer, the error answers in the schema, and JSON
    # too deep or malformed refused with a 400 (jinpu_portal/api/).
    "DEFAULT_PARSER_CLASSES": [
        "jinpu_portal.api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "jinpu_portal.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "jinpu_portal.api.schema.PortalAutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "金普新区政务服务一窗受理平台 API",
    "DESCRIPTION": "Jinpu one-window portal: catalog, intake, approvals, ratings, supervision.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets sharing a field name get their own component names.
    "ENUM_NAME_OVERRIDES": {
        "DepartmentKindEnum": "accounts.constants.DepartmentKind",
        "RefusalKindEnum": "intake.constants.RefusalKind",
        "ChannelEnum": "intake.constants.Channel",
        "RatingChannelEnum": "feedback.constants.RatingChannel",
        "LevelEnum": "feedback.constants.Level",
        "VisitLevelEnum": "feedback.constants.VisitLevel",
        "AppealKindEnum": "feedback.constants.AppealKind",
        "OrderOutcomeEnum": "feedback.constants.OrderOutcome",
        "OrderStatusEnum": "feedback.constants.OrderStatus",
        "InstanceStateEnum": "feedback.constants.InstanceState",
        "PriorityGroupEnum": "hall.constants.PriorityGroup",
        "WindowStateEnum": "hall.constants.WindowState",
        "TicketStatusEnum": "hall.constants.TicketStatus",
        "AppointmentStatusEnum": "hall.constants.AppointmentStatus",
    },
}

# --- Working-day calendar ----------------------------------------------------
# Warn about next year's calendar this many days before it starts (system check
# and the daily coverage task); the current year is always checked.
CALENDAR_WARN_DAYS_AHEAD = env.int("CALENDAR_WARN_DAYS_AHEAD", default=30)

# --- Notifications --------------------------------------------------------
# In-portal messages always; SMS and email back ends are dotted paths (the demo's log),
# sent from the in-portal messages by beat every 30 s (jinpu_portal.notifications).
NOTIFICATION_BACKENDS = env.list(
    "NOTIFICATION_BACKENDS",
    cast=str.strip,
    default=[
        "jinpu_portal.notifications.InPortalBackend",
        "jinpu_portal.notifications.LoggingSmsBackend",
        "jinpu_portal.notifications.EmailBackend",
    ],
)
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@jinpu.gov.cn")

# --- Intake -----------------------------------------------------------------
# Upload limits for application materials; content is checked, not only the name.
INTAKE_UPLOAD_MAX_BYTES = env.int("INTAKE_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# 行政许可法 art. 32: an online submission not reviewed within this many working days
# counts as accepted from the day it arrived; staff are warned from the warning day.
INTAKE_PREREVIEW_LIMIT_DAYS = env.int("INTAKE_PREREVIEW_LIMIT_DAYS", default=5)
INTAKE_PREREVIEW_WARN_DAYS = env.int("INTAKE_PREREVIEW_WARN_DAYS", default=3)
# Named on every refusal and denial of an administrative act (intake.legal_forms): where
# to apply for administrative reconsideration (行政复议, 60 days) and which court hears a
# lawsuit (行政诉讼, 6 months). Defaults: the New Area's.
REMEDY_RECONSIDERATION_BODY = env.str(
    "REMEDY_RECONSIDERATION_BODY", default="大连金普新区管理委员会"
)
REMEDY_LITIGATION_COURT = env.str("REMEDY_LITIGATION_COURT", default="大连经济技术开发区人民法院")

# --- Approvals: deadline lights ----------------------------------------------
# Yellow when the working days left are at or below max(MIN_DAYS, RATIO * budget).
APPROVALS_YELLOW_MIN_DAYS = env.int("APPROVALS_YELLOW_MIN_DAYS", default=2)
APPROVALS_YELLOW_RATIO = env.float("APPROVALS_YELLOW_RATIO", default=0.2)
# 容缺受理: an owed material turns yellow (and is announced) this many working days
# before its due date, red (announced again) the day after it.
TOLERANCE_WARN_DAYS = env.int("TOLERANCE_WARN_DAYS", default=2)

# --- Feedback (好差评) ----------------------------------------------------------
# A service may be rated for this many days after it is rendered; then it counts as
# 基本满意 by default. A rating link (QR code, SMS) is valid this many days from when it
# is made, and usable once.
FEEDBACK_RATING_DAYS = env.int("FEEDBACK_RATING_DAYS", default=7)
FEEDBACK_TOKEN_DAYS = env.int("FEEDBACK_TOKEN_DAYS", default=15)
# Rate limits of the rating link (page and API), per link and per client address (a
# hall's visitors may share one NAT address): DRF's "N/second|minute|hour|day".
FEEDBACK_RATE_LIMIT_TOKEN = env.str("FEEDBACK_RATE_LIMIT_TOKEN", default="20/hour")
FEEDBACK_RATE_LIMIT_ADDRESS = env.str("FEEDBACK_RATE_LIMIT_ADDRESS", default="300/hour")

# --- Feedback: rectification of 差评 (差评整改) ---------------------------------
# Working days to call the citizen back and verify, then to rectify (a reopened order
# gets the rectification days again).
FEEDBACK_CALLBACK_DAYS = env.int("FEEDBACK_CALLBACK_DAYS", default=1)
FEEDBACK_RECTIFY_DAYS = env.int("FEEDBACK_RECTIFY_DAYS", default=15)

# --- Feedback (好差评) ----------------------------------------------------------
# Calendar days after the service before one invitation to rate (in-portal and SMS) goes
# to whoever has not rated; walk-ins are also texted the rating link at once.
FEEDBACK_INVITE_DAYS = env.int("FEEDBACK_INVITE_DAYS", default=3)

# --- Logging --------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_ids": {"()": "jinpu_portal.logging.RedactIdentityNumbers"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_ids"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's default config gives "django" and "django.server" handlers of their own,
    # without the redaction filter (runserver would log a query string with an ID
    # number as is). Emptying their handlers sends them through the root handler.
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        # redis-py gives this logger a bare stdout handler unless it already exists;
        # it would log pub/sub payloads (Celery results) past the filter.
        "push_response": {"handlers": [], "level": "WARNING", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Feedback: the counter pad (评价器) ------------------------------------------
# The pad shows its window's newest open intake service served within this many
# minutes, and returns to idle after this many seconds without a touch.
FEEDBACK_PAD_RECENT_MINUTES = env.int("FEEDBACK_PAD_RECENT_MINUTES", default=5)
FEEDBACK_PAD_IDLE_SECONDS = env.int("FEEDBACK_PAD_IDLE_SECONDS", default=60)

# --- The hall (取号叫号) ------------------------------------------------------------
# An appointment checked in more than this many minutes after its slot began becomes a
# normal ticket (first come, first served).
HALL_APPOINTMENT_GRACE_MINUTES = env.int("HALL_APPOINTMENT_GRACE_MINUTES", default=15)
# How many days ahead a citizen may book an appointment (working days of the calendar).
HALL_APPOINTMENT_DAYS = env.int("HALL_APPOINTMENT_DAYS", default=7)
# Public acts of the hall (a ticket, an appointment's check-in) per client address.
HALL_RATE_LIMIT_ADDRESS = env.str("HALL_RATE_LIMIT_ADDRESS", default="1200/hour")
# A self-service kiosk (自助办) signs out and clears its screen after this many seconds
# without a touch (a countdown shows in the last 15 s; jinpu_portal/kiosk.py,
# static/hall/kiosk.js).
HALL_KIOSK_IDLE_SECONDS = env.int("HALL_KIOSK_IDLE_SECONDS", default=120)
