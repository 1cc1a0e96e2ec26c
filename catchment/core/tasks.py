"""The task-queue facade: one way to schedule background work, embedded by default, Celery at scale.

Without a broker, a task runs in this process once the surrounding transaction commits (or at once outside
a transaction), so the embedded install needs no extra server: on the process's one background thread
(`TASKS_IN_THREAD`, on by default), so that a request never waits for its fan-out (a reply in a topic a
hundred people watch queues a hundred mails, ~20 ms each on PostgreSQL), or inline, in order, where tests
need to see the effect at once. The thread drains what is queued when the process exits (a gunicorn worker's graceful
restart); what a killed process still held is picked up by the periodic jobs (the mail outbox, webhook and
notification sweeps). With CELERY_BROKER_URL set, the same call sends the task to Celery workers. Task
arguments must be JSON-serialisable either way.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable
from functools import cached_property
from typing import Any, Literal

from django.conf import settings
from django.db import close_old_connections, connections, transaction

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
        elif settings.TASKS_IN_THREAD:
            transaction.on_commit(lambda: _background.put(self, args, kwargs))
        else:
            transaction.on_commit(lambda: self._run_embedded(args, kwargs))

    def _run_embedded(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        try:
            self.func(*args, **kwargs)
        except Exception:
            # In-process tasks must not turn a committed user action into an error page; the failure is
            # logged with its traceback for the operator.
            logger.exception("embedded task %s failed", self.name)


class Background:
    """One thread per process that runs embedded tasks in the order they were queued. It is started by the
    first task (so a gunicorn master that preloads the app starts none, and a forked worker starts its own),
    keeps its database connection while work is waiting and closes it when the queue is empty, and, since it
    is not a daemon, the interpreter waits for it at exit: once the main thread has finished, it runs what is
    left and stops.

    Past `TASKS_QUEUE_LIMIT` waiting tasks, a task is run by its caller (`overflow="run"`, the default) or not
    queued at all (`overflow="drop"`, for work that is kept elsewhere and swept up later, as the mail outbox
    is: the caller never waits for it, whatever the backlog)."""

    POLL_SECONDS = 0.5

    def __init__(self, name: str = "catchment-tasks", overflow: Literal["run", "drop"] = "run") -> None:
        if overflow not in ("run", "drop"):
            raise ValueError(f"overflow must be 'run' or 'drop', not {overflow!r}")
        self.name = name
        self.overflow = overflow
        self.lock = threading.Lock()
        self.queue: queue.Queue[tuple[Task, tuple[Any, ...], dict[str, Any]]] = queue.Queue()
        self.thread: threading.Thread | None = None
        self.pid = os.getpid()
        self.overflowing = False

    def put(self, task: Task, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        with self.lock:
            if self.pid != os.getpid():  # forked after the parent queued work: that work is the parent's
                self.queue = queue.Queue()
                self.thread = None
                self.pid = os.getpid()
            # Work asked for faster than the thread does it (a hundred members replying without pause in topics
            # a hundred people watch) would grow the queue, and the process, without end: past the limit the
            # caller runs its task itself, so the requests that make the work slow down instead (or, for work kept
            # elsewhere, it is left to that place's sweep).
            backed_up = self.queue.qsize() >= max(1, settings.TASKS_QUEUE_LIMIT)
            first_drop = backed_up and not self.overflowing
            self.overflowing = backed_up
            if not backed_up:
                self.queue.put((task, args, kwargs))
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name=self.name, daemon=False)
                self.thread.start()
        if backed_up:
            if self.overflow == "run":
                task._run_embedded(args, kwargs)
            elif first_drop:  # once per backlog, not once per task left behind
                logger.warning(
                    "%s: %d tasks waiting; new %s tasks are left for the sweep until it drains",
                    self.name,
                    self.queue.qsize(),
                    task.name,
                )

    def _run(self) -> None:
        while True:
            try:
                task, args, kwargs = self.queue.get(timeout=self.POLL_SECONDS)
            except queue.Empty:
                if not threading.main_thread().is_alive():
                    with self.lock:  # a task put meanwhile (by the other thread) starts a new one
                        if self.queue.empty():
                            self.thread = None
                            return
                continue
            try:
                task._run_embedded(args, kwargs)  # a failure is logged there; the thread goes on
            finally:
                if self.queue.empty():
                    connections.close_all()
                else:
                    close_old_connections()
                self.queue.task_done()

    def wait(self) -> None:
        """Block until every queued task has run (for tests and management commands)."""
        if self.pid != os.getpid():  # a forked child waits for nothing of its parent's
            return
        self.queue.join()


_background = Background()


def wait_for_background_tasks() -> None:
    _background.wait()


def task(func: Callable[..., Any]) -> Task:
    """Declare a background task (see the module docstring)."""
    registered = Task(func)
    if settings.CELERY_BROKER_URL:
        # Register with Celery at import time so workers that autodiscover `tasks` modules know it.
        registered._celery_task  # noqa: B018
    return registered
