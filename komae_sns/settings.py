"""Settings for komae-sns: one module, every value from the environment with a working default.

The embedded defaults (SQLite file, local filesystem broker) need nothing installed; production
differs by environment values alone: DATABASE_URL, REDIS_URL, SECRET_KEY, DEBUG=false, ALLOWED_HOSTS.
"""

import base64
import hashlib
import ipaddress
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from cryptography.fernet import Fernet
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from komae_sns import __version__ as VERSION  # noqa: F401 - the release: footer (sysadmin), /healthz
from komae_sns.city import BUNDLED as BUNDLED_PROFILE
from komae_sns.city import load_profile, municipality_code_problem, peer_url_problem
from komae_sns.directory import BACKEND as DIRECTORY_BACKEND
from komae_sns.directory import directory_settings

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # runtime data of the embedded defaults (git-ignored)

env = environ.Env()
if (BASE_DIR / ".env").is_file():  # optional; absent in CI and on a fresh checkout (no log line then)
    environ.Env.read_env(BASE_DIR / ".env")

DEV_SECRET_KEY = "dev-only-insecure-key-komae-sns-do-not-use-in-production"

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY: production (DEBUG=false) needs a secret of 50+ random characters, not the dev default."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# What differs from city to city (issue 15): the profile named by CITY_PROFILE, Komae's by default
# (komae_sns/city.py). A broken profile stops start-up here, naming the key. The settings below of
# the same meaning, given in the environment, override it.
CITY_PROFILE = env.str("CITY_PROFILE", default="") or str(BUNDLED_PROFILE)
CITY = load_profile(CITY_PROFILE)
if CITY.path.resolve() != BUNDLED_PROFILE.resolve():
    # Another city's embedded data (SQLite, files, broker) lives apart from Komae's: `make run` with
    # two profiles on one checkout never mixes their demos.
    VAR_DIR = VAR_DIR / CITY.path.stem
CITY_NAME = env.str("CITY_NAME", default=CITY.name)
# P-4: the registered e-mail address of an official account must be on the city's own domain.
CITY_EMAIL_DOMAIN = env.str("CITY_EMAIL_DOMAIN", default=CITY.email_domain).lower()
CITY_HOMEPAGE_URL = env.str("CITY_HOMEPAGE_URL", default=CITY.homepage_url)
# Issue 24: the city's 全国地方公共団体コード, published in its /registry/accounts.json ("publisher_code").
CITY_CODE = env.str("CITY_CODE", default=CITY.code)
if CITY_CODE and (_problem := municipality_code_problem(CITY_CODE)):
    raise ImproperlyConfigured(f"CITY_CODE: {_problem}")
# Issue 24: the peers' accounts.json URLs this instance reads (other municipalities' registries);
# REGISTRY_PEERS (comma-separated) overrides the profile's [registry] peers, as CITY_NAME does its name.
REGISTRY_PEERS = list(CITY.registry_peers)
if os.environ.get("REGISTRY_PEERS") is not None:
    REGISTRY_PEERS = list(dict.fromkeys(u.strip() for u in os.environ["REGISTRY_PEERS"].split(",") if u.strip()))
for _peer in REGISTRY_PEERS:
    if _problem := peer_url_problem(_peer):
        raise ImproperlyConfigured(f"REGISTRY_PEERS: {_problem}")
# How the peers are read: each answer within PEER_FETCH_TIMEOUT seconds (the whole answer, not only each
# read) and PEER_MAX_BYTES, at most PEER_MAX_ACCOUNTS accounts a peer, PEER_FETCH_CONCURRENCY at a time,
# hourly at PEER_FETCH_MINUTE past (Asia/Tokyo).
PEER_FETCH_TIMEOUT = env.float("PEER_FETCH_TIMEOUT", default=10.0)
PEER_MAX_BYTES = env.int("PEER_MAX_BYTES", default=5 * 1024 * 1024)
PEER_MAX_ACCOUNTS = env.int("PEER_MAX_ACCOUNTS", default=2000)
PEER_FETCH_CONCURRENCY = env.int("PEER_FETCH_CONCURRENCY", default=32)
PEER_FETCH_MINUTE = env.int("PEER_FETCH_MINUTE", default=20)
if PEER_FETCH_TIMEOUT <= 0 or PEER_MAX_BYTES < 1024 or PEER_MAX_ACCOUNTS < 1 or PEER_FETCH_CONCURRENCY < 1:
    raise ImproperlyConfigured(
        "PEER_FETCH_TIMEOUT, PEER_MAX_BYTES (≥ 1024), PEER_MAX_ACCOUNTS and PEER_FETCH_CONCURRENCY must be positive."
    )
