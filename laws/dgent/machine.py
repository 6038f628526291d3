"""The stateful conformance test: the same random operations on stores and on the model.

:func:`check_against_model` drives one store; :func:`check_agreement` drives several stores at
once (say ``MemoryDgent`` and yours), so they must agree with the model and with each other.
"""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from dualtrack.errors import DualtrackError
from dualtrack.memory import Datum, DgentProtocol
from dualtrack.memory.advancing import advance
from laws.core import holds, with_defaults
from laws.dgent.inventory import causal_violations
from laws.dgent.model import DgentModel
from laws.dgent.strategies import datum_ids, datums, metadata, times
from laws.dgent.support import StoreFactory, error_kind, open_store, outcome
from laws.private_loop import RunAsync, event_loop

_REF_NAMES = ["head", "Head", "a%_", "x'y"]


def check_against_model(factory: StoreFactory, settings: settings | None = None) -> None:
    """Drive a fresh store and the model with the same random operations; every answer agrees."""
    check_agreement(factory, settings=settings)


def check_agreement(*factories: StoreFactory, settings: settings | None = None) -> None:
    """Drive one fresh store from each factory and the model with the same random operations
    (puts, batches, refused writes, gets, listings by cursor, chains, refs, advances, search): every
    store's every answer must equal the model's, so the stores also agree with each other."""

    def on_loop(run_async: RunAsync[Any]) -> None:
        machine = _machine(run_async, factories)
        run_state_machine_as_test(machine, settings=with_defaults(settings))

    with event_loop() as run_async:
        on_loop(run_async)


