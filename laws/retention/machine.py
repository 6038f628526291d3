"""The stateful retention law: random puts, forgets, clock moves, lifetimes, compactions and
reads, on stores and on :class:`RetentionModel` alike."""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from dualtrack.errors import DualtrackError
from dualtrack.memory import Datum
from dualtrack.memory.retention import Retention
from laws.core import holds, with_defaults
from laws.dgent.strategies import datum_ids
from laws.dgent.support import outcome
from laws.private_loop import RunAsync, event_loop
from laws.retention.checks import REF_NAMES, agree
from laws.retention.model import RetentionModel
from laws.retention.strategies import (
    START,
    expiring_datums,
    forget_requests,
    lifetimes,
    policies,
    steps,
)
from laws.retention.support import ManualClock, RetentionFactory, read_model, read_store


def check_retention_against_model(
    *factories: RetentionFactory, settings: settings | None = None
) -> None:
    """Drive one fresh store from each factory and the model with the same random operations
    (puts and batches, forgets of every kind, ref moves, clock moves, lifetimes, compactions
    and dry runs); every answer of every store, on every read path, must be the model's."""

    def on_loop(run_async: RunAsync[Any]) -> None:
        machine = _machine(run_async, factories)
        run_state_machine_as_test(machine, settings=with_defaults(settings))

    with event_loop() as run_async:
        on_loop(run_async)


async def _opened(factory: RetentionFactory, name: str, clock: ManualClock) -> Retention:
    return await factory(name, clock)


def _machine(
    run_async: RunAsync[Any], factories: tuple[RetentionFactory, ...]
) -> type[RuleBasedStateMachine]:
    class RetentionMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.model = RetentionModel()
            self.clock = ManualClock(START)
            name = f"forgetful-{uuid.uuid4().hex[:20]}"
            self.stores: list[Retention] = [
                run_async(_opened(factory, name, self.clock)) for factory in factories
            ]
            self.seen: list[Datum] = []

        def teardown(self) -> None:
            for store in self.stores:
                run_async(store.close())

        def agree(self, law: str, given: object, call: Any, expected: Any) -> None:
            for store in self.stores:
                answer = run_async(outcome(call(store)))
                holds(f"{law} agrees with the model ({store!r})", given, answer, expected)

        def expect(self, step: Any) -> Any:
            try:
                return step()
            except DualtrackError as error:
                return ("raised", type(error).__name__)

        def ids(self) -> list[str]:
            return [d.id for d in self.seen]

        def draw_datum(self, data: st.DataObject) -> Datum:
            choice = data.draw(st.integers(min_value=0, max_value=5), label="kind")
            if self.seen and choice == 0:
                return data.draw(st.sampled_from(self.seen), label="again")
            parents = tuple(self.ids()[-4:])
            return data.draw(expiring_datums(parents), label="datum")

        def record(self, batch: list[Datum]) -> None:
            for datum in batch:
                if datum.id not in self.ids():
                    self.seen.append(datum)

        @rule(data=st.data())
        def put(self, data: st.DataObject) -> None:
            datum = self.draw_datum(data)
            expected = self.expect(lambda: self.model.put_many([datum], self.clock())[0])
            self.agree("put", datum, lambda s: s.put(datum), expected)
            self.record([datum])

        @rule(data=st.data())
        def put_many(self, data: st.DataObject) -> None:
            batch = [
                self.draw_datum(data)
                for _ in range(data.draw(st.integers(min_value=0, max_value=3), label="size"))
            ]
            expected = self.expect(lambda: self.model.put_many(batch, self.clock()))
            self.agree("put_many", batch, lambda s: s.put_many(batch), expected)
            self.record(batch)

        @rule(data=st.data())
        def forget(self, data: st.DataObject) -> None:
            request = data.draw(forget_requests(self.seen, list(REF_NAMES)), label="forget")
            arguments = request.arguments
            expected = self.model.forget(self.clock(), **arguments)
            self.agree("forget", arguments, lambda s: s.forget(**arguments), expected)

        @rule(data=st.data())
        def set_ref(self, data: st.DataObject) -> None:
            name = data.draw(st.sampled_from(REF_NAMES), label="ref")
            pool = st.sampled_from(self.ids()) | datum_ids if self.seen else datum_ids
            target = data.draw(pool, label="target")
            current = self.model.get_ref(name, self.clock())
            expected_id = data.draw(st.sampled_from([current, None, *self.ids()[:2]]))
            expected = self.expect(
                lambda: self.model.set_ref(name, target, expected_id, self.clock())
            )
            self.agree(
                "set_ref",
                (name, target, expected_id),
                lambda s: s.set_ref(name, target, expected=expected_id),
                expected,
            )

        @rule(move=steps)
        def time_passes(self, move: float) -> None:
            self.clock.advance(move)

        @rule(lifetime=lifetimes)
        def set_lifetime(self, lifetime: float | None) -> None:
            self.model.lifetime = lifetime
            self.agree("set_lifetime", lifetime, lambda s: s.set_lifetime(lifetime), None)

        @rule(policy=policies, dry_run=st.booleans())
        def compact(self, policy: Any, dry_run: bool) -> None:
            expected = self.model.compact(policy, self.clock(), dry_run)

            async def receipt(store: Retention) -> Any:
                done = await store.compact(policy, dry_run=dry_run)
                return (done.removed, done.forgotten, done.expired, done.unreachable, done.refs)

            wanted = (
                expected.removed,
                expected.forgotten,
                expected.expired,
                expected.unreachable,
                expected.refs,
            )
            self.agree("compact", (policy, dry_run), receipt, wanted)

        @rule(hidden=st.booleans())
        def read_everything(self, hidden: bool) -> None:
            ids = [*self.ids(), "never-stored"]
            refs = list(REF_NAMES)
            expected = read_model(self.model, self.clock(), ids, refs, include_hidden=hidden)
            for store in self.stores:
                actual = run_async(read_store(store, ids, refs, include_hidden=hidden))
                agree(
                    f"every read path agrees with the model ({store!r})", hidden, actual, expected
                )

        @invariant()
        def states(self) -> None:
            now = self.clock()
            self.agree("count", now, lambda s: s.count(), len(self.model.visible(now)))
            for datum_id in self.ids()[-3:]:
                self.agree(
                    "state_of",
                    datum_id,
                    lambda s, i=datum_id: s.state_of(i),
                    self.model.state_of(datum_id, now),
                )

    return RetentionMachine