if not 0 <= PEER_FETCH_MINUTE <= 59:
    raise ImproperlyConfigured("PEER_FETCH_MINUTE must be a minute, 0 to 59.")
# Where staff open this app: mail links are absolute (a mail client cannot open "/requests/2/").
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        "SITE_URL: production (DEBUG=false) needs the app's address, e.g. https://sns.city.lg.jp"
    )
# 年度 2019 began in 平成31 but the state called it 令和元年度; the city decides (PITFALLS: Eras).
NENDO_2019_ERA = env.str("NENDO_2019_ERA", default="令和")
if NENDO_2019_ERA not in ("令和", "平成"):
    raise ImproperlyConfigured("NENDO_2019_ERA must be 令和 or 平成.")
# G-4-5-イ: the impact of stopping an account, by follower count: "below:label:notice days", the
# last entry without a bound. Levels and the notice period they suggest are the city's to set.
SUSPENSION_IMPACT_LEVELS = []
for _entry in env.list("SUSPENSION_IMPACT_LEVELS", default=[]):
    _bound, _label, _days = _entry.split(":")
    SUSPENSION_IMPACT_LEVELS.append((None if _bound == "*" else int(_bound), _label, int(_days)))
if not os.environ.get("SUSPENSION_IMPACT_LEVELS"):
    SUSPENSION_IMPACT_LEVELS = [(level.below, level.label, level.notice_days) for level in CITY.impact_levels]
if not SUSPENSION_IMPACT_LEVELS or SUSPENSION_IMPACT_LEVELS[-1][0] is not None:
    raise ImproperlyConfigured("SUSPENSION_IMPACT_LEVELS must end with an unbounded level (*:大:90).")
# G-4-3-カ: an account with no post for this many days is flagged dormant (a hijack risk).
DORMANT_DAYS = env.int("DORMANT_DAYS", default=90)
# Where the status checks of a platform connect instead of the platform itself:
# STATUS_CHECK_BASE_<CODE>=https://… (an official API base, the city's outbound proxy, a test
# server). The outbound guard admits exactly the platforms' own hosts and these bases; only a base
# may live on an internal address, because the operator configured it (core.outbound).
STATUS_CHECK_BASES = {}
for _key, _value in sorted(os.environ.items()):
    if _key.startswith("STATUS_CHECK_BASE_") and _value.strip():
        _base = urlsplit(_value.strip())
        if _base.scheme not in ("http", "https") or not _base.hostname or _base.username or _base.query:
            raise ImproperlyConfigured(f"{_key} must be an http(s) base URL without user info or query: {_value!r}")
        STATUS_CHECK_BASES[_key.removeprefix("STATUS_CHECK_BASE_").lower()] = _value.strip().rstrip("/")
