"""The concurrency law of compaction: writers on other handles lose nothing live."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
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


@dataclass
class WriterReport:
    """What one writer of :func:`write_chain` did: every datum it made, those it did not
    forget, the ids it forgot, its last head, and the error that stopped it, if any."""

    made: list[Datum] = field(default_factory=list)
    kept: list[Datum] = field(default_factory=list)
    forgotten: list[str] = field(default_factory=list)
    head: Datum | None = None
    failure: str | None = None

    def to_json(self) -> str:
        """The report as JSON text (to send it from another process)."""
        return json.dumps(
            {
                "made": [d.to_json() for d in self.made],
                "kept": [d.id for d in self.kept],
                "forgotten": self.forgotten,
                "failure": self.failure,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> WriterReport:
        """The report :meth:`to_json` wrote."""
        fields = json.loads(text)
        made = [Datum.from_json(line) for line in fields["made"]]
        kept = set(fields["kept"])
        return cls(
            made=made,
            kept=[d for d in made if d.id in kept],
            forgotten=list(fields["forgotten"]),
            head=made[-1] if made else None,
            failure=fields["failure"],
        )


async def write_chain(
    store: Retention, writer: int, steps: int, clock: Callable[[], float]
) -> WriterReport:
    """Grow one chain, moving the ref ``writer-<writer>`` to each new head by compare-and-set
    and forgetting every third head's parent; report what was acknowledged."""
    report = WriterReport()
    try:
        for step in range(steps):
            head = report.head
            datum = Datum(
                id=f"writer-{writer}-{step}",
                content=f"writer {writer} wrote step {step}".encode(),
                created_at=clock() + step,
                causal_parent=None if head is None else head.id,
            )
            await store.put(datum)
            expected = None if head is None else head.id
            await store.set_ref(f"writer-{writer}", datum.id, expected=expected)
            report.made.append(datum)
            report.kept.append(datum)
            report.head = datum
            if step % 3 == 2:
                parent = report.kept[-2]
                await store.forget(ids=[parent.id])
                report.forgotten.append(parent.id)
                report.kept.remove(parent)
            await asyncio.sleep(0)
    except DualtrackError as error:
        report.failure = f"{type(error).__name__}: {error}"
    return report


async def verify_writers(store: Retention, reports: list[WriterReport], given: object) -> None:
    """The laws :func:`check_concurrent_compaction` checks, for reports of
    :func:`write_chain` (from tasks or processes), read through ``store``."""
    for k, report in enumerate(reports):
        holds("writes never fail for compaction", (given, k), report.failure, None)
        for datum in report.kept:
            holds(
                "compaction loses no acknowledged live datum",
                (given, datum.id),
                await store.get(datum.id),
                datum,
            )
        for datum_id in report.forgotten:
            holds(
                "a forgotten datum stays hidden through compaction",
                (given, datum_id),
                await store.get(datum_id),
                None,
            )
        head = report.head
        assert head is not None
        holds(
            "every ref names its writer's last head",
            (given, k),
            await store.get_ref(f"writer-{k}"),
            head.id,
        )
        chain = await store.causal_chain(head.id)
        cut = report.forgotten[-1] if report.forgotten else None
        made = [d.id for d in report.made]
        tail = report.made[0 if cut is None else made.index(cut) + 1 :]
        holds(
            "a head's chain runs back to its writer's last forgotten datum",
            (given, k),
            (list(chain), getattr(chain, "truncated", None)),
            (tail, cut),
        )


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
                    *(write_chain(store, k, length, clock) for k, store in enumerate(handles))
                )
            finally:
                writing = False
                await compacting
            given_ = {"writers": tasks, "steps": length, "compactions": rounds}
            await verify_writers(compactor, list(reports), given_)
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
