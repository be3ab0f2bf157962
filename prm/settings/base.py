"""Settings shared by every environment, read from the environment (12-factor) with django-environ."""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from prm.schedules import app_schedules

BASE_DIR = Path(__file__).resolve().parents[2]
env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pgtrigger",
    "pghistory",
    # Country names in every language (its catalogues); the choice list of prm.geography.
    "django_countries",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "prm",
    "partners",
    "dealreg",
    "enablement",
    # In layer order: seed_demo runs the apps' seeders in this order, and tiering's reads the deals and
    # certifications the apps below it seeded.
    "tiering",
    "mdf",
    "analytics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: the user's own language and time zone come first (see prm/i18n.py).
    "prm.i18n.LocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    # Last on purpose: it runs the view inside the tenant's transaction (see prm/middleware.py).
    "prm.middleware.TenantMiddleware",
]

ROOT_URLCONF = "prm.urls"
WSGI_APPLICATION = "prm.wsgi.application"

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
                "prm.context_processors.portal",
                "prm.notifications.context_processors.bell",
            ],
        },
    },
]

# DATABASE_URL is required; `python -m prm.embedded` (used by `make run` / `make test`) provides an embedded
# PostgreSQL when it is unset. Its login owns the tables and runs migrations; every other connection logs in to the
# same database as DATABASE_APP_ROLE (password DATABASE_APP_PASSWORD; none needed with trust authentication), which
# migrate creates, owns nothing and is subject to row-level security (docs/architecture.md).
DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/prm")}
DATABASES["default"]["ENGINE"] = "prm.db"
DATABASES["default"]["APP_ROLE"] = env("DATABASE_APP_ROLE", default="prm_app")
DATABASES["default"]["APP_PASSWORD"] = env("DATABASE_APP_PASSWORD", default="")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        # redis+socket:// is Celery's spelling; Django's cache (redis-py) wants unix://.
        "LOCATION": REDIS_URL.replace("redis+socket://", "unix://"),
        "KEY_PREFIX": "prm",
    }
}

AUTH_USER_MODEL = "prm.User"
# The partner organization a member, an invitation or an API key may belong to: the one model of a domain app the
# core's models point at, named here the way Django names the user model (docs/architecture.md).
PRM_PARTNER_ORGANIZATION_MODEL = "partners.PartnerOrganization"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# allauth: email login only, verified addresses, no open sign-up (people join a program by invitation).
ACCOUNT_ADAPTER = "prm.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {
    # Throttle password guessing: per IP and per account; a locked account waits 5 minutes.
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    "reset_password": "5/m/ip,3/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="PRM")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12

# Any Django email backend (e.g. Anymail's, configured through ANYMAIL); EMAIL_URL sets SMTP instead.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
ANYMAIL = env.json("ANYMAIL", default={})
EMAIL_URL = env("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="PRM <no-reply@prm.localhost>")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# A user's language: their choice, else the browser's, else the program's default, else English (prm/i18n.py).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date, time and number format per language everywhere (prm/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["prm.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules/bootstrap/dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules/bootstrap-icons/font"),
    ("vendor/htmx", BASE_DIR / "node_modules/htmx.org/dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules/chart.js/dist"),
    ("vendor/scorm-again", BASE_DIR / "node_modules/scorm-again/dist"),
]
STORAGES = {
    # Uploads are private: stored outside the static tree and served only through authorized views.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env("MEDIA_ROOT", default=str(BASE_DIR / ".local" / "media"))},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Celery: reliable delivery (acks late, one message at a time), bounded work, JSON only.
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60 * 26}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {"task": "prm.tasks.clear_expired_sessions", "schedule": timedelta(hours=6)},
    "sweep-outbox": {"task": "prm.tasks.sweep_outbox", "schedule": timedelta(minutes=1)},
    "prune-idempotency-records": {"task": "prm.tasks.prune_idempotency_records", "schedule": timedelta(hours=1)},
    # Deliveries whose retry message was lost (a worker died) are picked up here.
    "deliver-due-webhooks": {"task": "prm.webhooks.tasks.deliver_due_webhooks", "schedule": timedelta(minutes=1)},
    # Each app's own periodic tasks, from its `schedule.py` (read here, before Django starts, so beat sees them).
    **app_schedules(INSTALLED_APPS),
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "prm.api.authentication.ApiKeyAuthentication",
        "prm.api.authentication.TenantSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["prm.api.permissions.PolicyPermission"],
    "DEFAULT_PAGINATION_CLASS": "prm.api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "prm.api.filters.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["prm.api.throttling.CredentialRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"credential": env("PRM_API_RATE_LIMIT", default="600/min")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "prm.api.exceptions.problem_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "COERCE_DECIMAL_TO_STRING": True,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PRM API",
    "VERSION": "1.0.0",
    # The schema's introduction (authentication, errors, conventions) is the API guide itself.
    "DESCRIPTION": (BASE_DIR / "docs" / "api.md").read_text(),
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "WebhookDeliveryStatusEnum": "prm.models.webhooks.DeliveryStatus",
        "EventHandlerFailureStatusEnum": "prm.models.events.FailureStatus",
        "PartnerStatusEnum": "partners.models.PartnerStatus",
        "DealStatusEnum": "dealreg.models.DealStatus",
        "DealRejectionReasonEnum": "dealreg.models.RejectionReason",
        "AttributionRoleEnum": "dealreg.models.AttributionRole",
        "QuizAttemptStatusEnum": "enablement.models.AttemptStatus",
        "RoleEnum": "prm.roles.Role",
    },
}

# Webhooks may not target private, loopback or link-local addresses unless this is set (a lab, a test receiver).
PRM_WEBHOOKS_ALLOW_PRIVATE_TARGETS = env.bool("PRM_WEBHOOKS_ALLOW_PRIVATE_TARGETS", default=False)
PRM_WEBHOOK_DISABLE_AFTER = env.int("PRM_WEBHOOK_DISABLE_AFTER", default=20)
# An event subscriber that has raised this many times on one event is set aside in the dead-letter list.
PRM_EVENT_HANDLER_MAX_ATTEMPTS = env.int("PRM_EVENT_HANDLER_MAX_ATTEMPTS", default=5)

PRM_INVITATION_TTL = timedelta(hours=env.int("PRM_INVITATION_TTL_HOURS", default=72))
PRM_LOGO_MAX_BYTES = 512 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
