"""Settings for the victim video-call response platform.

Every value comes from the environment, with an embedded default that lets
`make run` and `make test` work on a bare machine (SQLite, in-memory channel
layer, Celery on the filesystem broker, SMS into the dev outbox). With
DEBUG=false a missing secret stops start-up with a message naming it, so a
deployment never falls back silently to a development value.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.http.request import validate_host

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / os.environ.get("VAR_DIR", "var")  # relative paths are under the project
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

# Development-only values. They are public, so they are refused when DEBUG is off.
_DEV_SECRETS = {
    "SECRET_KEY": "dev-only-secret-key-not-for-production-use-0123456789abcdef",
    "FIELD_ENCRYPTION_KEYS": "ZGV2LW9ubHktZmllbGQta2V5LW5vdC1mb3ItcHJvZC0=",
    "BLIND_INDEX_KEY": "dev-only-blind-index-key",
}


def required(name: str, dev_default: str = "") -> str:
    """A setting production cannot guess: the development default under DEBUG, else an error naming it."""
    value = env(name).strip()
    if value or DEBUG:
        return value or dev_default
    raise ImproperlyConfigured(f"{name} must be set when DEBUG is false.")


def secret(name: str) -> str:
    value = required(name, _DEV_SECRETS[name])
    # Split because FIELD_ENCRYPTION_KEYS is a list, and the public key must not hide inside it.
    if not DEBUG and _DEV_SECRETS[name] in value.split(","):
        raise ImproperlyConfigured(f"{name} is the public development value; set a real secret when DEBUG is false.")
    return value


def fernet_keys(name: str) -> list[str]:
    keys = [key.strip() for key in secret(name).split(",") if key.strip()]
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except ValueError:
            # The key itself is never echoed: this message ends up in deployment logs.
            raise ImproperlyConfigured(
                f"{name}: key {position} of {len(keys)} is not a Fernet key (32 url-safe base64-encoded bytes). Make "
                "one with: python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
            ) from None
    return keys


SECRET_KEY = secret("SECRET_KEY")
# Comma-separated Fernet keys; the first encrypts, all decrypt (rotation).
FIELD_ENCRYPTION_KEYS = fernet_keys("FIELD_ENCRYPTION_KEYS")
BLIND_INDEX_KEY = secret("BLIND_INDEX_KEY")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is false.")
# The address victims, staff and Twilio reach us at. Links in SMS, webhook
# signatures and CSRF origins are built from it, never from the request.
PUBLIC_BASE_URL = required("PUBLIC_BASE_URL", "http://localhost:8000").rstrip("/")
_public = urlsplit(PUBLIC_BASE_URL)
if not DEBUG and _public.scheme != "https":
    raise ImproperlyConfigured("PUBLIC_BASE_URL must be an https:// URL when DEBUG is false.")
if not DEBUG and not validate_host(_public.hostname or "", ALLOWED_HOSTS):
    raise ImproperlyConfigured("ALLOWED_HOSTS must include the host of PUBLIC_BASE_URL.")
CSRF_TRUSTED_ORIGINS = [f"{_public.scheme}://{_public.netloc}"]

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "response_platform.accounts",
    "response_platform.audit",
    "response_platform.sms",
    "response_platform.cases",
    "video",
    "evidence",
    "referrals",
    "followups",
    "response_platform.retention",
    "reviews",
    "control_room",
]

MIDDLEWARE = [
    # First: probes from inside the cluster speak plain HTTP to an internal host name,
    # so /healthz must answer before the HTTPS redirect and the ALLOWED_HOSTS check.
    "response_platform.health.HealthzMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "response_platform.lib.headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # No LocaleMiddleware: staff pages stay English whatever the browser asks, and the
    # caller's pages pick their language from the case or the phone's choice (video/languages.py).
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "response_platform.accounts.middleware.SessionLifetimeMiddleware",
    "response_platform.accounts.middleware.StaffVerifiedMiddleware",
    "response_platform.accounts.middleware.FreshSecondFactorForAdminMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "response_platform.urls"
ASGI_APPLICATION = "response_platform.asgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
# "home" sends each role to its own start page (support workers: the portal inbox).
LOGIN_REDIRECT_URL = "home"

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
                "response_platform.lib.headers.csp_nonce",
                "response_platform.accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {"default": dj_database_url.parse(required("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"))}
# Named explicitly: Channels' live-server tests derive the child server's database
# from TEST.NAME, and would otherwise prefix "test_" a second time.
DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Connections are kept between requests and between a socket's database calls: opening
    # one costs ~9 ms, which capped signaling relay at ~100 frames/s (bench/signaling_load).
    # Health checks replace a connection that died meanwhile. (SQLite connections are a
    # local file open and stay per request: kept ones broke the test database's rebuilds.)
    DATABASES["default"]["CONN_MAX_AGE"] = int(env("DB_CONN_MAX_AGE", "60"))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Without it a vanished database host holds every request, and /healthz, for the OS TCP timeout (minutes).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
# Threads for the signaling consumer's ORM calls, each with its own persistent connection,
# so one socket's chat save does not hold every other socket's frames (bench/signaling_load).
# 0 keeps asgiref's one shared thread: SQLite takes one writer at a time anyway.
SIGNALING_DB_THREADS = (
    int(env("SIGNALING_DB_THREADS", "4")) if DATABASES["default"]["ENGINE"].endswith("postgresql") else 0
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The live-server tests run Daphne in a child process, which cannot share an
    # in-memory database, so the test database is a file too.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
    # Daphne, the worker and beat write from several processes: take the write
    # lock when a transaction starts (no failed lock upgrades) and let readers
    # run beside the writer (WAL).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer, cache, Celery broker -----------------------------
# Production needs Redis: without it the worker's live updates never reach the web
# process's sockets, and two web replicas cannot relay a call between them.
REDIS_URL = required("REDIS_URL")
# Fail fast when Redis vanishes without closing the connection, but let reads
# outlast channels_redis' 5 s blocking pop: at redis-py's default (also 5 s) every
# quiet WebSocket's receive loop died with "Timeout reading from" Redis.
_REDIS_TIMEOUTS = {"socket_connect_timeout": 5, "socket_timeout": 10}
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # channels_redis' core layer, taking a process's messages from Redis in batches
            # and sending each in one round trip (bench/signaling_load).
            "BACKEND": "response_platform.lib.channel_layer.BatchingRedisChannelLayer",
            "CONFIG": {
                # Not redis-py 8's default of 100 connections: a node with 1,000 sockets has more
                # commands in flight than that at peaks (and 1,000 was not enough at saturation),
                # and redis-py fails the extra ones at once (MaxConnectionsError), which closes
                # the socket, rather than waiting (bench/signaling_load).
                "hosts": [{"address": REDIS_URL, "max_connections": 5000, **_REDIS_TIMEOUTS}],
                # "capacity" bounds each channel, but every socket of one Daphne process shares
                # one inbox in Redis (channels_redis keys a process's channels by its prefix), so
                # the default 100 messages were shared by all of a node's sockets and a burst for
                # 1,000 sockets was refused as ChannelFull. A flooding client is stopped by the
                # consumer's token bucket, not by this.
                "capacity": 2000,
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {**_REDIS_TIMEOUTS},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {
        # Tasks ack late, so Redis hands a task to another worker if it is not acked
        # within this time. It must outlast the longest task plus its longest retry
        # countdown (SMS: 40 s); kombu's 1 h default would hold a crashed worker's
        # SMS link back for an hour.
        "visibility_timeout": 300,
        **_REDIS_TIMEOUTS,
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # kombu's filesystem transport: a real broker that needs no server.
    CELERY_BROKER_URL = "filesystem://"
    _queue_dir = VAR_DIR / "celery-queue"
    # kombu does not create its folders; a worker on a fresh VAR_DIR would fail.
    for _folder in ("celery-queue", "celery-processed", "celery-control"):
        (VAR_DIR / _folder).mkdir(exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery-processed"),
        # Exchange bindings; kombu would otherwise write them to ./control.
        "control_folder": str(VAR_DIR / "celery-control"),
        "store_processed": False,
    }

# A worker or beat started before Redis answers waits for it instead of exiting.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# After a lost broker connection a late-acked task can no longer be acked and will
# be redelivered: stop it rather than let two workers run it at once.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
# Texts to victims, notices to support services, and the minute dispatchers each have
# a queue, so a slow webhook receiver cannot hold up a join link.
CELERY_TASK_ROUTES = {
    "sms.*": {"queue": "sms"},
    "referrals.*": {"queue": "referrals"},
    "followups.*": {"queue": "followups"},
    "retention.*": {"queue": "default"},
}
CELERY_BEAT_SCHEDULE = {
    # Texts whose task was lost are queued again; ones stuck for 10 minutes are failed
    # and the specialist told.
    "sweep-unsent-sms": {"task": "sms.sweep_unsent", "schedule": 60.0},
    "expire-stale-sessions": {
        "task": "video.expire_stale_sessions",
        "schedule": 60.0,
    },
    # Everything due later is a database row; these find what is due each minute.
    "dispatch-due-follow-ups": {"task": "followups.dispatch_due", "schedule": 60.0},
    "escalate-overdue-referrals": {"task": "referrals.escalate_overdue", "schedule": 60.0},
    "sweep-service-notices": {"task": "referrals.sweep_deliveries", "schedule": 60.0},
    # Erase what is past each force's retention periods, at night when the control room is quiet.
    "apply-retention": {"task": "retention.apply", "schedule": crontab(hour=2, minute=30)},
}
# Replies from numbers we never had a case for belong to no force, so no force sets their period.
RETENTION_UNMATCHED_SMS_DAYS = int(env("RETENTION_UNMATCHED_SMS_DAYS", "30"))

# --- SMS ------------------------------------------------------------------
SMS_BACKEND = env(
    "SMS_BACKEND",
    "response_platform.sms.backends.outbox.OutboxBackend"
    if DEBUG
    else "response_platform.sms.backends.twilio.TwilioBackend",
)
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN")
TWILIO_FROM_NUMBER = env("TWILIO_FROM_NUMBER")
TWILIO_MESSAGING_SERVICE_SID = env("TWILIO_MESSAGING_SERVICE_SID")
TWILIO_HTTP_TIMEOUT = float(env("TWILIO_HTTP_TIMEOUT", "10"))
if SMS_BACKEND.endswith("TwilioBackend"):
    for _name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"):
        if not globals()[_name]:
            raise ImproperlyConfigured(f"{_name} must be set for the Twilio SMS backend.")
    if not (TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID):
        raise ImproperlyConfigured(
            "TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID must be set for the Twilio SMS backend."
        )
# Ofcom reserves 07700 900000-900999 for drama; libphonenumber calls them
# invalid. Demos and tests use only those numbers, so they are accepted here.
ACCEPT_FICTIONAL_NUMBERS = env_bool("ACCEPT_FICTIONAL_NUMBERS", DEBUG)

# --- WebRTC ---------------------------------------------------------------
# coturn in use-auth-secret mode: each join gets a short-lived credential signed with
# TURN_SECRET (video/ice.py), and the same hosts answer STUN. Without a relay, a
# victim on a mobile network behind carrier-grade NAT often cannot connect at all.
TURN_URLS = env_list("TURN_URLS")
TURN_SECRET = env("TURN_SECRET").strip()
TURN_CREDENTIAL_TTL = int(env("TURN_CREDENTIAL_TTL", "3600"))
if not all(url.startswith(("turn:", "turns:")) for url in TURN_URLS):
    raise ImproperlyConfigured("TURN_URLS must list turn: or turns: URLs, e.g. turn:turn.example.org:3478.")
if not DEBUG and TURN_URLS and not TURN_SECRET:
    raise ImproperlyConfigured("TURN_SECRET must be set with TURN_URLS when DEBUG is false.")
if not DEBUG and TURN_SECRET and not TURN_URLS:
    raise ImproperlyConfigured("TURN_URLS must be set with TURN_SECRET when DEBUG is false.")

# --- Security ---------------------------------------------------------------
# A staff sign-in ends after this long without a request, and after this long in all
# (response_platform/accounts/session_lifetime.py); an open call counts as activity.
STAFF_IDLE_MINUTES = int(env("STAFF_IDLE_MINUTES", "30"))
STAFF_SESSION_HOURS = int(env("STAFF_SESSION_HOURS", "12"))
# Exports and admin changes want a code entered this recently (accounts/fresh_otp.py).
FRESH_OTP_MINUTES = int(env("FRESH_OTP_MINUTES", "5"))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = STAFF_SESSION_HOURS * 60 * 60
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # no script reads it: forms carry the token
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /healthz needs no exemption: HealthzMiddleware answers it before this redirect.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
# Staff pages: "same-origin" keeps the Origin header on form posts (CSRF checks need it)
# and still sends nothing to other sites. Victim pages send "no-referrer" themselves.
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Proxies that append to X-Forwarded-For in front of daphne; throttles count the
# address the outermost one saw (response_platform/lib/throttle.py).
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "1"))
LOGIN_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW = int(env("LOGIN_FAILURE_WINDOW", "900"))
JOIN_REDEMPTION_LIMIT = int(env("JOIN_REDEMPTION_LIMIT", "20"))
JOIN_REDEMPTION_WINDOW = int(env("JOIN_REDEMPTION_WINDOW", "600"))
OTP_TOTP_ISSUER = "Response Platform"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en-gb"
# The caller's pages, consent notices and join-link text come in these languages
# (catalogues in locale/); staff pages are English only. Names are for staff forms.
LANGUAGES = [
    ("en-gb", "English"),
    ("cy", "Welsh"),
    ("ar", "Arabic"),
    ("pl", "Polish"),
    ("ur", "Urdu"),
    ("ro", "Romanian"),
    ("pa", "Punjabi (Gurmukhi)"),
    ("bn", "Bengali"),
]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static files -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Minified, hashed and compressed (see the module); hashed names are cached for a year by phones.
        "BACKEND": "response_platform.lib.static_storage.MinifiedManifestStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Email and logging --------------------------------------------------------
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "no-reply@localhost")
# SMTP in production (notices to support services and supervisors carry no personal data).
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not DEBUG)  # STARTTLS, on the submission port by default
EMAIL_PORT = int(env("EMAIL_PORT", "587" if EMAIL_USE_TLS else "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
# Without a timeout a silent mail server holds a worker (and its queue) for ever.
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "10"))
# Seconds for a support service's webhook receiver to answer before the try counts as
# failed and is retried (referrals/webhooks.py).
WEBHOOK_TIMEOUT = float(env("WEBHOOK_TIMEOUT", "10"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # Request lines carry join tokens; the access log must never print them.
    "loggers": {"django.channels.server": {"level": "WARNING"}},
}
