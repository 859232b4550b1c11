"""Test settings: the real settings with fast hashing and without HTTPS redirects."""

import os
import tempfile

from lianbing.settings import *  # noqa: F403
from lianbing.settings import PASSWORD_HASHERS, STORAGES

# Hashing cost is a production concern; tests create many accounts.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STORAGES["private"] = {
    "BACKEND": "people.storage.PrivateFileSystemStorage",
    "OPTIONS": {"location": os.path.join(tempfile.gettempdir(), "lianbing-test-private")},
}
HTTPS = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Tests serve static files from the app and project folders, not from collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# A file, not an in-memory database: the live server's request threads then get their own
# connections instead of sharing the test's, which garbles queries when the browser sends
# requests in parallel (a page, its scripts, heartbeats).
if DATABASES["default"]["ENGINE"] == "lianbing.db_backends.sqlite3":  # noqa: F405
    import os
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"lianbing-test-{os.getpid()}.sqlite3")
    }
