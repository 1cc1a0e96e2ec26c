"""Settings shared by every environment. Deployment-specific values come from `environment`."""

from __future__ import annotations

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from config.settings.environment import (
    BASE_DIR,
    VAR_DIR,
    env_bool,
    env_int,
    env_list,
    env_str,
)

DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_countries",
    "csp",
    "catchment.core",
    "catchment.accounts",
    "catchment.communities",
    "catchment.discussions",
    "catchment.conversations",
    "catchment.notifications",
    "catchment.newsletters",
    "catchment.library",
    "catchment.events",
    "catchment.insights",
    "catchment.alliances",
    "catchment.search",
    "catchment.webhooks",
    "catchment.api",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "catchment.core.audit.RequestIdMiddleware",
    # Outside the rest, so all the work of an accepted sign-up or reset is inside its time floor.
    "catchment.core.limits.SteadyAnswerMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside every other layer, so that errors answered by them (a bad Host, a refused CSRF token) are marked too.
    "catchment.core.middleware.PrivateResponsesMiddleware",
    "csp.middleware.CSPMiddleware",
    "catchment.core.middleware.ConditionalGetMiddleware",
    "catchment.core.replicas.ReplicaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "catchment.core.middleware.OutageMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "catchment.core.middleware.UserPreferencesMiddleware",
    "catchment.core.middleware.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# Form widgets render through Jinja2, which draws a 250-country choice list in under half the Django engine's time.
# Widgets that exist only as Django templates (the admin's) fall back to the Django engine.
FORM_RENDERER = "catchment.core.renderers.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "catchment" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "catchment.core.context_processors.site",
                "catchment.notifications.context_processors.unread_notifications",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'catchment.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock at BEGIN, so two
    # writers queue instead of failing half-way with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

# PostgreSQL: give up connecting after DATABASE_CONNECT_TIMEOUT seconds, and cancel any statement running longer
# than DATABASE_STATEMENT_TIMEOUT_MS milliseconds (0 = no limit), so a lost or slow database answers 503 at
# once (catchment/core/views.py) instead of holding every worker; docs/operations.md.
DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 5)
DATABASE_STATEMENT_TIMEOUT_MS = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 0)


def _postgresql_limits(database: dj_database_url.DBConfig) -> None:
    if database["ENGINE"] != "django.db.backends.postgresql":
        return
    options = database.setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
    if DATABASE_STATEMENT_TIMEOUT_MS > 0:
        options["options"] = f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}"


_postgresql_limits(DATABASES["default"])

# At scale, reads of safe requests may go to a read replica (catchment/core/replicas.py, docs/scaling.md).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    _postgresql_limits(DATABASES["replica"])
    DATABASE_ROUTERS = ["catchment.core.replicas.ReplicaRouter"]
# After a write, the same browser reads from the primary for this long, so it sees what it just wrote.
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 15)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "catchment",
        }
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "catchment"}
    }

# Whole pages for anonymous visitors (catchment/core/pagecache.py); 0 turns the page cache off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)

# The task queue: in-process after commit unless a broker is configured (see catchment/core/tasks.py).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]

AUTHENTICATION_BACKENDS = [
    # First: stops any sign-in with a password too long to be one, before a backend hashes it (ASVS 2.1.2).
    "catchment.accounts.passwords.PasswordCeilingBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Argon2id first (OWASP ASVS 2.4); the others only check older hashes, which are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "catchment.accounts.passwords.MaximumLengthValidator"},  # 128 characters (ASVS 2.1.2)
]

# Accounts (django-allauth)
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "catchment.accounts.forms.SignupDetailsForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Catchment] "
ACCOUNT_ADAPTER = "catchment.accounts.adapters.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": env_str("SIGNUP_RATE_LIMIT", "10/h/ip"),
    "confirm_email": "1/3m/key",
    # Reset mail goes to an address someone else may type: 2 an hour per address, 5 an hour per client address.
    "reset_password": "5/h/ip,2/h/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Catchment"
LOGIN_REDIRECT_URL = "accounts:profile_edit"
LOGIN_URL = "account_login"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("ru", _("Russian")),
]
LOCALE_PATHS = [BASE_DIR / "catchment" / "locale"]
LANGUAGE_COOKIE_NAME = "catchment_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "catchment" / "static"]
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads on S3-compatible object storage when a bucket is named; the files are still served through
# the app's views, which apply the permission policy before reading them.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "default_acl": "private",
            "file_overwrite": False,
        },
    }
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
WORLD_ATLAS_PATH = BASE_DIR / "catchment" / "static" / "vendor" / "world-atlas" / "countries-110m.json"