# Rate limits: at most this many requests at a time to one platform; a 429 whose Retry-After asks
# for a longer wait than this (seconds) ends the check as 確認できず, to be tried at the next run.
# When beat checks (hours in Asia/Tokyo, crontab's hour field): accounts in use twice a day
# (G-4-3-カ), stopped accounts daily (G-4-5-エ).
STATUS_CHECK_ACTIVE_HOURS = env.str("STATUS_CHECK_ACTIVE_HOURS", default="7,19")
STATUS_CHECK_SUSPENDED_HOURS = env.str("STATUS_CHECK_SUSPENDED_HOURS", default="6")
STATUS_CHECK_PLATFORM_CONCURRENCY = env.int("STATUS_CHECK_PLATFORM_CONCURRENCY", default=8)
STATUS_CHECK_MAX_RETRY_AFTER = env.int("STATUS_CHECK_MAX_RETRY_AFTER", default=30)
# The YouTube Data API units the city's project may spend a day (Google's default quota; reset at
# midnight Pacific time): the status checks and the archive count every call, and a call that would
# pass it is not made (platforms/quota.py). Set the quota Google granted, or less to keep a reserve.
YOUTUBE_DAILY_QUOTA = env.int("YOUTUBE_DAILY_QUOTA", default=10000)
if YOUTUBE_DAILY_QUOTA < 0:
    raise ImproperlyConfigured("YOUTUBE_DAILY_QUOTA must be 0 or more (units a day).")
# Of those, the units the lookalike search (issue 23: search.list, 100 units a call) may spend a day,
# counted apart as well: discovery keeps within it and leaves the rest to the status checks and the archive.
DISCOVERY_YOUTUBE_DAILY_UNITS = env.int("DISCOVERY_YOUTUBE_DAILY_UNITS", default=1000)
if DISCOVERY_YOUTUBE_DAILY_UNITS < 0:
    raise ImproperlyConfigured("DISCOVERY_YOUTUBE_DAILY_UNITS must be 0 or more (units a day).")
# G-4-3-ア: remind the 管理者 when the last logged content check is older than this (days).
CONTENT_CHECK_DAYS = env.int("CONTENT_CHECK_DAYS", default=30)
# P-7-3: the 課長 is reminded to apply for an account's verification at most once in this many days.
VERIFICATION_REMINDER_DAYS = env.int("VERIFICATION_REMINDER_DAYS", default=30)
if VERIFICATION_REMINDER_DAYS < 1:
    raise ImproperlyConfigured("VERIFICATION_REMINDER_DAYS must be 1 or more (days).")
# Remind the 課長 this many days before a notice period ends (G-4-5-ウ).
NOTICE_ENDING_DAYS = env.int("NOTICE_ENDING_DAYS", default=7)
# Year-end reviews open in this month and stay open to the end of the 年度 (G-4-5-ア; 4 = all year).
REVIEW_OPENS_MONTH = env.int("REVIEW_OPENS_MONTH", default=CITY.review_opens_month)
if not 1 <= REVIEW_OPENS_MONTH <= 12:
    raise ImproperlyConfigured("REVIEW_OPENS_MONTH must be a month, 1 to 12.")
# Reminder thresholds used by the dashboards (days).
PASSWORD_CHANGE_DUE_DAYS = env.int("PASSWORD_CHANGE_DUE_DAYS", default=180)
# The API tokens of the status checks (issue 13) are encrypted at rest with these Fernet keys,
# comma-separated: the first encrypts, every one decrypts (MultiFernet). To rotate, put a new key
# in front, run `manage.py rotate_credentials`, then drop the old key. Production must set them;
# in development and tests a key derived from SECRET_KEY is acceptable (no real token is kept there).
CREDENTIAL_KEYS = [k.strip() for k in env.list("CREDENTIAL_KEYS", default=[]) if k.strip()]
# What code marks sensitive (a token being registered or refreshed) is hidden from every error
# report, the DEBUG page included (issue 20).
DEFAULT_EXCEPTION_REPORTER_FILTER = "core.errors.AlwaysSafeExceptionReporterFilter"
if not CREDENTIAL_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "CREDENTIAL_KEYS: 本番（DEBUG=false）では、APIトークンを暗号化する鍵が必要です。"
            " Production needs one or more Fernet keys, comma-separated; make one with "
            "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        )
    _derived = hashlib.sha256(b"komae-sns credential key\0" + SECRET_KEY.encode()).digest()
    CREDENTIAL_KEYS = [base64.urlsafe_b64encode(_derived).decode()]
