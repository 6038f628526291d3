"""The concurrency law of compaction: writers on other handles lose nothing live."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from dualtrack.errors import DualtrackError
from dualtrack.memory import Datum
from dualtrack.memory.retention import CompactionPolicy, Retention
from laws.core import holds, run
from laws.private_loop import RunAsync, event_loop
from laws.retention.strategies import START
from laws.retention.support import ManualClock, RetentionFactory


async def _write(store: Retention, writer: int, steps: int, clock: ManualClock) -> dict[str, Any]:
    """Grow one chain, moving a ref to each new head and forgetting every third head's
    parent; report what was acknowledged, and the error that stopped the writer, if any."""
    report: dict[str, Any] = {"failure": None}
    try:
        await _steps(store, writer, steps, clock, report)
    except DualtrackError as error:
        report["failure"] = f"{type(error).__name__}: {error}"
    return report


async def _steps(
    store: Retention, writer: int, steps: int, clock: ManualClock, report: dict[str, Any]
) -> None:
    made: list[Datum] = report.setdefault("made", [])
    kept: list[Datum] = report.setdefault("kept", [])
    forgotten: list[str] = report.setdefault("forgotten", [])
    head: Datum | None = None
    for step in range(steps):
        datum = Datum(
            id=f"writer-{writer}-{step}",
            content=f"writer {writer} wrote step {step}".encode(),
            created_at=clock() + step,
            causal_parent=None if head is None else head.id,
        )
        await store.put(datum)
        await store.set_ref(
            f"writer-{writer}", datum.id, expected=None if head is None else head.id
        )
        made.append(datum)
        kept.append(datum)
        head = datum
        if step % 3 == 2:
            parent = kept[-2].id
            await store.forget(ids=[parent])
            forgotten.append(parent)
            kept.remove(kept[-2])
        report["head"] = head
        await asyncio.sleep(0)


def check_concurrent_compaction(
    factory: RetentionFactory,
    writers: st.SearchStrategy[int] | None = None,
    steps: st.SearchStrategy[int] | None = None,
    settings: settings | None = None,
) -> None:
    """While one handle compacts again and again, writers on other handles of the same
    namespace put datums, move refs by compare-and-set and forget: no write fails, every write
    acknowledged and not forgotten is still there, every ref names its writer's last head, and
    each head's chain runs back to the last datum its writer forgot, with a marker naming that
    one. Every third compaction vacuums (``"normal"``), the others do not (``"none"``)."""

    async def body(tasks: int, length: int) -> None:
        clock = ManualClock(START)
        namespace = f"race-{uuid.uuid4().hex[:20]}"
        compactor = await factory(namespace, clock)
        handles = [await factory(namespace, clock) for _ in range(tasks)]
        writing = True
        rounds = 0

        async def compact() -> None:
            nonlocal rounds
            while writing or rounds == 0:
                policy = CompactionPolicy(vacuum="normal" if rounds % 3 == 2 else "none")
                await compactor.compact(policy)
                rounds += 1
                await asyncio.sleep(0)

        try:
            compacting = asyncio.ensure_future(compact())
            try:
                reports = await asyncio.gather(
                    *(_write(store, k, length, clock) for k, store in enumerate(handles))
                )
            finally:
                writing = False
                await compacting
            given_ = {"writers": tasks, "steps": length, "compactions": rounds}
            for k, report in enumerate(reports):
                holds("writes never fail for compaction", (given_, k), report["failure"], None)
                for datum in report["kept"]:
                    holds(
                        "compaction loses no acknowledged live datum",
                        (given_, datum.id),
                        await compactor.get(datum.id),
                        datum,
                    )
                for datum_id in report["forgotten"]:
                    holds(
                        "a forgotten datum stays hidden through compaction",
                        (given_, datum_id),
                        await compactor.get(datum_id, include_hidden=False),
                        None,
                    )
                head = report["head"]
                holds(
                    "every ref names its writer's last head",
                    (given_, k),
                    await compactor.get_ref(f"writer-{k}"),
                    head.id,
                )
                chain = await compactor.causal_chain(head.id)
                cut = report["forgotten"][-1] if report["forgotten"] else None
                made = [d.id for d in report["made"]]
                tail = report["made"][0 if cut is None else made.index(cut) + 1 :]
                holds(
                    "a head's chain runs back to its writer's last forgotten datum",
                    (given_, k),
                    (list(chain), chain.truncated),
                    (tail, cut),
                )
        finally:
            for store in [compactor, *handles]:
                await store.close()

    def on_loop(run_async: RunAsync[Any]) -> None:
        @given(
            tasks=writers or st.integers(min_value=2, max_value=3),
            length=steps or st.integers(min_value=3, max_value=8),
        )
        def property_(tasks: int, length: int) -> None:
            run_async(body(tasks, length))

        run(property_, settings)

    with event_loop() as run_async:
        on_loop(run_async)
