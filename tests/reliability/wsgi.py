"""The production WSGI application with its URLs and views imported before gunicorn forks (`--preload`): a
worker killed every second or two is replaced by a fork that serves at once, instead of one that spends
seconds importing the hub while the next kill is already due."""

from django.urls import get_resolver

from config.wsgi import application

get_resolver().url_patterns  # noqa: B018 - imports every view module now, in the master

__all__ = ["application"]
