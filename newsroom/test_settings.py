"""Settings for the test suite: development values for what production must be given, then the
real settings module. Production behaviour (DEBUG off, secure cookies) stays as it is."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from newsroom.settings import *  # noqa: E402,F403

# No page cache unless a test turns it on: the cache outlives each test's rolled-back data.
PAGE_CACHE_SECONDS = 0
SEARCH_CACHE_SECONDS = 0
# Tests that need one start their own listener; one per test process would outlive each test.
ARCHIVE_CHANGE_LISTENER = False

# Fast hashing: tests create users, they do not defend against attackers.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests render templates without running collectstatic first.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# Lets two test runs share one server without clobbering each other's test database.
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}  # noqa: F405
