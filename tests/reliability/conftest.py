"""The process-level runs start gunicorn and kill it for a minute or more: `make test-reliability` runs them
(`pytest -m reliability`); everywhere else they are skipped. When the soak (test_soak.py) runs after other
reliability runs, its hub is migrated and seeded in the background from the start of the session."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config, items):
    if "reliability" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="process-level fault run: make test-reliability")
    for item in items:
        if "reliability" in item.keywords:
            item.add_marker(skip)


_started_early: list = []


def pytest_collection_finish(session):
    if session.config.option.collectonly or "reliability" not in (session.config.getoption("markexpr") or ""):
        return
    soak = [
        item
        for item in session.items
        if getattr(item, "module", None) and item.module.__name__.endswith("test_soak")
    ]
    if soak and len(soak) < len(session.items):
        soak[0].module.start_early()
        _started_early.append(soak[0].module)


def pytest_sessionfinish(session):
    while _started_early:
        _started_early.pop().drop_early()
