"""One env-driven settings module. DATABASE_URL selects the database (SQLite by default)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in ("1", "true", "yes", "on")


DEBUG = env_bool("BQW_DEBUG", False)
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
    "bqw.core",
    "bqw.regions",
    "bqw.orgs",
    "bqw.accounts",
    "bqw.indicators",
    "bqw.plans",
    "bqw.extraction",
    "bqw.cockpit",
    "bqw.demo",
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
]

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

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
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
BQW_PLANS = {
    "BLUE_DAYS": int(os.environ.get("BQW_PLANS_BLUE_DAYS", 7)),
    "REMIND_DAYS": int(os.environ.get("BQW_PLANS_REMIND_DAYS", 7)),
    "REPLY_DAYS": int(os.environ.get("BQW_PLANS_REPLY_DAYS", 5)),
    "BEHIND_TOLERANCE": 10,  # percentage points behind the time-elapsed expectation before yellow
    "EVIDENCE_MAX_BYTES": 10 * 1024 * 1024,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("BQW_LOG_LEVEL", "WARNING")},
}
