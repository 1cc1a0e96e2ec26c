"""The production settings as the reliability runs serve them: plain HTTP on 127.0.0.1, and static files found
where they are instead of from a collected manifest (collecting them would cost the run half a minute). The
harness sets SECRET_KEY, SECURE_SSL_REDIRECT=0, ALLOWED_HOSTS, DATABASE_URL and CATCHMENT_VAR_DIR."""

from config.settings.production import *  # noqa: F403
from config.settings.production import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
