"""The production settings, served over plain HTTP on 127.0.0.1 by the load harness (bench/load.py), with the
bare floor view added. The harness sets SECRET_KEY and SECURE_SSL_REDIRECT=0 in the environment."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