for _number, _key in enumerate(CREDENTIAL_KEYS, start=1):
    try:
        Fernet(_key)
    except (ValueError, TypeError):
        raise ImproperlyConfigured(
            f"CREDENTIAL_KEYS: {_number}番目の鍵がFernetの鍵ではありません（32バイトをURL-safe base64にした44文字）。"
            f" Key {_number} is not a valid Fernet key (32 url-safe base64-encoded bytes, 44 characters)."
        ) from None
# The sysadmins are told once when a token enters this many days before its expiry (and again a
# week before, and when it has lapsed): platforms/credentials.py.
CREDENTIAL_REMINDER_DAYS = env.int("CREDENTIAL_REMINDER_DAYS", default=30)
# Tokens that renew themselves (Threads' 60-day tokens) are refreshed by beat in the last this many
# days of their life (platforms/renewals.py).
CREDENTIAL_REFRESH_DAYS = env.int("CREDENTIAL_REFRESH_DAYS", default=14)
if not 1 <= CREDENTIAL_REMINDER_DAYS <= 365:
    raise ImproperlyConfigured("CREDENTIAL_REMINDER_DAYS must be 1 to 365 (days).")

INSTALLED_APPS = [
    "org.admin_site.KomaeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "axes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "pgtrigger",  # the database refuses deleting kept records and rewriting fixed ones (core/protect.py)
    "core",
    "org",
    "accounts",
    "platforms",
    "approvals",
    "policies",
    "monitoring",
    "reviews",
    "discovery",
    "archive",
    "screening",
    "portal",
    "api",  # issue 24: /api/v1/ for other tools, beside the portal
    "ninja",  # django-ninja's own static files: the API's docs (Swagger UI) are served from here, no CDN
]

