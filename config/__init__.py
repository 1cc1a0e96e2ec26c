"""Wiring only: settings, URLs, WSGI/ASGI and the Celery application."""
