"""The embedded task thread (core.tasks.Background): a request does not wait for its tasks, which run after
the commit, in order, with their own database connection; a failing task is logged and the next one runs; a
process that exits runs what it had queued first."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connections, transaction

from catchment.core import tasks
from catchment.core.tasks import task, wait_for_background_tasks

ROOT = Path(__file__).resolve().parents[3]
ran: list[tuple[str, str]] = []
RELEASE = threading.Event()
STARTED = threading.Event()


@task
def record(value: str) -> None:
    ran.append((value, threading.current_thread().name))


@task
def blocked(value: str) -> None:
    STARTED.set()
    RELEASE.wait(timeout=10)
    ran.append((value, threading.current_thread().name))


@task
def broken(value: str) -> None:
    raise RuntimeError(value)


@task
def count_users(value: str) -> None:
    from catchment.accounts.models import User

    ran.append((f"{value}:{User.objects.count()}", threading.current_thread().name))


@pytest.fixture
def threaded(settings):
    settings.TASKS_IN_THREAD = True
    ran.clear()
    RELEASE.clear()
    STARTED.clear()
    yield
    RELEASE.set()
    wait_for_background_tasks()


@pytest.mark.django_db(transaction=True)
def test_tasks_run_on_the_background_thread_after_the_commit_and_in_order(threaded):
    with transaction.atomic():
        blocked.enqueue("first")
        record.enqueue("second")
        assert ran == []  # nothing before the commit
    # The caller goes on while the first task is still waiting: a request does not wait for its fan-out.
    assert ran == []
    RELEASE.set()
    wait_for_background_tasks()
    assert ran == [("first", "catchment-tasks"), ("second", "catchment-tasks")]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_queues_nothing(threaded):
    with pytest.raises(RuntimeError), transaction.atomic():
        record.enqueue("rolled back")
        raise RuntimeError("undo")
    record.enqueue("kept")
    wait_for_background_tasks()
    assert ran == [("kept", "catchment-tasks")]


@pytest.mark.django_db(transaction=True)
def test_a_failing_task_is_logged_and_the_next_one_runs(threaded, caplog):
    broken.enqueue("boom")
    record.enqueue("after")
    wait_for_background_tasks()
    assert ran == [("after", "catchment-tasks")]
    assert "embedded task catchment.core.tests.test_tasks.broken failed" in caplog.text
    assert "RuntimeError: boom" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_the_thread_reads_the_database_and_closes_its_connection_when_idle(threaded, django_user_model):
    django_user_model.objects.create_user(username="ana", email="ana@example.org", password="x" * 12)
    holder: dict[str, object] = {}

    @task
    def remember_connection(value: str) -> None:
        holder["connection"] = connections["default"]
        count_users.func(value)

    remember_connection.enqueue("users")
    wait_for_background_tasks()  # the connection is closed before the last task is marked done
    assert ran == [("users:1", "catchment-tasks")]
    assert holder["connection"] is not connections["default"]  # its own connection, not the caller's
    used = holder["connection"]
    in_memory = getattr(used, "is_in_memory_db", lambda: False)()  # Django never closes an in-memory SQLite
    assert in_memory or used.connection is None


@pytest.mark.django_db
def test_inline_mode_runs_in_the_callers_thread_after_the_commit(
    settings, django_capture_on_commit_callbacks
):
    settings.TASKS_IN_THREAD = False
    ran.clear()
    with django_capture_on_commit_callbacks(execute=True):
        record.enqueue("inline")
        assert ran == []
    caller = threading.current_thread().name
    assert ran == [("inline", caller)]


def test_a_process_that_exits_first_runs_what_it_queued():
    script = (
        "import django, os, time\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings.test')\n"
        "django.setup()\n"
        "from django.conf import settings\n"
        "settings.TASKS_IN_THREAD = True\n"
        "from catchment.core.tasks import task\n"
        "@task\n"
        "def slow(n):\n"
        "    time.sleep(0.2)\n"
        "    print('ran', n, flush=True)\n"
        "for n in range(3):\n"
        "    slow.enqueue(n)\n"
        "print('main done', flush=True)\n"
    )
    # The script reads no table; an in-memory SQLite spares it whatever database the suite runs on.
    env = {**os.environ, "DATABASE_URL": "sqlite://:memory:"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.splitlines() == ["main done", "ran 0", "ran 1", "ran 2"]


@pytest.mark.django_db(transaction=True)
def test_past_the_queue_limit_the_caller_runs_its_task_itself(threaded, settings):
    settings.TASKS_QUEUE_LIMIT = 2
    blocked.enqueue("first")  # holds the thread
    assert STARTED.wait(timeout=10)
    record.enqueue("second")
    record.enqueue("third")  # two waiting: the limit
    record.enqueue("fourth")  # run here, at once
    caller = threading.current_thread().name
    assert ran == [("fourth", caller)]
    RELEASE.set()
    wait_for_background_tasks()
    assert [value for value, _thread in ran] == ["fourth", "first", "second", "third"]


def test_a_forked_child_does_not_run_its_parents_queue(threaded):
    background = tasks.Background()
    background.pid = -1  # as if this process were a child forked after the parent queued work
    background.queue.put((record, ("parent's",), {}))
    background.put(record, ("child's",), {})
    background.wait()
    assert ran == [("child's", "catchment-tasks")]