MIDDLEWARE = [
    "core.logs.RequestIdMiddleware",  # first: every log line of the request carries its id
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.RequestHygieneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.OwnNotFoundPageMiddleware",  # inside CSP and the slash redirect: DEBUG's 404 is ours
    # Last, as django-axes asks: turns a locked-out sign-in into the Japanese lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "komae_sns.urls"
WSGI_APPLICATION = "komae_sns.wsgi.application"

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
                "core.context_processors.city",
                "org.context_processors.roles",
                "portal.context_processors.unread_notices",
                "portal.context_processors.menu",
            ],
            "builtins": [
                "core.templatetags.wareki",
                "core.templatetags.city",
                "django.contrib.humanize.templatetags.humanize",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
# The role that owns the schema (deploy/database-roles.sql): `migrate` and `restore` connect as it
# (core/dbroles.py); the app itself connects with DATABASE_URL, a role with DML only. Unset (a
# developer's machine): both as DATABASE_URL's role. Kept as the parsed dict only: Django's error
# pages hide its PASSWORD.
_migrate_url = env.str("MIGRATE_DATABASE_URL", default="")
MIGRATE_DATABASE = env.db_url_config(_migrate_url) if _migrate_url else None
if MIGRATE_DATABASE and (MIGRATE_DATABASE["ENGINE"], MIGRATE_DATABASE["NAME"]) != (
    DATABASES["default"]["ENGINE"],
    DATABASES["default"]["NAME"],
):
    raise ImproperlyConfigured(
        "MIGRATE_DATABASE_URL must name the same database as DATABASE_URL, as the role that owns its schema."
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default under a double submit (PITFALLS): a transaction takes the write lock when
    # it begins (IMMEDIATE), so a second writer waits up to `timeout` seconds instead of failing with
    # "database is locked"; it then sees the first one's result and gets the Japanese message, as on
    # PostgreSQL. WAL lets readers go on while one writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
    # Tests use a file too: an in-memory shared-cache database locks by table and never waits.
    _sqlite_name = Path(DATABASES["default"]["NAME"])
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", str(_sqlite_name.with_name(f"test_{_sqlite_name.name}"))
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in throttling (SPEC §7) by django-axes, for our login, the admin's, the password change and
# the directory: failed attempts in the database, counted for LOGIN_LOCKOUT_SECONDS. The lockout must
# not be a weapon (issue 20), so only the pair (user name, address) is locked, after
# LOGIN_FAILURE_LIMIT failures; a name failing from several addresses, or an address failing on
# LOGIN_FAILURE_LIMIT_PER_ADDRESS existing names, is slowed down to one try per LOGIN_SLOWDOWN_SECONDS
# (default: the rate the lock allows) except from an address the name signed in from within
# LOGIN_FAMILIAR_DAYS; names that do not exist are counted apart, up to
# LOGIN_UNKNOWN_NAME_LIMIT_PER_ADDRESS per address, and never hold back an existing name. See org/lockouts.py.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env.int("LOGIN_FAILURE_LIMIT_PER_ADDRESS", default=20)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=15 * 60)
if not 0 < LOGIN_FAILURE_LIMIT <= LOGIN_FAILURE_LIMIT_PER_ADDRESS:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT must be positive and not above LOGIN_FAILURE_LIMIT_PER_ADDRESS.")
LOGIN_SLOWDOWN_SECONDS = env.int("LOGIN_SLOWDOWN_SECONDS", default=max(1, LOGIN_LOCKOUT_SECONDS // LOGIN_FAILURE_LIMIT))
LOGIN_FAMILIAR_DAYS = env.int("LOGIN_FAMILIAR_DAYS", default=90)
LOGIN_UNKNOWN_NAME_LIMIT_PER_ADDRESS = env.int("LOGIN_UNKNOWN_NAME_LIMIT_PER_ADDRESS", default=20)
for _name in ("LOGIN_LOCKOUT_SECONDS", "LOGIN_SLOWDOWN_SECONDS", "LOGIN_UNKNOWN_NAME_LIMIT_PER_ADDRESS"):
    if globals()[_name] <= 0:
        raise ImproperlyConfigured(f"{_name} must be positive.")
if LOGIN_FAMILIAR_DAYS < 0:
    raise ImproperlyConfigured("LOGIN_FAMILIAR_DAYS must be 0 (no address is familiar) or more.")
# Sign-in with the city's directory (LDAP / Active Directory) when LDAP_SERVER_URI is set: the
# AUTH_LDAP_* settings and LDAP_ROLE_GROUPS from the environment (komae_sns/directory.py). Local
# accounts keep signing in with ModelBackend (the sysadmin's, a city without a directory, the demo).
_directory = directory_settings(os.environ)
globals().update(_directory)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out name or address before any check
    *([DIRECTORY_BACKEND] if _directory else []),
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "org.lockouts.CityAxesHandler"
AXES_FAILURE_LIMIT = "org.lockouts.failure_limit"  # LOGIN_FAILURE_LIMIT, of one pair
AXES_COOLOFF_TIME = timedelta(seconds=LOGIN_LOCKOUT_SECONDS)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # the pair; slow-downs in org.lockouts.refusal_for
AXES_USERNAME_CALLABLE = "org.lockouts.username_of"
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_ip"
AXES_LOCKOUT_CALLABLE = "org.lockouts.locked_out_response"
AXES_RESET_ON_SUCCESS = True  # forgets the pair's failures only
# Tries during a lockout are not counted: it ends when the page says it does.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False  # no banner on every manage.py command; failures are still logged, names masked
AXES_ENABLE_ADMIN = False  # the security officer's page (org.views.lockout_list) shows them instead
# The client address behind the city's reverse proxy: the header is believed only from these proxies.
# TRUSTED_PROXY_HEADER=X-Forwarded-For, TRUSTED_PROXIES=127.0.0.1/32,::1/128 (nginx on the same host).
TRUSTED_PROXY_HEADER = env.str("TRUSTED_PROXY_HEADER", default="").strip()
if TRUSTED_PROXY_HEADER:
    TRUSTED_PROXY_HEADER = "HTTP_" + TRUSTED_PROXY_HEADER.upper().replace("-", "_")
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
try:
    TRUSTED_PROXIES = [
        ipaddress.ip_network(n.strip()) for n in env.list("TRUSTED_PROXIES", default=["127.0.0.1/32", "::1/128"])
    ]
except ValueError as _exc:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES must list addresses or networks: {_exc}") from _exc

# The public lookup (/registry/verify): lookups one client address may make the server work out per
# window (answers already kept in the cache are never refused), e.g. LOOKUP_RATE=60/60.
LOOKUP_RATE = env.str("LOOKUP_RATE", default="60/60").strip()
try:
    LOOKUP_RATE_LIMIT, LOOKUP_RATE_SECONDS = (int(part) for part in LOOKUP_RATE.split("/"))
    if LOOKUP_RATE_LIMIT < 1 or LOOKUP_RATE_SECONDS < 1:
        raise ValueError
except ValueError:
    raise ImproperlyConfigured(
        f"LOOKUP_RATE must be <lookups>/<seconds> with both at least 1, e.g. 60/60 (got {LOOKUP_RATE!r})"
    ) from None


# The API for other tools (/api/v1/, issue 24): requests one token (or one signed-in person) may make
# per window; beyond it a Japanese 429 with Retry-After. A token lives API_TOKEN_MAX_DAYS at most.
API_RATE_LIMIT = env.int("API_RATE_LIMIT", default=600)
API_RATE_SECONDS = env.int("API_RATE_SECONDS", default=60)
if API_RATE_LIMIT < 1 or API_RATE_SECONDS < 1:
    raise ImproperlyConfigured("API_RATE_LIMIT and API_RATE_SECONDS must be at least 1.")
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)
if not 1 <= API_TOKEN_MAX_DAYS <= 3650:
    raise ImproperlyConfigured("API_TOKEN_MAX_DAYS must be 1 to 3650 (days).")


# Residents' reports of a fake account (/registry/report/, issue 23): no sign-in and no CAPTCHA, so
# bounded per client address (REPORT_RATE, reports per seconds) and in total (REPORT_TOTAL_RATE) — a
# flood is refused with a clear message and Retry-After, and never fills the security officer's queue.
def _rate(name: str, default: str) -> tuple[int, int]:
    value = env.str(name, default=default).strip()
    try:
        count, seconds = (int(part) for part in value.split("/"))
        if count < 1 or seconds < 1:
            raise ValueError
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be <requests>/<seconds> with both at least 1, e.g. {default} (got {value!r})"
        ) from None
    return count, seconds


REPORT_RATE_LIMIT, REPORT_RATE_SECONDS = _rate("REPORT_RATE", "5/3600")
REPORT_TOTAL_RATE_LIMIT, REPORT_TOTAL_RATE_SECONDS = _rate("REPORT_TOTAL_RATE", "200/3600")

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語")]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
# Django's ja formats reject 2026/04/01 in date fields; ours accept it (and 和暦 via core.forms).
FORMAT_MODULE_PATH = ["komae_sns.formats"]

# Uploads (incident evidence, SPEC §4.5) and request bodies: a file stops being stored past
# MAX_UPLOAD_BYTES; a body over MAX_REQUEST_BODY_BYTES is refused unread (413). The reverse proxy's
# limit (nginx client_max_body_size) should match MAX_REQUEST_BODY_BYTES (README "Security").
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
MAX_REQUEST_BODY_BYTES = env.int("MAX_REQUEST_BODY_BYTES", default=MAX_UPLOAD_BYTES + 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# The archive of posts (issue 22, archive/capture.py). Beat captures every 運用中, 停止予告中 and 運用停止
# account at ARCHIVE_CAPTURE_MINUTE past the hours ARCHIVE_CAPTURE_HOURS (crontab's hour field, Asia/Tokyo;
# "*": hourly), one Celery task per account. A run reads at most ARCHIVE_PAGES_PER_RUN pages of
# ARCHIVE_PAGE_SIZE posts of one account; a longer history goes on in the next runs. A media file a post
# names is kept up to ARCHIVE_MEDIA_MAX_BYTES, at most ARCHIVE_MEDIA_PER_RUN files an account and run.
# ARCHIVE_BURST_POSTS posts published within ARCHIVE_BURST_MINUTES is a burst (G-4-3-カ: 乗っ取りの恐れ).
ARCHIVE_CAPTURE_HOURS = env.str("ARCHIVE_CAPTURE_HOURS", default="*")
ARCHIVE_CAPTURE_MINUTE = env.int("ARCHIVE_CAPTURE_MINUTE", default=20)
ARCHIVE_PAGES_PER_RUN = env.int("ARCHIVE_PAGES_PER_RUN", default=20)
ARCHIVE_PAGE_SIZE = env.int("ARCHIVE_PAGE_SIZE", default=100)
ARCHIVE_MEDIA_MAX_BYTES = env.int("ARCHIVE_MEDIA_MAX_BYTES", default=20 * 1024 * 1024)
ARCHIVE_MEDIA_PER_RUN = env.int("ARCHIVE_MEDIA_PER_RUN", default=50)
ARCHIVE_BURST_POSTS = env.int("ARCHIVE_BURST_POSTS", default=10)
ARCHIVE_BURST_MINUTES = env.int("ARCHIVE_BURST_MINUTES", default=60)
# Issue 25: a post is matched by its text to a decided draft when published from POST_MATCH_BEFORE_HOURS
# before the draft's planned time to POST_MATCH_AFTER_HOURS after it (archive/matching.py): a day early,
# three days late.
POST_MATCH_BEFORE_HOURS = env.int("POST_MATCH_BEFORE_HOURS", default=24)
POST_MATCH_AFTER_HOURS = env.int("POST_MATCH_AFTER_HOURS", default=72)
if not 1 <= ARCHIVE_PAGE_SIZE <= 100:
    raise ImproperlyConfigured("ARCHIVE_PAGE_SIZE は1〜100で指定してください。")
if ARCHIVE_PAGES_PER_RUN < 1 or ARCHIVE_BURST_POSTS < 2 or ARCHIVE_BURST_MINUTES < 1:
    raise ImproperlyConfigured("ARCHIVE_PAGES_PER_RUN・ARCHIVE_BURST_POSTS・ARCHIVE_BURST_MINUTES の値が小さすぎます。")

# Lookalike discovery (issue 23, discovery/): beat searches every platform that can search accounts daily at
# DISCOVERY_HOUR:DISCOVERY_MINUTE (Asia/Tokyo) with at most DISCOVERY_MAX_QUERIES words (the official
# accounts' names and handles, the city's and the 課's names), DISCOVERY_RESULTS_PER_QUERY results each;
# the listed impersonators are read again at the same time to find those the platform removed.
# YouTube's search costs 100 units a call: DISCOVERY_YOUTUBE_DAILY_UNITS (platforms/quota.py) bounds it.
DISCOVERY_HOUR = env.int("DISCOVERY_HOUR", default=5)
DISCOVERY_MINUTE = env.int("DISCOVERY_MINUTE", default=40)
DISCOVERY_MAX_QUERIES = env.int("DISCOVERY_MAX_QUERIES", default=60)
DISCOVERY_RESULTS_PER_QUERY = env.int("DISCOVERY_RESULTS_PER_QUERY", default=25)
# Profile pictures of results that look somewhat like an official account, compared per platform and pass.
DISCOVERY_AVATARS_PER_PASS = env.int("DISCOVERY_AVATARS_PER_PASS", default=100)
if DISCOVERY_MAX_QUERIES < 1 or not 1 <= DISCOVERY_RESULTS_PER_QUERY <= 100:
    raise ImproperlyConfigured(
        "DISCOVERY_MAX_QUERIES は1以上、DISCOVERY_RESULTS_PER_QUERY は1〜100で指定してください。"
    )

# Backups (issue 14, core/backup): beat writes the database and MEDIA_ROOT's files nightly at
# BACKUP_HOUR (Asia/Tokyo) into a folder named by the time under BACKUP_DIR, and keeps the newest
# BACKUP_KEEP. Put BACKUP_DIR on another disk (or a mount of another machine) than the database.
BACKUP_DIR = env.path("BACKUP_DIR", default=str(VAR_DIR / "backups"))
BACKUP_KEEP = env.int("BACKUP_KEEP", default=14)
BACKUP_HOUR = env.int("BACKUP_HOUR", default=2)
# Each backup's manifest (every file's SHA-256) is signed with HMAC-SHA256 and the first of these keys;
# a restore accepts a signature by any of them (to rotate: the new key in front, the old one behind
# until the backups it signed are gone). Keep the keys apart from the backups, like CREDENTIAL_KEYS.
BACKUP_SIGNING_KEYS = [k.strip() for k in env.list("BACKUP_SIGNING_KEY", default=[]) if k.strip()]
if not BACKUP_SIGNING_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "BACKUP_SIGNING_KEY: 本番（DEBUG=false）では、バックアップに署名する鍵が必要です。"
            " Production needs a key to sign backups; make one with "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    BACKUP_SIGNING_KEYS = [hashlib.sha256(b"komae-sns backup signing key\0" + SECRET_KEY.encode()).hexdigest()]
for _number, _key in enumerate(BACKUP_SIGNING_KEYS, start=1):
    if len(_key) < 32:
        raise ImproperlyConfigured(
            f"BACKUP_SIGNING_KEY: {_number}番目の鍵が短すぎます（32文字以上の乱数にしてください）。"
            f" Key {_number} is too short: use 32 or more random characters."
        )
if BACKUP_KEEP < 1:
    raise ImproperlyConfigured("BACKUP_KEEP must be 1 or more (backups kept).")
if not 0 <= BACKUP_HOUR <= 23:
    raise ImproperlyConfigured("BACKUP_HOUR must be an hour, 0 to 23.")

# Redis when REDIS_URL is given; otherwise the embedded defaults: a filesystem cache and a
# filesystem Celery broker under var/, shared by the web process, the worker and beat.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    # A task taken by a worker that dies is delivered again after the visibility timeout (the
    # idempotent tasks use acks_late); tests shorten it to see the redelivery happen.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
        "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    CELERY_BROKER_URL = "filesystem://"
    _queue_dir = str(VAR_DIR / "broker")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": _queue_dir,
        "data_folder_out": _queue_dir,
        "control_folder": str(VAR_DIR / "broker" / "control"),
        "store_processed": False,
    }
# The embedded defaults keep their files here; create the folders so a fresh checkout just runs.
for _folder in (VAR_DIR / "broker", VAR_DIR / "cache", Path(STATIC_ROOT)):
    _folder.mkdir(parents=True, exist_ok=True)
# Issue 22: a long PDF (a year's posts) is laid out by this many processes at once (core.pdf); 0: one per
# CPU, at most core.pdf.PDF_PROCESSES_MAX; 1: in the process that was asked, alone.
PDF_PROCESSES = env.int("PDF_PROCESSES", default=0)
CELERY_TIMEZONE = TIME_ZONE  # PITFALLS: crontab entries otherwise run in UTC in some setups
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Issue 22: the archive's captures wait on the platforms, not on the CPU, and come a hundred at a time
# each hour: they have a queue of their own, which a worker with a pool of threads takes
# (deploy/systemd/komae-sns-archive-worker.service), so that they never hold up the status checks, the
# mail or a PDF in the main worker. `make run`'s one worker takes both queues.
CELERY_TASK_ROUTES = {"archive.tasks.capture_posts": {"queue": "archive"}}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"sns-kanri@{CITY_EMAIL_DOMAIN}")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Content-Security-Policy (django-csp 4): every asset is ours (LGWAN), nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# A stale form (a page left open past the session) gets our Japanese page, not Django's English one.
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    # What `check --deploy` asks for; a reverse proxy terminating TLS sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # A load balancer probes /healthz over plain HTTP inside the network; a redirect would read as down.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Structured logs (core/logs.py): one JSON object per line with the request id (also in Celery
# tasks) for the city's log collector; readable text in development.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "core.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "core.logs.JsonFormatter"},
        # One line per record in both: control characters are escaped (no request can forge a line).
        "text": {
            "()": "core.logs.TextFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(task)s] %(message)s",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_context"], "formatter": LOG_FORMAT}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # runserver's request lines (the raw request line) through the same handler: escaped, one line.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
    },
}
