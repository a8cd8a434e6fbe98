"""Settings for the benchmark's gunicorn: production settings plus one reference page.

DEBUG stays off (as in production); only what plain HTTP on 127.0.0.1 without
collected static files needs is changed.
"""

from __future__ import annotations

import copy
import os

from mentorship.settings import *  # noqa: F403
from mentorship.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]

TEMPLATES = copy.deepcopy(TEMPLATES)
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]

# Plain HTTP on the loopback: no redirect to https.
SECURE_SSL_REDIRECT = False
# No collectstatic here: plain storage, served from the app folders.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Nothing is collected, so whitenoise has no STATIC_ROOT to scan (and no warning to give).
STATIC_ROOT = None