# Uploads: Django refuses larger bodies before a view runs; forms check each file's own limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
AVATAR_MAX_BYTES = 5 * 1024 * 1024
AVATAR_MAX_PIXELS = 40_000_000
AVATAR_SIZE = 256

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Without Celery, queued mail is sent from a thread after the change commits (catchment/core/mail.py).
MAIL_SEND_IN_THREAD = env_bool("MAIL_SEND_IN_THREAD", True)
# Without Celery, tasks run on one background thread per process, so no request waits for them
# (catchment/core/tasks.py); off, they run inline once the change commits.
TASKS_IN_THREAD = env_bool("TASKS_IN_THREAD", True)
# Past this many waiting tasks, a process runs new ones in the request that asks for them (back-pressure).
TASKS_QUEUE_LIMIT = env_int("TASKS_QUEUE_LIMIT", 5000)
# Mail that lost its task (a process stopped between the commit and the send), swept by send_mail_queue.
MAIL_SWEEPS = ["catchment.notifications.services.send_due_notification_emails"]
# A send that hangs longer than the outbox's first retry delay (60 s) could be picked up twice: give up sooner.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))  # for the file-based backend
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Catchment <hub@catchment.invalid>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
if EMAIL_HOST_USER or env_str("EMAIL_HOST"):
    EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")

SITE_NAME = env_str("SITE_NAME", "Catchment")
# The hub's public address, used for links in mail sent outside a request (notifications, digests).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# How long an emailed community invitation stays valid.
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 14)
INVITATIONS_PER_DAY = 50
# New accounts (joined less than NEW_ACCOUNT_DAYS ago) post at most this often, with at most this many links,
# start at most this many topics a day, wait this many seconds between two messages and invite at most this
# many people a day (reliability.md #14, #15; refusals answer 429 with Retry-After).
NEW_ACCOUNT_DAYS = 7
NEW_ACCOUNT_POSTS_PER_HOUR = 10
NEW_ACCOUNT_LINKS_PER_POST = 2
NEW_ACCOUNT_TOPICS_PER_DAY = env_int("NEW_ACCOUNT_TOPICS_PER_DAY", 3)
NEW_ACCOUNT_POST_INTERVAL = env_int("NEW_ACCOUNT_POST_INTERVAL", 15)
NEW_ACCOUNT_INVITATIONS_PER_DAY = 10
# Retry-After of a refused sign-in, sign-up or password reset (the limits are in ACCOUNT_RATE_LIMITS).
RATE_LIMIT_RETRY_AFTER = 3600  # the longest window among them (resets and sign-ups are counted per hour)
# A sign-up or password reset that is accepted (the redirect that follows, for a known or unknown address
# alike) is answered no sooner than this (core.limits.SteadyAnswerMiddleware), so its time does not tell
# whether the address has an account. A reset does ~10 ms of work; a sign-up ~0.35 s (an Argon2 hash), 0.55 s
# on a busy 2-core machine, which a floor of half a second did not cover; keep it above your slowest sign-up.
STEADY_ANSWER_MS = env_int("STEADY_ANSWER_MS", 1000)
COVER_SIZE = (1200, 360)
CSRF_FAILURE_VIEW = "catchment.core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy on every page (django-csp): scripts and styles only from the hub itself, or inline with
# the request's nonce (`{{ request.csp_nonce }}`; the header names a nonce only on pages that use one); no
# plugins, no <base>, no framing. Nothing else runs, so a script slipped into user content would not execute.
# A sign-in provider the browser is sent to by a form (OIDC/SAML) is added with CSP_FORM_ACTION_EXTRA.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF, *env_list("CSP_FORM_ACTION_EXTRA", [])],
        "frame-ancestors": [NONE],
    }
}
SESSION_COOKIE_SAMESITE = "Lax"
# A sign-in ends after this many days without use (core.middleware.IdleSessionMiddleware moves the expiry at
# most once per SESSION_REFRESH_SECONDS while the member is active); unticking "Remember me" ends it with the
# browser as well.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_DAYS", 14) * 24 * 60 * 60
SESSION_REFRESH_SECONDS = 24 * 60 * 60

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "catchment.core.audit.RequestIdFilter"}},
    "formatters": {"request": {"format": "%(levelname)s %(name)s request_id=%(request_id)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "requests": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "request"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Security events (catchment/core/audit.py), one JSON object per line; route them to their own sink here.
        "catchment.audit": {"level": "INFO"},
        # Errors answering a request (a 500's traceback), with the request id its error page shows.
        "django.request": {"handlers": ["requests"], "propagate": False},
    },
}

