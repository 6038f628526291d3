"""Backend defects the state laws used to miss, each caught on 20 of 20 seeds: a save skipped
because ``==`` said nothing changed, a load that reads state and version in two steps, and
versions that repeat (a digest of the content)."""

from __future__ import annotations

import asyncio
import hashlib
import json
from typing import Any

from hypothesis import strategies as st

from dualtrack import ConflictError, MemoryStateBackend
from dualtrack.state.backend import Version
from laws.state import check_state_backend
from tests.seeded import NO_DATABASE, caught_on_seeds

json_states = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.text(max_size=3),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=3)
    ),
    max_leaves=6,
)


class SkipsEqualSaves:
    """Writes nothing when the new state is ``==`` to the stored one: keeps ``1`` where
    ``True`` was saved (what ``MemoryStateBackend`` itself did)."""

    def __init__(self, initial: Any) -> None:
        self.state, self.version = initial, 0

    async def load(self) -> tuple[Any, Version]:
        return json.loads(json.dumps(self.state)), self.version

    async def save(self, state: Any, expected_version: Version) -> Version:
        if expected_version != self.version:
            raise ConflictError("stale")
        if state != self.state:
            self.state, self.version = json.loads(json.dumps(state)), self.version + 1
        return self.version


class TwoStepLoad(MemoryStateBackend[Any]):
    """Reads the state, lets other tasks run, then reads the version: a save in between pairs
    the old state with the new version."""

    async def load(self) -> tuple[Any, int]:
        state, _ = await super().load()
        await asyncio.sleep(0)
        _, version = await super().load()
        return state, version


class DigestVersions:
    """Versions the state by a digest of its JSON: A, B, A again brings back A's version, so a
    save from it two changes later is accepted."""

    def __init__(self, initial: Any) -> None:
        self.state = initial

    def _version(self) -> str:
        return hashlib.sha256(json.dumps(self.state, sort_keys=True).encode()).hexdigest()

    async def load(self) -> tuple[Any, Version]:
        return json.loads(json.dumps(self.state)), self._version()

    async def save(self, state: Any, expected_version: Version) -> Version:
        if expected_version != self._version():
            raise ConflictError("stale")
        self.state = json.loads(json.dumps(state))
        return self._version()


def fresh(kind: type[Any]) -> Any:
    async def make() -> Any:
        return kind(initial={"n": 0})

    return make


def test_a_backend_skipping_equal_saves_is_caught_on_every_seed() -> None:
    missed = caught_on_seeds(
        lambda: check_state_backend(fresh(SkipsEqualSaves), json_states, settings=NO_DATABASE),
        "save then load returns what was saved",
    )
    assert missed == []


def test_memory_state_backend_keeps_true_saved_over_one() -> None:
    backend = MemoryStateBackend(initial={"a": 1})
    _, version = asyncio.run(backend.load())
    asyncio.run(backend.save({"a": True}, version))
    state, _ = asyncio.run(backend.load())
    assert type(state["a"]) is bool


def test_a_two_step_load_is_caught_on_every_seed() -> None:
    missed = caught_on_seeds(
        lambda: check_state_backend(fresh(TwoStepLoad), json_states, settings=NO_DATABASE),
        "a load racing a save",
    )
    assert missed == []


def test_versions_that_repeat_are_caught_on_every_seed() -> None:
    missed = caught_on_seeds(
        lambda: check_state_backend(fresh(DigestVersions), json_states, settings=NO_DATABASE),
        "versions never repeat",
    )
    assert missed == []


def test_a_digest_versioned_backend_passes_when_it_says_so() -> None:
    check_state_backend(fresh(DigestVersions), json_states, content_versioned=True)