def _machine(
    run_async: RunAsync[Any], factories: tuple[StoreFactory, ...]
) -> type[RuleBasedStateMachine]:
    class DgentMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.model = DgentModel()
            name = f"machine-{uuid.uuid4().hex[:20]}"
            self.stores: list[DgentProtocol] = [run_async(open_store(f, name)) for f in factories]

        def teardown(self) -> None:
            for store in self.stores:
                run_async(store.close())

        def agree(self, law: str, given: object, call: Any, expected: Any) -> None:
            for store in self.stores:
                answer = run_async(outcome(call(store)))
                holds(f"{law} agrees with the model ({store!r})", given, answer, expected)

        def apply(self, law: str, batch: list[Datum]) -> None:
            try:
                expected: Any = self.model.put_many(batch)
            except DualtrackError as error:
                expected = ("raised", error_kind(error))
            if len(batch) == 1 and law == "put":
                expected = expected[0] if isinstance(expected, list) else expected
                self.agree(law, batch[0], lambda s: s.put(batch[0]), expected)
            else:
                self.agree(law, batch, lambda s: s.put_many(batch), expected)

        def known(self) -> list[str]:
            return list(self.model.datums)

        def some_id(self, data: st.DataObject) -> str:
            known = self.known()
            pool = st.sampled_from(known) | datum_ids if known else datum_ids
            return data.draw(pool, label="id")

        def draw_datum(self, data: st.DataObject) -> Datum:
            choice = data.draw(st.integers(min_value=0, max_value=9), label="kind")
            stored = self.ordered_stored()
            if stored and choice == 0:
                return data.draw(st.sampled_from(stored), label="again")
            if stored and choice == 1:
                old = data.draw(st.sampled_from(stored), label="changed")
                return Datum(
                    id=old.id,
                    content=old.content + b"*",
                    created_at=old.created_at,
                    causal_parent=old.causal_parent,
                    metadata=old.metadata,
                )
            parents = tuple(self.known()) + (("missing-parent",) if choice == 2 else ())
            return data.draw(datums(parents), label="datum")

        def ordered_stored(self) -> list[Datum]:
            return self.model.ordered()

        @rule(data=st.data())
        def put(self, data: st.DataObject) -> None:
            self.apply("put", [self.draw_datum(data)])

        @rule(data=st.data())
        def put_many(self, data: st.DataObject) -> None:
            size = data.draw(st.integers(min_value=0, max_value=4), label="size")
            batch: list[Datum] = []
            for _ in range(size):
                datum = self.draw_datum(data)
                child: bool = data.draw(st.booleans(), label="child")
                if batch and child:
                    datum = Datum(
                        id=f"{datum.id}/child",
                        content=datum.content,
                        created_at=datum.created_at,
                        causal_parent=batch[-1].id,
                    )
                batch.append(datum)
            self.apply("put_many", batch)

        @rule(data=st.data())
        def get(self, data: st.DataObject) -> None:
            datum_id = self.some_id(data)
            self.agree("get", datum_id, lambda s: s.get(datum_id), self.model.datums.get(datum_id))
            known = datum_id in self.model.datums
            self.agree("exists", datum_id, lambda s: s.exists(datum_id), known)

        @rule(data=st.data())
        def listing(self, data: st.DataObject) -> None:
            query: dict[str, Any] = {"order": data.draw(st.sampled_from(["asc", "desc"]))}
            if data.draw(st.booleans(), label="by prefix"):
                query["prefix"] = self.some_id(data)[: data.draw(st.integers(1, 3))]
            if data.draw(st.booleans(), label="by time"):
                query["after"] = data.draw(times, label="after")
            if data.draw(st.booleans(), label="by metadata"):
                stored = [d.metadata for d in self.ordered_stored() if d.metadata]
                pool = st.sampled_from(stored) if stored else metadata
                source = dict(data.draw(pool | metadata, label="metadata source"))
                query["metadata"] = dict(list(source.items())[:1])
            limit = data.draw(st.integers(min_value=1, max_value=3), label="limit")
            expected = self.model.matching(**query)

            async def walk(store: DgentProtocol) -> list[Datum]:
                seen: list[Datum] = []
                cursor: str | None = None
                while True:
                    page = await store.list(**query, limit=limit, cursor=cursor)
                    seen.extend(page)
                    cursor = page.cursor
                    if cursor is None or len(seen) > len(expected):
                        return seen

            self.agree("list (all pages)", (query, limit), walk, expected)

        @rule(data=st.data())
        def chain(self, data: st.DataObject) -> None:
            datum_id = self.some_id(data)
            self.agree(
                "causal_chain",
                datum_id,
                lambda s: s.causal_chain(datum_id),
                self.model.causal_chain(datum_id),
            )
            self.agree(
                "children", datum_id, lambda s: s.children(datum_id), self.model.children(datum_id)
            )

        @rule(data=st.data())
        def set_ref(self, data: st.DataObject) -> None:
            name = data.draw(st.sampled_from(_REF_NAMES), label="ref")
            target = self.some_id(data)
            current = self.model.refs.get(name)
            expected_id = data.draw(st.sampled_from([current, None, *self.known()[:3]]))
            try:
                self.model.set_ref(name, target, expected_id)
                expected: Any = None
            except DualtrackError as error:
                expected = ("raised", error_kind(error))
            step = (name, target, expected_id)
            self.agree(
                "set_ref", step, lambda s: s.set_ref(name, target, expected=expected_id), expected
            )

        @rule(data=st.data())
        def advance(self, data: st.DataObject) -> None:
            datum = self.draw_datum(data)
            name = data.draw(st.sampled_from(_REF_NAMES), label="ref")
            current = self.model.refs.get(name)
            expected_id = data.draw(st.sampled_from([current, None, *self.known()[:3]]))
            try:
                expected: Any = self.model.advance(datum, name, expected_id)
            except DualtrackError as error:
                expected = ("raised", error_kind(error))
            step = (datum, name, expected_id)
            self.agree(
                "advance",
                step,
                lambda s: advance(s, datum, name, expected=expected_id),
                expected,
            )

        @rule(data=st.data())
        def search(self, data: st.DataObject) -> None:
            text = data.draw(st.sampled_from(["the cat", "quantum", ""]) | st.text(max_size=8))
            limit = data.draw(st.integers(min_value=1, max_value=4), label="limit")
            wanted = min(limit, len(self.model.searchable()))

            async def found(store: DgentProtocol) -> int:
                hits = await store.search(text, limit=limit)
                scores = [hit.score for hit in hits]
                stored = all(self.model.datums.get(h.datum.id) == h.datum for h in hits)
                ordered = scores == sorted(scores, reverse=True)
                return len(hits) if stored and ordered else -1

            self.agree("search (count, stored, best first)", (text, limit), found, wanted)

        @rule(size=st.integers(min_value=1, max_value=4))
        def inventory(self, size: int) -> None:
            refs = sorted(self.model.refs.items())
            self.agree("list_refs", None, lambda s: s.list_refs(), refs)

            async def causal(store: DgentProtocol) -> tuple[list[Datum], list[Any]]:
                order = [datum async for datum in store.scan_causal(batch_size=size)]
                by_time = sorted(order, key=lambda datum: (datum.created_at, datum.id))
                return by_time, causal_violations(order)

            expected: tuple[list[Datum], list[Any]] = (self.model.ordered(), [])
            self.agree("scan_causal (every datum, parents first)", size, causal, expected)

        @invariant()
        def counts_and_refs(self) -> None:
            self.agree("count", None, lambda s: s.count(), len(self.model.datums))
            for name in _REF_NAMES[:2]:
                self.agree(
                    "get_ref", name, lambda s, n=name: s.get_ref(n), self.model.refs.get(name)
                )

    return DgentMachine
