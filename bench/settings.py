"""Benchmark settings: the test settings (no debug query log, in-process tasks) with a bare view added."""

from config.settings.test import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