# Files attached to messages: checked from their content (catchment/core/uploads.py), at most this many
# per message and this large each.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
ATTACHMENTS_PER_POST = 5
# Private messages: people in one conversation (the sender included), and how many conversations an account
# younger than NEW_ACCOUNT_DAYS may start in an hour.
CONVERSATION_MAX_PEOPLE = 10
NEW_ACCOUNT_CONVERSATIONS_PER_HOUR = 5
# Library files: PDFs, office documents and pictures, checked from their content, at most this large.
LIBRARY_MAX_BYTES = env_int("LIBRARY_MAX_BYTES", 25 * 1024 * 1024)
# Uploaded files copied into one "download my data" archive in all (stored, not deflated, within the request);
# past it they are listed in the archive, not copied.
DATA_EXPORT_MAX_FILE_BYTES = env_int("DATA_EXPORT_MAX_FILE_BYTES", 256 * 1024 * 1024)
RESOURCE_COVER_SIZE = (480, 320)

# The REST API (catchment/api/, docs/api.md): browser sessions (with CSRF) and personal access tokens,
# cursor pages, one error shape, rate limits answered with 429 and Retry-After.
# How many reverse proxies of ours stand in front of the app and append to X-Forwarded-For. Rate limits (sign-in,
# reset, sign-up, API) count per client address: with 0 (the default) that is the connection's address and the
# header is ignored, so a client cannot pick a new address per request; behind one proxy (nginx) set 1, and the
# address the proxy saw is used.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

REST_FRAMEWORK = {
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "catchment.api.authentication.AccessTokenAuthentication",
        "catchment.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["catchment.api.permissions.TokenScopePermission"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "catchment.api.throttling.AnonymousThrottle",
        "catchment.api.throttling.MemberThrottle",
        "catchment.api.throttling.WriteThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anonymous": env_str("API_RATE_ANONYMOUS", "120/min"),
        "member": env_str("API_RATE_MEMBER", "600/min"),
        "write": env_str("API_RATE_WRITE", "60/min"),
    },
    "EXCEPTION_HANDLER": "catchment.api.errors.handle",
    "DEFAULT_SCHEMA_CLASS": "catchment.api.schema.CatchmentAutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_VERSIONING_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Catchment API",
    "DESCRIPTION": "The hub's communities, people, discussions, events, library and insights, over HTTP.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RegistrationStatusEnum": "catchment.events.models.RegistrationStatus",
        "EventStatusEnum": "catchment.events.models.EventStatus",
        "EventKindEnum": "catchment.events.models.EventKind",
        "PostStatusEnum": "catchment.discussions.models.Visibility",
        "TopicKindEnum": "catchment.discussions.models.TopicKind",
        "ResourceKindEnum": "catchment.library.models.ResourceKind",
        "MembershipStatusEnum": "catchment.communities.models.MembershipStatus",
        "JoinRequestStatusEnum": "catchment.communities.models.RequestStatus",
        "CommunityVisibilityEnum": "catchment.communities.models.Visibility",
        "DeliveryStatusEnum": "catchment.webhooks.models.DeliveryStatus",
        "WebhookEventEnum": "catchment.webhooks.models.WebhookEvent",
        "NotificationKindEnum": "catchment.notifications.models.Kind",
        "SearchKindEnum": "catchment.search.models.Kind",
        "CharterStatusEnum": "catchment.communities.models.CharterStatus",
        "RoleEnum": "catchment.communities.models.Role",
        "AssignableRoleEnum": "catchment.api.serializers.ASSIGNABLE_ROLES",
        "EngagementEnum": "catchment.alliances.models.Engagement",
        "CommunityStageEnum": "catchment.communities.models.Stage",
        "PlatformStageEnum": "catchment.alliances.models.AllianceStage",
        "AllianceStatusEnum": "catchment.alliances.models.AllianceStatus",
        "AllianceVisibilityEnum": "catchment.alliances.models.AllianceVisibility",
        "MobilisationEnum": "catchment.alliances.models.Mobilisation",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "catchment.api.schema.add_error_responses",
    ],
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 0, "maximum": 999999999999999999}},
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# How long an Idempotency-Key is remembered, and how long a new token lives unless its owner says otherwise.
API_IDEMPOTENCY_HOURS = 24
API_TOKEN_DEFAULT_DAYS = env_int("API_TOKEN_DEFAULT_DAYS", 365)

# Webhooks (catchment/webhooks/): outgoing calls refuse private, loopback and link-local addresses and plain
# http; WEBHOOK_ALLOW_LOCAL=1 lifts both, for a receiver on the developer's own machine only.
WEBHOOK_ALLOW_LOCAL = env_bool("WEBHOOK_ALLOW_LOCAL", False)
WEBHOOK_TIMEOUT_SECONDS = 5
WEBHOOK_MAX_RESPONSE_BYTES = 1024 * 1024
WEBHOOK_MAX_REDIRECTS = 3
