"""One env-driven settings module. DATABASE_URL selects the database (SQLite by default)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in ("1", "true", "yes", "on")


DEBUG = env_bool("BQW_DEBUG", False)
# BQW_PRODUCTION=1: behind HTTPS with a real secret key (`bqw check --deploy` is clean); without it the platform
# runs as the local demo over plain HTTP on 127.0.0.1.
PRODUCTION = env_bool("BQW_PRODUCTION", False)
if PRODUCTION and not os.environ.get("BQW_SECRET_KEY"):
    raise RuntimeError("BQW_PRODUCTION=1 需要设置 BQW_SECRET_KEY（至少 50 个随机字符）")
SECRET_KEY = os.environ.get("BQW_SECRET_KEY", "bqw-insecure-local-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = os.environ.get("BQW_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("BQW_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    # ours, lowest layer first (docs/DESIGN.md, "Layers"; tests/test_layers.py checks the order)
    "bqw.core",
    "bqw.accounts",
    "bqw.regions",
    "bqw.orgs",
    "bqw.indicators",
    "bqw.plans",
    "bqw.extraction",
    "bqw.projects",
    "bqw.pairing",
    "bqw.assessment",
    "bqw.cockpit",
    "bqw.briefings",
    "bqw.demo",
    "bench",  # `bqw bench` only (bench/management): no models, no pages
    "django_tasks",
    "django_tasks_db",
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
    "bqw.core.middleware.ApplicationErrorMiddleware",
    "bqw.core.requests.RequestIdMiddleware",
]

# Sessions and cookies: HttpOnly session cookie, a working day's session, secure cookies and HSTS in production.
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("BQW_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # TLS ends at the office's reverse proxy
    SECURE_HSTS_SECONDS = int(os.environ.get("BQW_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

ROOT_URLCONF = "bqw.urls"
WSGI_APPLICATION = "bqw.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "bqw" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bqw.core.views.nav_links",
            ],
        },
    },
]

DEFAULT_SQLITE = BASE_DIR / "var" / "bqw.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside one writer; IMMEDIATE avoids upgrade deadlocks under concurrent writes.
        # A connection kept across requests (CONN_MAX_AGE above) with a 64 MB page cache: at province scale
        # (≈ 7 GB) a fresh connection per request with SQLite's default 2 MB cache re-read every page it needed
        # from the OS, which this machine's memory reclaim keeps small — the month-end burst ran at ≈ 4/s.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; "
                        "PRAGMA cache_size=-65536;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    # Django's SQLite backend with its writers queued by the kernel, not polling (bqw/core/sqlite/base.py)
    DATABASES["default"]["ENGINE"] = "bqw.core.sqlite"

AUTH_USER_MODEL = "accounts.User"
# ModelBackend with a lockout: a username locked after repeated wrong passwords cannot log in (accounts/throttle.py)
AUTHENTICATION_BACKENDS = ["bqw.accounts.throttle.LockoutBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
_NODE = BASE_DIR / "frontend" / "node_modules"
STATICFILES_DIRS = [
    (prefix, path)
    for prefix, path in [("vendor/echarts", _NODE / "echarts" / "dist"), ("vendor/htmx", _NODE / "htmx.org" / "dist")]
    if path.exists()
]
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("BQW_MEDIA_ROOT", BASE_DIR / "var" / "media"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
EMAIL_BACKEND = os.environ.get("BQW_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("BQW_FROM_EMAIL", "bqw@localhost")

# Plans and supervision: blue light window, reminder window, 督办单 reply days, evidence upload limit.
# Background work (briefings): Django's task framework (django-tasks backport) with its database backend; the
# worker is `bqw worker` (started by `bqw serve`). Tests may switch to the immediate backend.
TASKS = {"default": {"BACKEND": os.environ.get("BQW_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Values may be reported from this month up to the current period (core.periods.check_reporting_period).
BQW_PROGRAM_START = os.environ.get("BQW_PROGRAM_START", "202301")

# Evidence files (plans, projects, pairing): one size limit for every upload (core.evidence).
BQW_EVIDENCE_MAX_BYTES = 10 * 1024 * 1024

BQW_PLANS = {
    "BLUE_DAYS": int(os.environ.get("BQW_PLANS_BLUE_DAYS", 7)),
    "REMIND_DAYS": int(os.environ.get("BQW_PLANS_REMIND_DAYS", 7)),
    "REPLY_DAYS": int(os.environ.get("BQW_PLANS_REPLY_DAYS", 5)),
    "BEHIND_TOLERANCE": 10,  # percentage points behind the time-elapsed expectation before yellow
}

BQW_PROJECTS = {
    "REPORT_DAYS": int(os.environ.get("BQW_PROJECTS_REPORT_DAYS", 30)),  # no progress report for N days: yellow
    "BLUE_DAYS": 7,  # a milestone due within N days: blue
    "INVESTMENT_TOLERANCE": 20,  # % of the time-elapsed investment the project may be behind before yellow
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("BQW_LOG_LEVEL", "WARNING")},
}
