"""Copying and importing never mix two stores' memories: a destination holding other datums
or refs is refused before anything of it changes, while finishing an interrupted copy or
restoring a newer backup over an older one still works."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from dualtrack import ConflictError, Datum, MemoryDgent
from dualtrack.memory import DelegatingDgent, DgentProtocol, MemorySpace
from dualtrack.memory.transfer import copy_namespace, digest
from dualtrack.memory.transfer.jsonl import import_lines

CHAIN = [
    Datum(id="a", content=b"1", created_at=1.0),
    Datum(id="b", content=b"2", created_at=2.0, causal_parent="a"),
    Datum(id="c", content=b"3", created_at=3.0, causal_parent="b"),
]


@pytest.mark.parametrize(
    ("carried", "forgotten"),
    [(2, "a"), (3, "c")],
    ids=["a root, two carried", "a leaf, all carried"],
)
def test_an_interrupted_copy_finishes_after_the_source_forgot_what_it_carried(
    carried: int, forgotten: str
) -> None:
    async def scenario() -> tuple[object, object]:
        source, destination = MemoryDgent(), MemoryDgent()
        await source.put_many(CHAIN)
        await source.set_ref("head", "c")
        await destination.put_many(CHAIN[:carried])  # what a copy killed midway left
        await source.forget(ids=[forgotten])  # the source forgets one of them meanwhile
        await copy_namespace(source, destination)
        return await digest(source), await digest(destination)

    source, copied = asyncio.run(scenario())
    assert copied == source


def test_a_copy_into_other_memory_is_refused_and_changes_nothing() -> None:
    async def scenario() -> None:
        source, destination = MemoryDgent(), MemoryDgent()
        await source.put_many(CHAIN)
        await destination.put(Datum(id="mine", content=b"x", created_at=0.5))
        await destination.set_ref("head", "mine")
        before = await digest(destination)
        with pytest.raises(ConflictError, match="datum 'mine'"):
            await copy_namespace(source, destination)
        assert await digest(destination) == before

    asyncio.run(scenario())


def _restorable() -> tuple[MemoryDgent, Callable[[str], Awaitable[MemoryDgent]]]:
    """A store, and the opener an import writes into it through."""
    space = MemorySpace()

    async def opened(namespace: str) -> MemoryDgent:
        return MemoryDgent(namespace, space=space)

    return MemoryDgent(space=space), opened


def _export(ref_target: str, upto: int) -> list[str]:
    return [
        '{"namespace":"default"}',
        *(datum.to_json() for datum in CHAIN[:upto]),
        f'{{"ref":"head","datum_id":"{ref_target}"}}',
    ]


def test_an_import_moves_a_ref_forward_and_refuses_to_move_it_elsewhere() -> None:
    async def scenario() -> None:
        store, opened = _restorable()
        await import_lines(_export("b", 2), opened)  # an older backup
        assert await store.get_ref("head") == "b"
        await import_lines(_export("c", 3), opened)  # a newer one: head moves forward
        assert await store.get_ref("head") == "c"
        await store.put(Datum(id="other", content=b"o", created_at=9.0))
        await store.set_ref("head", "other", expected="c")
        with pytest.raises(ConflictError, match="not an ancestor of 'c'"):
            await import_lines(_export("c", 3), opened)
        assert await store.get_ref("head") == "other"

    asyncio.run(scenario())


def test_importing_an_older_backup_again_leaves_a_ref_that_moved_on() -> None:
    async def scenario() -> None:
        store, opened = _restorable()
        await import_lines(_export("b", 2), opened)
        await store.put(CHAIN[2])
        await store.set_ref("head", "c", expected="b")  # the agent moved on
        reports = await import_lines(_export("b", 2), opened)  # the same backup again
        assert reports[0].refs_set == 0
        assert await store.get_ref("head") == "c"

    asyncio.run(scenario())


def test_a_ref_whose_way_forward_is_cut_by_forgetting_is_refused_as_such() -> None:
    async def scenario() -> None:
        store, opened = _restorable()
        await import_lines(_export("a", 1), opened)
        newer = [
            '{"namespace":"default"}',
            '{"forgotten":"b"}',
            CHAIN[0].to_json(),
            CHAIN[2].to_json(),
            '{"ref":"head","datum_id":"c"}',
        ]
        with pytest.raises(ConflictError, match="cut at 'b'"):
            await import_lines(newer, opened)
        assert await store.get_ref("head") == "a"

    asyncio.run(scenario())


def test_a_datum_of_its_own_under_an_id_the_source_forgot_is_refused_and_kept() -> None:
    async def scenario() -> None:
        source, destination = MemoryDgent(), MemoryDgent()
        await source.put_many(CHAIN)
        await source.forget(ids=["a"])
        await destination.put(Datum(id="a", content=b"mine", created_at=1.0))
        with pytest.raises(ConflictError, match="datum 'a'"):
            await copy_namespace(source, destination)
        assert await destination.get("a") == Datum(id="a", content=b"mine", created_at=1.0)

    asyncio.run(scenario())


class SlowToAct(DelegatingDgent):
    """A store whose reads of a ref take a while, as on a busy server: two imports both read
    it before either moves it."""

    async def get_ref(self, name: str, *, include_hidden: bool = False) -> str | None:
        found = await self.inner.get_ref(name, include_hidden=include_hidden)
        await asyncio.sleep(0.01)
        return found


def test_two_imports_of_one_backup_at_once_both_succeed() -> None:
    """Each import reads the ref unset and sets it; the one that comes second finds it moved,
    looks again, and sees it points where the file says."""
    space = MemorySpace()

    async def opened(namespace: str) -> DgentProtocol:
        return SlowToAct(MemoryDgent(namespace, space=space))

    async def scenario() -> list[list[int]]:
        runs = await asyncio.gather(*(import_lines(_export("c", 3), opened) for _ in range(4)))
        store = MemoryDgent(space=space)
        assert await store.get_ref("head") == "c"
        assert await store.count() == 3
        return [[report.refs_set for report in reports] for reports in runs]

    assert sorted(asyncio.run(scenario())) == [[0], [0], [0], [1]]
