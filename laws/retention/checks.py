"""The retention laws: one check per law, each against :class:`RetentionModel`."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from dualtrack.errors import LawViolation
from dualtrack.memory import Datum, Embedder
from dualtrack.memory.embedder import HashedNgramEmbedder, embed_contents
from dualtrack.memory.retention import CompactionPolicy, CompactionReceipt, Retention
from laws.core import holds, run
from laws.dgent.support import outcome
from laws.private_loop import RunAsync, event_loop
from laws.retention.model import ModelReceipt, RetentionModel
from laws.retention.strategies import (
    START,
    ForgetRequest,
    forget_requests,
    histories,
    lifetimes,
    policies,
    steps,
)
from laws.retention.support import (
    ManualClock,
    Residue,
    RetentionFactory,
    Snapshot,
    fresh_store,
    read_model,
    read_store,
    stored_bytes,
)

REF_NAMES = ("head", "other", "it's %_")


def _law(
    factory: RetentionFactory,
    strategies: dict[str, st.SearchStrategy[Any]],
    body: Callable[..., Awaitable[None]],
    custom: settings | None,
) -> None:
    """Run ``body(store, clock, **drawn)`` on a fresh store for every example drawn."""

    def on_loop(run_async: RunAsync[Any]) -> None:
        @given(**strategies)
        def property_(**drawn: Any) -> None:
            async def example() -> None:
                clock = ManualClock(START)
                async with fresh_store(factory, clock) as store:
                    await body(store, clock, **drawn)

            run_async(example())

        run(property_, custom)

    with event_loop() as run_async:
        on_loop(run_async)


def agree(law: str, given: object, left: Snapshot, right: Snapshot) -> None:
    """Raise :class:`LawViolation` naming only the read paths where two snapshots differ."""
    differences = left.differences(right)
    if differences:
        raise LawViolation(
            law,
            given,
            {key: pair[0] for key, pair in differences.items()},
            {key: pair[1] for key, pair in differences.items()},
        )


def _receipt(receipt: CompactionReceipt) -> ModelReceipt:
    return ModelReceipt(
        receipt.removed, receipt.forgotten, receipt.expired, receipt.unreachable, receipt.refs
    )


async def _setup(
    store: Retention,
    model: RetentionModel,
    now: float,
    batch: list[Datum],
    refs: list[tuple[str, str]],
    lifetime: float | None,
) -> None:
    """Put ``batch``, set the lifetime and the refs, on the store and the model alike."""
    given_ = {"batch": batch, "refs": refs, "lifetime": lifetime}
    await store.put_many(batch)
    model.put_many(batch, now)
    await store.set_lifetime(lifetime)
    model.lifetime = lifetime
    holds("lifetime() is what was set", given_, await store.lifetime(), lifetime)
    for name, target in refs:
        try:
            model.set_ref(name, target, None, now)
            wanted: Any = None
        except Exception as error:
            wanted = ("raised", type(error).__name__)
        holds(
            "set_ref to a datum shown succeeds, to a hidden one raises UnknownDatum",
            (name, target),
            await outcome(store.set_ref(name, target, expected=None)),
            wanted,
        )


@st.composite
def _refs(draw: st.DrawFn, batch: list[Datum]) -> list[tuple[str, str]]:
    if not batch:
        return []
    names = draw(st.lists(st.sampled_from(REF_NAMES), unique=True, max_size=3))
    return [(name, draw(st.sampled_from([d.id for d in batch]))) for name in names]


@st.composite
def _scenarios(draw: st.DrawFn, forgetting: bool = True) -> dict[str, Any]:
    batch = draw(histories(), label="batch")
    refs = draw(_refs(batch), label="refs")
    scenario: dict[str, Any] = {"batch": batch, "refs": refs}
    scenario["lifetime"] = draw(lifetimes, label="lifetime")
    if forgetting:
        scenario["request"] = draw(forget_requests(batch, [n for n, _ in refs]), label="forget")
    return scenario


def _ids(scenario: dict[str, Any]) -> list[str]:
    return [d.id for d in scenario["batch"]] + ["never-stored"]


def check_forgetting(
    factory: RetentionFactory,
    scenarios: st.SearchStrategy[dict[str, Any]] | None = None,
    settings: settings | None = None,
) -> None:
    """``forget`` (by ids, prefix, metadata or ref) hides the datums it names from every read
    path at once (get, exists, count, list, scan, search, causal_chain, children, refs, focus
    views, truncations) and returns the ids it newly hid; ``include_hidden=True`` still shows
    them; forgetting again hides nothing new; a forgotten id is refused by ``put`` with
    ``ForgottenDatumError``, storing nothing; a child of a forgotten datum may be put, its
    chain cut at that parent, while a parent never heard of is missing."""

    async def body(store: Retention, clock: ManualClock, scenario: dict[str, Any]) -> None:
        model = RetentionModel()
        now = clock()
        await _setup(store, model, now, scenario["batch"], scenario["refs"], scenario["lifetime"])
        request: ForgetRequest = scenario["request"]
        ids, refs = _ids(scenario), list(REF_NAMES)
        forgotten = await store.forget(**request.arguments)
        holds(
            "forget returns the ids it newly hid, by (created_at, id)",
            scenario,
            forgotten,
            model.forget(now, **request.arguments),
        )
        agree(
            "a forgotten datum is absent from every read path at once",
            scenario,
            await read_store(store, ids, refs),
            read_model(model, now, ids, refs),
        )
        agree(
            "include_hidden=True shows forgotten datums until compaction",
            scenario,
            await read_store(store, ids, refs, include_hidden=True),
            read_model(model, now, ids, refs, include_hidden=True),
        )
        holds(
            "forgetting again hides nothing new",
            scenario,
            await store.forget(**request.arguments),
            [],
        )
        before = await read_store(store, ids, refs, include_hidden=True)
        for datum in scenario["batch"]:
            if datum.id in forgotten:
                holds(
                    "a forgotten id is never stored again",
                    datum,
                    await outcome(store.put(datum)),
                    ("raised", "ForgottenDatumError"),
                )
                holds(
                    "state_of a forgotten id", datum.id, await store.state_of(datum.id), "forgotten"
                )
        agree(
            "refused puts store nothing",
            scenario,
            await read_store(store, ids, refs, include_hidden=True),
            before,
        )
        for datum in scenario["batch"]:
            if datum.id in forgotten:
                child = Datum.create(b"survivor", causal_parent=datum.id, created_at=now)
                holds(
                    "a child of a forgotten datum may be put, its chain cut at the parent",
                    child,
                    (await outcome(store.put(child)), await _cut(store, child.id)),
                    (child, ([child], datum.id)),
                )
        orphan = Datum.create(b"orphan", causal_parent=f"never-heard-{now}", created_at=now)
        holds(
            "a parent never heard of is missing",
            orphan,
            await outcome(store.put(orphan)),
            ("raised", "MissingParentError"),
        )

    _law(factory, {"scenario": scenarios or _scenarios()}, body, settings)


async def _cut(store: Retention, datum_id: str) -> tuple[list[Datum], Any]:
    chain = await store.causal_chain(datum_id)
    return list(chain), getattr(chain, "truncated", "<no truncation marker>")


def check_expiry(
    factory: RetentionFactory,
    scenarios: st.SearchStrategy[dict[str, Any]] | None = None,
    moves: st.SearchStrategy[list[float]] | None = None,
    settings: settings | None = None,
) -> None:
    """A datum carrying ``dualtrack.expires_at``, or older than the namespace lifetime, is
    hidden from every read path from that instant on, as if forgotten then; ``state_of`` says
    ``expired``; its id is refused by ``put``; a longer lifetime shows again what a shorter
    one hid."""

    async def body(
        store: Retention, clock: ManualClock, scenario: dict[str, Any], moves: list[float]
    ) -> None:
        model = RetentionModel()
        await _setup(
            store, model, clock(), scenario["batch"], scenario["refs"], scenario["lifetime"]
        )
        ids, refs = _ids(scenario), list(REF_NAMES)
        for move in [0.0, *moves]:
            clock.advance(move)
            now = clock()
            given_ = {**scenario, "now": now}
            agree(
                "an expired datum is absent from every read path from its instant on",
                given_,
                await read_store(store, ids, refs),
                read_model(model, now, ids, refs),
            )
            for datum_id in ids:
                holds(
                    "state_of says live, expired or unknown",
                    (given_, datum_id),
                    await store.state_of(datum_id),
                    model.state_of(datum_id, now),
                )
        now = clock()
        for datum in scenario["batch"]:
            if model.state_of(datum.id, now) == "expired":
                holds(
                    "an expired id is never stored again",
                    datum,
                    await outcome(store.put(datum)),
                    ("raised", "ForgottenDatumError"),
                )
        await store.set_lifetime(None)
        model.lifetime = None
        agree(
            "removing the lifetime shows again what it hid",
            scenario,
            await read_store(store, ids, refs),
            read_model(model, now, ids, refs),
        )

    _law(
        factory,
        {
            "scenario": scenarios or _scenarios(forgetting=False),
            "moves": moves or st.lists(steps, min_size=1, max_size=3),
        },
        body,
        settings,
    )


def check_compaction(
    factory: RetentionFactory,
    scenarios: st.SearchStrategy[dict[str, Any]] | None = None,
    chosen: st.SearchStrategy[CompactionPolicy] | None = None,
    settings: settings | None = None,
) -> None:
    """``compact`` removes exactly the hidden datums (and what its policy prunes) and the refs
    naming them: a dry run changes nothing and names exactly what compaction then removes;
    every read of what stays, and through every live ref, is the same before and after
    (only pruning may cut chains, at the model's truncation markers); compacting twice equals
    compacting once; no ref dangles and no chain raises; a removed id is refused by ``put``
    as before and ``state_of`` says ``erased``; the receipt's ``datum_bytes`` counts the
    content and metadata JSON of what it removes."""

    async def body(
        store: Retention,
        clock: ManualClock,
        scenario: dict[str, Any],
        move: float,
        policy: CompactionPolicy,
    ) -> None:
        model = RetentionModel()
        await _setup(
            store, model, clock(), scenario["batch"], scenario["refs"], scenario["lifetime"]
        )
        request: ForgetRequest = scenario["request"]
        model.forget(clock(), **request.arguments)
        await store.forget(**request.arguments)
        clock.advance(move)
        now = clock()
        given_ = {**scenario, "now": now, "policy": policy}
        ids, refs = _ids(scenario), list(REF_NAMES)
        shown = await read_store(store, ids, refs)
        everything = await read_store(store, ids, refs, include_hidden=True)
        dry = await store.compact(policy, dry_run=True)
        agree("a dry run changes nothing", given_, await read_store(store, ids, refs), shown)
        agree(
            "a dry run changes nothing, hidden datums included",
            given_,
            await read_store(store, ids, refs, include_hidden=True),
            everything,
        )
        expected = model.compact(policy, now, dry_run=True)
        holds("the receipt names what the model removes", given_, _receipt(dry), expected)
        size = stored_bytes([model.datums[i] for i in expected.removed])
        holds("datum_bytes counts content and metadata", given_, dry.datum_bytes, size)
        receipt = await store.compact(policy)
        holds(
            "a dry run names exactly what compaction removes",
            given_,
            _receipt(receipt),
            _receipt(dry),
        )
        model.compact(policy, now, dry_run=False)
        after = await read_store(store, ids, refs)
        if not policy.unreachable:
            agree("compaction changes no read of what it keeps", given_, after, shown)
        agree(
            "reads after compaction are the model's",
            given_,
            after,
            read_model(model, now, ids, refs),
        )
        agree(
            "compaction removes exactly what the receipt names, cutting chains where "
            "ancestors went",
            given_,
            await read_store(store, ids, refs, include_hidden=True),
            read_model(model, now, ids, refs, include_hidden=True),
        )
        for name in refs:
            target = await store.get_ref(name, include_hidden=True)
            if target is not None:
                holds(
                    "no ref dangles",
                    (given_, name),
                    await store.get(target, include_hidden=True) is not None,
                    True,
                )
        again = await store.compact(policy)
        holds(
            "compacting twice equals compacting once",
            given_,
            (again.removed, again.refs),
            ((), ()),
        )
        agree(
            "a second compaction changes no read", given_, await read_store(store, ids, refs), after
        )
        for datum in scenario["batch"]:
            if datum.id in receipt.removed:
                holds(
                    "a removed id is never stored again",
                    datum,
                    await outcome(store.put(datum)),
                    ("raised", "ForgottenDatumError"),
                )
                holds("state_of a removed id", datum.id, await store.state_of(datum.id), "erased")

    _law(
        factory,
        {
            "scenario": scenarios or _scenarios(),
            "move": steps,
            "policy": chosen or policies,
        },
        body,
        settings,
    )


def check_erasure(
    factory: RetentionFactory,
    residue: Residue,
    policy: CompactionPolicy | None = None,
    embedder: Embedder | None = None,
    settings: settings | None = None,
) -> None:
    """After ``forget`` and ``compact``, a forgotten datum's content, metadata and vector are
    gone from the bytes the store keeps (``residue``: its files, or what it holds in memory),
    while the residue did show them before; a surviving child's chain stops at a truncation
    marker naming it. The id itself stays inside surviving children (their causal parent),
    and as a digest that refuses it. Pass the store's ``embedder`` unless it uses the
    default ``HashedNgramEmbedder``."""
    chosen = policy or CompactionPolicy(vacuum="full")

    async def body(store: Retention, clock: ManualClock, batch: list[Datum], child: bool) -> None:
        secret = uuid.uuid4().hex
        content = f"erase me {secret} please".encode()
        parent = batch[-1].id if batch else None
        marker = Datum(
            id=f"marker-{secret[:8]}",
            content=content,
            created_at=clock(),
            causal_parent=parent,
            metadata={"secret": f"meta-{secret}"},
        )
        survivor = marker.derive(b"a survivor", metadata={}, created_at=clock())
        await store.put_many([*batch, marker, *([survivor] if child else [])])
        await store.search(content.decode(), limit=1)  # the first search stores its vector
        (vector,) = await embed_contents(embedder or HashedNgramEmbedder(), [content])
        assert vector is not None
        needles = {
            "content": content,
            "metadata": f"meta-{secret}".encode(),
            "vector": vector,
        }
        given_ = {"batch": batch, "marker": marker, "policy": chosen}
        held = await residue(store)
        holds(
            "the residue shows the marker before compaction (else it proves nothing)",
            given_,
            [what for what, needle in needles.items() if needle not in held],
            [],
        )
        await store.forget(ids=[marker.id])
        await store.compact(chosen)
        left = await residue(store)
        holds(
            "no byte of a compacted datum's content, metadata or vector remains",
            given_,
            [what for what, needle in needles.items() if needle in left],
            [],
        )
        if child:
            chain = await store.causal_chain(survivor.id)
            holds(
                "a survivor's chain stops at a marker naming its removed parent",
                given_,
                (list(chain), getattr(chain, "truncated", None)),
                ([survivor], marker.id),
            )

    _law(
        factory,
        {"batch": histories(max_size=4), "child": st.booleans()},
        body,
        settings,
    )
