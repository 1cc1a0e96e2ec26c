"""Tests: fast hashing, mail captured in memory, tasks in-process; the database comes from DATABASE_URL."""

from config.settings.base import *  # noqa: F403
from config.settings.environment import VAR_DIR

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Mail is sent in the test's own thread, so a test sees it in mail.outbox as soon as the change commits.
MAIL_SEND_IN_THREAD = False
# Tasks run inline after the commit, in order, for the same reason (test_tasks.py covers the thread).
TASKS_IN_THREAD = False
# Every factory-made account is new; tests that post twice in a row are not about pacing (its own tests set it).
NEW_ACCOUNT_POST_INTERVAL = 0
# No floor on sign-up and reset answers in unit tests (tests/reliability/test_timing.py measures it).
STEADY_ANSWER_MS = 0
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
CELERY_BROKER_URL = ""
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# SQLite and collected static files live under var/; make sure it exists for the embedded default.
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
