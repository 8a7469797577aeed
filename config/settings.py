"""Settings, read from environment variables (see README "Configuration")."""

from datetime import timedelta
from pathlib import Path

import dj_database_url

from config.env import check_river_settings, env_bool, env_decimal, env_int, env_list, env_str
from config.objectstore import s3_storage

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105 - DEBUG only
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # First: its `changepassword` command replaces django.contrib.auth's (the first app to define a command wins).
    "accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "rivers",
    "staffing",
    "patrol",
    "assessments",
    "overview",
    "backups",
]

MIDDLEWARE = [
    # First: every log line of a request carries its id, and the answer echoes it (config/requestlog.py).
    "config.requestlog.RequestIdMiddleware",
    # GET /healthz for load balancers, answered before host validation and the HTTPS redirect (config/health.py).
    "config.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside whitenoise, so that static files get the policy too (config/security.py).
    "config.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads a body: no length, too long a body or query string (config/limits.py).
    "config.limits.RequestLimitsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the outcome of every authentication attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

# Database: SQLite by default; DATABASE_URL=postgres://… switches to PostgreSQL (psycopg 3).
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets readers run beside a writer; IMMEDIATE takes the write lock at BEGIN so that
    # concurrent phone submissions queue on the busy timeout instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2id (argon2-cffi) at OWASP's parameters (accounts/hashers.py) for new and changed passwords: a login costs
# a tenth of PBKDF2's million rounds (docs/benchmarks.md, bench/login.py). PBKDF2 stays after it so that the hashes
# stored before still verify; Django rehashes each with Argon2 at its owner's next successful login.
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Brute force: lock a username from one address, never a whole office sharing one NAT address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# Failures counted in the database: one lockout across every app server.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploaded files (photos, roster filings): local files under MEDIA_ROOT unless OBJECT_STORAGE_BUCKET names a bucket
# of an S3-compatible object store, which several app servers then share (config/objectstore.py, docs/deploy.md).
OBJECT_STORAGE_BUCKET = env_str("OBJECT_STORAGE_BUCKET", "")
STORAGES = {
    "default": s3_storage(
        bucket=OBJECT_STORAGE_BUCKET,
        endpoint_url=env_str("OBJECT_STORAGE_ENDPOINT_URL", ""),
        access_key_id=env_str("OBJECT_STORAGE_ACCESS_KEY_ID", ""),
        secret_access_key=env_str("OBJECT_STORAGE_SECRET_ACCESS_KEY", ""),
        region=env_str("OBJECT_STORAGE_REGION", ""),
        prefix=env_str("OBJECT_STORAGE_PREFIX", ""),
        addressing_style=env_str("OBJECT_STORAGE_ADDRESSING_STYLE", ""),
    )
    if OBJECT_STORAGE_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production: hashed names (cached for a year) and .gz/.br copies made by collectstatic, which whitenoise serves
    # to browsers that take them; STATIC_COMPRESS=0 leaves the copies out (a proxy that compresses, or a quick
    # collectstatic for a throwaway server: compressing every asset costs most of its time).
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_COMPRESS", True)
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.RolePermission"],
    # JSON bounded in nesting and numbers (config/parsers.py); forms and files as DRF reads them.
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "config.schema.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env_int("API_TOKEN_TTL_DAYS", 30)),
    "AUTO_REFRESH": True,
    "MIN_REFRESH_INTERVAL": 3600,
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "河湖(库)巡察员管理系统 API",
    # The guide lives in the repository (docs/api.md); the schema says where, for whoever reads only the schema.
    "DESCRIPTION": (
        "REST API v1 of the river patroller management system (河湖(库)巡察员管理系统).\n\n"
        "The API guide is `docs/api.md` in the project's repository: conventions (JSON, dates, the error shape "
        '`{"errors": {field: [message, …]}}`, pagination, sync with `updated_since`), the fixed paths, fields and '
        "status codes phones are built against, and the demo accounts. Log in with `POST /api/v1/auth/token/`, then "
        "send `Authorization: Token <token>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Served from the project (sidecar package): intranets have no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets whose field name ("status") recurs elsewhere get a stable name instead of a hash.
    "ENUM_NAME_OVERRIDES": {
        "VacancyStatusEnum": "staffing.models.Vacancy.Status",
        "AssessmentStatusEnum": "assessments.models.Assessment.Status",
        "CorrectionStatusEnum": "assessments.models.Correction.Status",
        "DismissalFlagStatusEnum": "assessments.models.DismissalFlag.Status",
        "SupervisionReportStatusEnum": "assessments.models.SupervisionReport.Status",
        "ProblemReportStatusEnum": "patrol.models.ProblemReport.Status",
        "CheckEnum": "patrol.rules.CHECK_CHOICES",
        "ActionEnum": "patrol.rules.ACTION_CODES",
        "LocalCheckKindEnum": "patrol.models.LocalCheck.Kind",
        "PhotoEvidenceSourceEnum": "patrol.models.Photo.Source",
        "StaffingStatusEnum": "staffing.rules.STATUS_VALUES",
        "OverviewLevelEnum": "overview.selectors.LEVELS",
        "AssessmentLevelEnum": "assessments.models.Assessment.Level",
        "AssessmentChangeActionEnum": "assessments.models.AssessmentChange.Action",
    },
}

# Security headers that `check --deploy` asks for; HTTPS-only ones follow an explicit switch so that
# an intranet served over plain HTTP keeps working.
SECURE_HTTPS = env_bool("SECURE_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = False
# The HSTS preload list is for public sites; an office intranet host must never be put on it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy of every answer (config/security.py; README "Security headers"). Everything comes from this
# server: no inline script or style (pages load static/js/*.js and ask for behaviour with data- attributes), no
# plugin, no <base> elsewhere, never framed, forms post only here. img-src allows data: (icons inside style sheets)
# and blob: (the phone app's previews of photos before upload); worker-src and manifest-src are for the phone app's
# service worker and web manifest.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'"],
    "manifest-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
# Directives replaced on the pages of DRF's browsable API (HTML answers under /api/ to a browser): they carry a
# <style> element and style= attributes. 'unsafe-inline' in style-src cannot run script. Every other answer under
# /api/ (JSON, the Swagger UI at /api/v1/docs/) keeps the policy above.
CONTENT_SECURITY_POLICY_BROWSABLE_API = {"style-src": ["'self'", "'unsafe-inline'"]}
SESSION_COOKIE_AGE = 60 * 60 * 12
# `/api/v1/_bench/ok/` (config/bench.py), the bare authenticated endpoint the benchmarks measure against: off unless
# BENCH_ENDPOINTS=1 (bench/ingest.py and bench/load.py set it for the gunicorn they start).
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS", False)
# Where `manage.py backup` writes by default (docs/deploy.md "Backups").
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(BASE_DIR / "backups-data")))

# Several app servers behind one load balancer (docs/deploy.md "Several app servers"): nothing another server needs
# lives in a process or on its disk. Sessions in the database (cookies signed with the SECRET_KEY every server
# shares), the login failures of axes and the API tokens (knox) in the database, uploaded files in the storage above;
# an upload over FILE_UPLOAD_MAX_MEMORY_SIZE is spooled to a temporary file that lives only while its request runs.
# No cache: nothing in the project goes through Django's cache framework, and a per-process cache would differ
# between servers without anyone noticing — a cache added later belongs in a shared one (Django's RedisCache).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

# Log lines on the standard error stream (gunicorn's or systemd's journal keeps them): by default one JSON object per
# line, each with the request's id (config/requestlog.py, docs/deploy.md "Health and logs"); LOG_FORMAT=text for
# people reading a console. Never a body, a query string, a header or a name: personal data stays out of the logs.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "client_errors_without_traceback": {"()": "config.logfilters.ClientErrorsWithoutTraceback"},
        "request_id": {"()": "config.requestlog.RequestIdFilter"},
    },
    "formatters": {
        "json": {"()": "config.requestlog.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # A refused page (403) or bad request (400) is one warning line, not a traceback.
    "loggers": {"django.request": {"filters": ["client_errors_without_traceback"]}},
}

# Domain settings (SPEC "setting" values): one place, overridable from the environment.
RIVER = {
    # Local residence for eligibility: "township" (default) or "county".
    "RESIDENCE_SCOPE": env_str("RIVER_RESIDENCE_SCOPE", "township"),
    # Patrol logs (SPEC §5): a log may be submitted at most this many days after its date.
    "LOG_LATE_DAYS": env_int("RIVER_LOG_LATE_DAYS", 3),
    # Longest free-text note on a log, in characters.
    "NOTES_MAX_LENGTH": env_int("RIVER_NOTES_MAX_LENGTH", 2000),
    # Most GPS points accepted in one log's track (one point every second for over five hours).
    "TRACK_MAX_POINTS": env_int("RIVER_TRACK_MAX_POINTS", 20000),
    # Track points may lie this many minutes outside the patrol's start/end (phone clocks drift).
    "TRACK_TIME_SLACK_MINUTES": env_int("RIVER_TRACK_TIME_SLACK_MINUTES", 15),
    # Photo uploads: largest file (bytes, else 413) and largest decoded image (pixels, else 400: bombs).
    "PHOTO_MAX_BYTES": env_int("RIVER_PHOTO_MAX_BYTES", 15 * 1024 * 1024),
    # 50 MP lets 48 MP phone photos through; a PNG (no reduced-scale decoding) then needs at most ~200 MB.
    "PHOTO_MAX_PIXELS": env_int("RIVER_PHOTO_MAX_PIXELS", 50_000_000),
    # Evidence flags: `low_coverage` below this share of the segment within COVERAGE_BUFFER_M of the track.
    "LOW_COVERAGE": float(env_decimal("RIVER_LOW_COVERAGE", "0.60")),
    "COVERAGE_BUFFER_M": env_int("RIVER_COVERAGE_BUFFER_M", 50),
    # `vehicle_speed`: sustained speed above this (see patrol.tracks.vehicle_speed for "sustained").
    "VEHICLE_SPEED_KMH": env_int("RIVER_VEHICLE_SPEED_KMH", 25),
    # Track points less accurate than this (metres) are ignored for coverage and speed (GPS jitter).
    "TRACK_MAX_ACCURACY_M": env_int("RIVER_TRACK_MAX_ACCURACY_M", 50),
    # Photo flags: capture time this far outside the patrol, capture place this far from the segment.
    "PHOTO_WINDOW_MINUTES": env_int("RIVER_PHOTO_WINDOW_MINUTES", 60),
    "PHOTO_FAR_M": env_int("RIVER_PHOTO_FAR_M", 500),
    # `duplicate_photo`: perceptual hashes this many bits apart (of 64) or fewer count as the same image.
    "PHASH_MAX_DISTANCE": env_int("RIVER_PHASH_MAX_DISTANCE", 6),
    # Near (not identical) perceptual hashes are looked for among the county's photos on logs dated within this
    # many days of the log; identical files and identical hashes are found over all time (patrol.photo_checks).
    "PHASH_WINDOW_DAYS": env_int("RIVER_PHASH_WINDOW_DAYS", 90),
    # Monthly assessment (SPEC §6, 第十一条): the most points of each part; they must add up to 100.
    "ASSESSMENT_WEIGHTS": {
        "appearance": env_int("RIVER_WEIGHT_APPEARANCE", 30),
        "daily_work": env_int("RIVER_WEIGHT_DAILY_WORK", 40),
        "records": env_int("RIVER_WEIGHT_RECORDS", 30),
    },
    # A month passes with a total of at least this many points.
    "PASS_MARK": env_int("RIVER_PASS_MARK", 60),
    # Lowest total of each grade: 优秀 ≥ 90, 良好 ≥ 75, 合格 ≥ 60, 不合格 below that.
    "GRADE_BANDS": {
        "excellent": env_int("RIVER_GRADE_EXCELLENT", 90),
        "good": env_int("RIVER_GRADE_GOOD", 75),
        "pass": env_int("RIVER_GRADE_PASS", 60),
    },
    # A final part further than this many points from its suggestion needs a written reason.
    "SUGGESTION_REASON_GAP": env_int("RIVER_SUGGESTION_REASON_GAP", 10),
    # Suggested daily work: points off per confirmed supervision report and per problem escalated late.
    "SUPERVISION_PENALTY": env_int("RIVER_SUPERVISION_PENALTY", 5),
    "LATE_ESCALATION_PENALTY": env_int("RIVER_LATE_ESCALATION_PENALTY", 2),
    # An escalation (上报) is on time when its log reaches the office within this many hours of the patrol's end.
    "ESCALATION_ON_TIME_HOURS": env_int("RIVER_ESCALATION_ON_TIME_HOURS", 24),
    # County spot check: at least this share of the county's active patrollers (rounded up), a Decimal so
    # that 10% of 30 is exactly 3.
    "SPOT_CHECK_SHARE": env_decimal("RIVER_SPOT_CHECK_SHARE", "0.10"),
    # "Excellent" incumbent (SPEC §4): over the 12 calendar months before the month the renewal starts, at least
    # EXCELLENT_MIN_MONTHS of them assessed, no failing month and an average of at least EXCELLENT_AVERAGE.
    "EXCELLENT_AVERAGE": env_int("RIVER_EXCELLENT_AVERAGE", 85),
    "EXCELLENT_MIN_MONTHS": env_int("RIVER_EXCELLENT_MIN_MONTHS", 10),
    # Recruitment (第六条): 总成绩 = 笔试 × exam% + 面试 × interview%, whole percentages adding up to 100.
    "APPLICANT_WEIGHTS": {
        "exam": env_int("RIVER_APPLICANT_WEIGHT_EXAM", 50),
        "interview": env_int("RIVER_APPLICANT_WEIGHT_INTERVIEW", 50),
    },
    # Pay-rise recommendation (第十条): this share of the year's assessed patrollers (rounded up), best averages of
    # those with no failing month and an average ≥ EXCELLENT_AVERAGE (assessments.rules.pay_rise_ranking).
    "PAY_RISE_SHARE": env_decimal("RIVER_PAY_RISE_SHARE", "0.20"),
}
# The settings that must agree (the pass mark and the 合格 band, the weights, the band order): a bad combination
# stops start-up with every problem named, before any page or command runs.
check_river_settings(RIVER)
# Uploads (photos are the largest): file parts over 2.5 MB are streamed to a temporary file, never held in
# memory; few files per request. The photo endpoint refuses an oversize Content-Length before reading the body.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# Request limits (config/limits.py), each refused before the body is read, in the API error shape:
# a body that is not multipart (JSON, a form) — a 20,000-point track is about 1.6 MB — else 413;
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
# fields of a form or query string, else 400;
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# a multipart body: a photo or the register spreadsheets (20 MB, rivers.admin), with room for the framing, else 413;
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", max(RIVER["PHOTO_MAX_BYTES"], 20 * 1024 * 1024) + 1024 * 1024)
# the query string (the web server bounds the whole request line: gunicorn.conf.py), else 414.
QUERY_STRING_MAX_BYTES = env_int("QUERY_STRING_MAX_BYTES", 4096)
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
