"""The service registry (the seed's Pattern 3) and the Brain behind it (Pattern 4)."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from dualtrack.app.models import Crystal
from dualtrack.errors import InvalidArgument, MissingParentError, UnknownService
from dualtrack.memory.sql.store import SQLDgent
from dualtrack.services import (
    BRAIN_NAMESPACE,
    BrainPersistence,
    bootstrap_services,
    get_service,
    inject_service,
    register_service,
    reset_services,
)


@pytest.fixture(autouse=True)
def configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Both tracks in files under ``tmp_path``; a fresh registry before and after."""
    database = tmp_path / "app.db"
    monkeypatch.setenv("DUALTRACK_DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    monkeypatch.setenv("DUALTRACK_MEMORY_URL", f"sqlite:///{tmp_path / 'memory.db'}")
    reset_services()
    yield database
    reset_services()


class MockBrain:
    """Stands in for the Brain in handlers under test."""

    async def capture(self, content: str, tags: list[str] | None = None) -> str:
        return f"mock:{content}"


async def test_fifty_concurrent_first_uses_run_the_factory_once() -> None:
    runs = 0

    async def factory() -> object:
        nonlocal runs
        runs += 1
        await asyncio.sleep(0.01)  # every caller arrives while the first is still making it
        return object()

    register_service("slow", factory)
    services = await asyncio.gather(*(get_service("slow") for _ in range(50)))
    assert runs == 1
    assert all(service is services[0] for service in services)


async def test_a_failed_factory_leaves_nothing_behind_and_runs_again() -> None:
    attempts = 0

    async def flaky() -> str:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            raise ConnectionError("first start fails")
        return "up"

    register_service("flaky", flaky)
    with pytest.raises(ConnectionError):
        await get_service("flaky")
    assert await get_service("flaky") == "up"
    assert attempts == 2


async def test_injection_before_bootstrap_wins_over_the_factory(configured: Path) -> None:
    mock = MockBrain()
    inject_service("brain_persistence", mock)
    await bootstrap_services()
    assert await get_service("brain_persistence") is mock
    assert not await asyncio.to_thread(configured.exists), (
        "the Brain's factory ran (and migrated) despite injection"
    )


async def test_an_injection_during_the_first_make_still_wins() -> None:
    started = asyncio.Event()
    release = asyncio.Event()

    async def factory() -> str:
        started.set()
        await release.wait()
        return "made"

    register_service("racing", factory)
    first = asyncio.create_task(get_service("racing"))
    await started.wait()
    inject_service("racing", "injected")
    release.set()
    assert await first == "injected"
    assert await get_service("racing") == "injected"


async def test_reset_forgets_services_injections_and_extra_factories() -> None:
    async def factory() -> str:
        return "made"

    register_service("extra", factory)
    inject_service("mocked", "injected")
    assert await get_service("extra") == "made"
    reset_services()
    for name in ("extra", "mocked"):
        with pytest.raises(UnknownService, match="brain_persistence"):
            await get_service(name)


async def test_an_unknown_name_is_a_typed_error_naming_the_registered_ones() -> None:
    with pytest.raises(UnknownService) as raised:
        await get_service("town_persistence")
    assert isinstance(raised.value, LookupError)
    assert "'town_persistence'" in str(raised.value)
    assert "brain_persistence" in str(raised.value)
    with pytest.raises(InvalidArgument):
        register_service("", lambda: asyncio.sleep(0))


async def test_the_seeds_pattern_3_runs_with_only_its_imports_changed() -> None:
    mock_brain = MockBrain()
    # The seed's snippet, its two import lines pointed at dualtrack.services.
    from dualtrack.services import bootstrap_services, get_service

    # At app startup
    await bootstrap_services()

    # In handlers
    brain = await get_service("brain_persistence")
    result = await brain.capture("Hello world")

    # For testing
    from dualtrack.services import inject_service, reset_services

    reset_services()
    inject_service("brain_persistence", mock_brain)
    # (end of the seed's snippet)

    assert isinstance(brain, BrainPersistence)
    assert result.summary == "Hello world"
    assert await brain.get(result.crystal_id) == result
    assert await get_service("brain_persistence") is mock_brain
    await brain.close()


async def _counts(database: Path) -> tuple[int, int]:
    engine = create_async_engine(f"sqlite+aiosqlite:///{database}")
    async with SQLDgent(engine, namespace=BRAIN_NAMESPACE) as memory:
        datums = await memory.count()
    async with engine.connect() as connection:
        crystals = select(func.count()).select_from(Crystal)
        rows = (await connection.execute(crystals)).scalar_one()
    await engine.dispose()
    return datums, rows


async def test_the_seeds_pattern_4_through_brain_capture(configured: Path) -> None:
    await bootstrap_services()
    brain: Any = await get_service("brain_persistence")
    content = "Tea brewed on a mountain is weaker " * 10
    tags = ["tea", "altitude"]

    captured = await brain.capture(content, tags)  # capture_crystal(content, tags)

    # 1. The semantic content is in agent memory, with the seed's metadata.
    datum = await brain.memory.get(captured.datum_id)
    assert datum.content == content.encode()
    assert dict(datum.metadata) == {"type": "crystal", "tags": tags}
    # 2. The queryable metadata is in the crystals table, linked by datum_id.
    assert captured.content_hash == hashlib.sha256(content.encode()).hexdigest()
    assert captured.summary == content[:200]
    assert captured.tags == tuple(tags)
    assert await brain.get(captured.crystal_id) == captured
    assert await brain.get("no-such-crystal") is None

    follow_up = await brain.capture("Boiling is cooler up high", ["physics"], parent_id=None)
    child = await brain.capture("So pasta takes longer", ["food"], parent_id=follow_up.crystal_id)
    assert [r.crystal_id for r in await brain.chain(child.crystal_id)] == [
        follow_up.crystal_id,
        child.crystal_id,
    ]
    assert await brain.chain("no-such-crystal") == []
    assert (await brain.memory.get(child.datum_id)).causal_parent == follow_up.datum_id

    found = await brain.search("tea brewed on a mountain", 2)
    assert found[0] == captured
    assert len(found) == 2

    # Refused captures leave both tracks as they were.
    with pytest.raises(MissingParentError):
        await brain.capture("orphan", [], parent_id="no-such-crystal")
    with pytest.raises(InvalidArgument):
        await brain.capture("tags as a str", "tea")
    await brain.close()
    assert await _counts(configured) == (3, 3)
