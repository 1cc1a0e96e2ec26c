"""The task-queue facade: one way to schedule background work, embedded by default, Celery at scale.

Without a broker, a task runs in this process right after the surrounding transaction commits (or at
once outside a transaction), so the embedded install needs no extra server. With CELERY_BROKER_URL set,
the same call sends the task to Celery workers. Task arguments must be JSON-serialisable either way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


class Task:
    """A function that can run now, or later on the queue."""

    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func
        self.name = f"{func.__module__}.{func.__qualname__}"
        self.__doc__ = func.__doc__

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.func(*args, **kwargs)

    @cached_property
    def _celery_task(self) -> Any:
        from config.celery import app

        return app.task(name=self.name, acks_late=True)(self.func)

    def enqueue(self, *args: Any, **kwargs: Any) -> None:
        """Schedule the task once the current transaction commits; a rolled-back change sends nothing."""
        if settings.CELERY_BROKER_URL:
            celery_task = self._celery_task
            transaction.on_commit(lambda: celery_task.apply_async(args=args, kwargs=kwargs))
        else:
            transaction.on_commit(lambda: self._run_embedded(args, kwargs))

    def _run_embedded(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        try:
            self.func(*args, **kwargs)
        except Exception:
            # In-process tasks must not turn a committed user action into an error page; the failure is
            # logged with its traceback for the operator.
            logger.exception("embedded task %s failed", self.name)
            if getattr(settings, "TASKS_RAISE_ERRORS", False):
                raise


def task(func: Callable[..., Any]) -> Task:
    """Declare a background task (see the module docstring)."""
    registered = Task(func)
    if settings.CELERY_BROKER_URL:
        # Register with Celery at import time so workers that autodiscover `tasks` modules know it.
        registered._celery_task  # noqa: B018
    return registered
