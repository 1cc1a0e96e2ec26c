"""Development: the embedded default (SQLite under var/, console mail, in-process tasks)."""

from config.settings.base import *  # noqa: F403
from config.settings.environment import VAR_DIR, development_secret_key, env_bool, env_str

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY") or development_secret_key()

# SQLite and collected static files live under var/; make sure it exists for the embedded default.
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
