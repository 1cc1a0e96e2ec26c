import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import transaction

from catchment.core.tasks import task

ROOT = Path(__file__).resolve().parents[3]
CALLS: list[str] = []


@task
def remember(value: str) -> None:
    CALLS.append(value)


def test_healthz_reports_the_database_as_json(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "not configured"}


def test_healthz_reports_redis_failure_with_503(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"] == "error"


@pytest.mark.django_db(transaction=True)
def test_embedded_task_runs_after_commit_and_not_after_rollback():
    CALLS.clear()
    with transaction.atomic():
        remember.enqueue("kept")
        assert CALLS == []
    assert CALLS == ["kept"]
    with pytest.raises(RuntimeError), transaction.atomic():
        remember.enqueue("rolled back")
        raise RuntimeError
    assert CALLS == ["kept"]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checklist_without_warnings(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-0123456789",
        ALLOWED_HOSTS="hub.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _manage(
        "check",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_development_secret_key_is_generated_once_and_kept(tmp_path):
    code = "from config.settings.environment import development_secret_key as k; print(k())"
    env = {**os.environ, "CATCHMENT_VAR_DIR": str(tmp_path)}
    first = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    second = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert first.stdout == second.stdout
    assert len(first.stdout.strip()) >= 50
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_malformed_boolean_setting_is_reported_by_name(tmp_path):
    result = _manage("check", DEBUG="perhaps", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_env_example_documents_every_variable_the_settings_read():
    import re

    read = set()
    for path in (ROOT / "config" / "settings").glob("*.py"):
        read |= set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', path.read_text()))
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read - documented == set()
    assert json.dumps(sorted(read))  # the settings do read variables


@pytest.mark.skipif(
    not os.environ.get("CATCHMENT_TEST_REDIS_URL"), reason="set CATCHMENT_TEST_REDIS_URL to a Redis"
)
@pytest.mark.django_db
def test_with_a_broker_tasks_go_to_celery_once_the_transaction_commits(
    settings, django_capture_on_commit_callbacks
):
    import redis

    from catchment.core.tasks import Task
    from config.celery import app

    url = os.environ["CATCHMENT_TEST_REDIS_URL"]
    queue = redis.Redis.from_url(url)
    queue.delete("celery")
    settings.CELERY_BROKER_URL = url
    app.conf.broker_url = url
    queued = Task(remember.func)
    queued.name = "catchment.tests.remember"
    with django_capture_on_commit_callbacks(execute=True):
        queued.enqueue("sent")
        assert queue.llen("celery") == 0
    assert queue.llen("celery") == 1
    message = json.loads(queue.lpop("celery"))
    assert message["headers"]["task"] == "catchment.tests.remember"
    assert "sent" in json.dumps(message)
