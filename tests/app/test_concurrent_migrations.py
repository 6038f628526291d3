"""Upgrades started at the same instant on one database: each succeeds, one does the work and
the others wait for it and find nothing to do (no ``database is locked``, no duplicate
``pg_type`` key)."""

from __future__ import annotations

import multiprocessing
from typing import Any

from dualtrack.app.migrate import current, upgrade
from dualtrack.app.scripts import heads
from dualtrack.errors import DualtrackError
from laws.migrations import DatabaseFactory

SPAWN = multiprocessing.get_context("spawn")
RACERS = 4


def upgrade_worker(url: str, start: Any, outcomes: Any) -> None:
    """Child process: wait for every racer, then upgrade ``url`` and report how it went."""
    start.wait()
    try:
        upgrade(url)
    except DualtrackError as error:
        outcomes.put(f"typed {type(error).__name__}: {error}")
    except Exception as error:  # what the law forbids, reported to the parent
        outcomes.put(f"raw {type(error).__module__}.{type(error).__name__}: {error}")
    else:
        outcomes.put("ok")


def test_upgrades_started_together_all_succeed(databases: DatabaseFactory) -> None:
    url = databases()
    start = SPAWN.Barrier(RACERS)
    outcomes = SPAWN.Queue()
    racers = [
        SPAWN.Process(target=upgrade_worker, args=(url, start, outcomes)) for _ in range(RACERS)
    ]
    for racer in racers:
        racer.start()
    reports = [outcomes.get(timeout=120) for _ in racers]
    for racer in racers:
        racer.join(timeout=60)
    assert reports == ["ok"] * RACERS
    assert current(url) == heads()
