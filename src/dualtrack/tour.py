"""A short guided run through dualtrack, printing real results: ``python -m dualtrack tour``.

The tour never touches your own stores: agent memory and application state go to a scratch
directory that is removed when it ends, unless you ask to keep them in a directory of your own
(``main(data_dir=...)``, or ``DUALTRACK_TOUR_DIR``). It prints where they are.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import tempfile
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dualtrack import (
    InvalidPath,
    LawViolation,
    MissingKey,
    each,
    every,
    index,
    item,
    json_codec,
    key,
    lens,
    path,
    present,
)


@dataclasses.dataclass(frozen=True)
class Address:
    """Where an author lives."""

    city: str


@dataclasses.dataclass(frozen=True)
class Author:
    """A frozen record, updated through optics without mutation."""

    name: str
    tags: tuple[str, ...]
    address: Address
    email: str | None


def show(label: str, value: object) -> None:
    """Print one result of the tour."""
    print(f"  {label:<44} {value!r}")


def optics() -> None:
    """Optics: typed paths first, then the constructors for untyped data; compose with >>,
    read and write immutably, fail with typed errors."""
    print("== Optics ==")
    ada = Author("Ada", ("math", "engines"), Address("London"), None)
    city = path(Author, lambda a: a.address.city)
    show("path(Author, lambda a: a.address.city)", city)
    show("city.get(ada)", city.get(ada))
    show("city.set(ada, 'Paris').address", city.set(ada, "Paris").address)
    show("ada is unchanged", ada.address)
    email = path(Author, lambda a: present(a.email))
    show("path(..., lambda a: present(a.email))", email)
    show("email.preview(ada)", email.preview(ada))
    tags = path(Author, lambda a: every(a.tags))
    show("every(a.tags), upper-cased", tags.modify(ada, str.upper).tags)
    try:
        path(Author, lambda a: a.name.upper())
    except InvalidPath as error:
        said = str(error).split(" is not a path: ")[1].split("; a route")[0]
        show("path(Author, lambda a: a.name.upper())", said)
    doc = {"user": {"name": "Ada", "langs": ["en", "fr"]}, "version": 1}
    name = key("user") >> key("name")
    show("name.get(doc)", name.get(doc))
    show("name.set(doc, 'Grace')", name.set(doc, "Grace"))
    last_lang = key("user") >> key("langs") >> index(-1)
    show("last language, upper-cased", last_lang.modify(doc, str.upper))
    show("(key('user') >> item('email')).preview", (key("user") >> item("email")).preview(doc))
    try:
        (key("user") >> key("email")).get(doc)
    except MissingKey as error:
        show("key('email') on a missing key", str(error)[:60] + "...")
    stored = b'{"tags":["a"],"n":1}'
    tags_in_json = json_codec() >> key("tags")
    show("(json_codec() >> key('tags')).set(bytes)", tags_in_json.set(stored, ["a", "b"]))
    show("kind of key >> item", (key("user") >> item("email")).kind)


def laws() -> None:
    """Laws: check your own optic by property; a broken one is caught with a shrunk input."""
    from hypothesis import strategies as st

    from laws.optics import check_lens

    print("== Laws ==")
    sources = st.fixed_dictionaries({"n": st.integers()})
    check_lens(key("n"), sources, st.integers())
    show("check_lens(key('n'), ...)", "all laws hold")
    broken = lens(lambda s: s["n"], lambda s, a: dict(s), name="ignores_its_value")
    try:
        check_lens(broken, sources, st.integers())
    except LawViolation as violation:
        show("check_lens(broken, ...) names the law", violation.law)
        show("...and the smallest input", violation.given)


async def agents() -> None:
    """Agents compose flat with >>; functors lift them; StateFunctor threads a state."""
    from returns.maybe import Nothing, Some

    from dualtrack import Focus, MaybeFunctor, MemoryStateBackend, StateFunctor, agent

    print("== Agents, functors and state ==")
    parse = agent(int, name="parse")

    def twice(n: int) -> int:
        return n * 2

    double = agent(twice, name="double")
    flow = parse >> double
    show("(parse >> double).invoke('21')", await flow.invoke("21"))
    maybe_double = MaybeFunctor.lift(double)
    both = (await maybe_double.invoke(Some(4)), await maybe_double.invoke(Nothing))
    show("MaybeFunctor.lift(double) on Some(4), Nothing", both)
    lines = key("lines") >> each() >> key("qty")
    order = {"lines": [{"qty": 1}, {"qty": 5}]}
    show("Focus(lines).lift(double)", await Focus(lines).lift(double).invoke(order))
    backend = MemoryStateBackend(initial={"count": 0})

    def counter(msg: str, state: dict[str, int]) -> tuple[str, dict[str, int]]:
        return f"Count: {state['count'] + 1}", {"count": state["count"] + 1}

    tick = StateFunctor.lift_logic(counter, backend=backend)
    show("tick, tick", (await tick.invoke("tick"), await tick.invoke("tick")))
    await asyncio.gather(*(tick.invoke("tick") for _ in range(200)))
    show("after 200 concurrent ticks", (await backend.load())[0])


@dataclasses.dataclass(frozen=True)
class TourStores:
    """Where the tour keeps agent memory and application state: SQLite files in ``folder``."""

    folder: Path

    @property
    def memory_url(self) -> str:
        """The agent-memory store (``SQLiteDgent``)."""
        return f"sqlite:///{(self.folder / 'memory.db').as_posix()}"

    @property
    def database_url(self) -> str:
        """The application-state database, migrated by the tour."""
        return f"sqlite:///{(self.folder / 'dualtrack.db').as_posix()}"


#: Names a directory to keep the tour's stores in (created if missing) instead of a scratch one.
TOUR_DIR_VARIABLE = "DUALTRACK_TOUR_DIR"


@contextmanager
def tour_stores(data_dir: str | os.PathLike[str] | None = None) -> Iterator[TourStores]:
    """The tour's stores in ``data_dir`` (kept), else ``$DUALTRACK_TOUR_DIR`` (kept), else in a
    scratch directory removed on exit. Never the configured or default stores; hypothesis keeps
    its files there too, not in the current directory."""
    chosen = data_dir if data_dir is not None else os.environ.get(TOUR_DIR_VARIABLE, "").strip()
    if chosen:
        folder = Path(chosen).expanduser().absolute()
        folder.mkdir(parents=True, exist_ok=True)
        print(f"The tour's stores are kept in {folder}")
        with _hypothesis_files_in(folder):
            yield TourStores(folder)
        return
    with tempfile.TemporaryDirectory(prefix="dualtrack-tour-") as scratch:
        print(
            f"The tour's stores are in the scratch directory {scratch}, removed when it ends "
            f"(set {TOUR_DIR_VARIABLE}=<directory> to keep them); your own stores are not touched."
        )
        with _hypothesis_files_in(Path(scratch)):
            yield TourStores(Path(scratch))


@contextmanager
def _hypothesis_files_in(folder: Path) -> Iterator[None]:
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(folder / ".hypothesis")
    try:
        yield
    finally:
        set_hypothesis_home_dir(None)


async def memory(stores: TourStores) -> None:
    """Agent memory in an SQLite file: datums, causal chains, search, lens views, state."""
    import uuid

    from dualtrack import Datum, DgentStateBackend, StateFunctor, focus, json_codec, open_dgent

    print("== Agent memory ==")
    show("store URL", stores.memory_url)
    store = await open_dgent(stores.memory_url, namespace=f"tour-{uuid.uuid4().hex[:8]}")
    try:
        note = Datum.create(b"the kettle boils at 100 C", metadata={"kind": "observation"})
        await store.put(note)
        refined = note.derive(b"at altitude it boils below 100 C")
        await store.put(refined)
        await store.put(refined)
        show("put twice, count", await store.count())
        chain = await store.causal_chain(refined.id)
        show("causal_chain(refined)", [d.content.decode() for d in chain])
        hits = await store.search("kettle boiling", limit=1)
        show("search('kettle boiling')", hits[0].datum.content.decode())
        tags = focus(store, "profile", json_codec() >> key("tags"), initial=b'{"tags":[]}')
        await tags.set(["tea"])
        await tags.modify(lambda ts: [*ts, "mountains"])
        show("view through json_codec() >> key('tags')", await tags.get())
        backend = DgentStateBackend(store, "counter", initial={"count": 0})

        def counter(msg: str, state: dict[str, int]) -> tuple[str, dict[str, int]]:
            return f"Count: {state['count'] + 1}", {"count": state["count"] + 1}

        tick = StateFunctor.lift_logic(counter, backend=backend)
        for _ in range(3):
            await tick.invoke("tick")
        show("DgentStateBackend history", await backend.history())
    finally:
        await store.close()


async def dual_track(stores: TourStores) -> None:
    """Application state: migrate the tour's database, then reach its table as datums."""
    import hashlib
    import json
    import uuid

    from sqlalchemy.ext.asyncio import async_sessionmaker

    from dualtrack import Crystal, Datum, TableAdapter, current_async, open_dgent, upgrade_async
    from dualtrack.app.engines import open_engine

    print("== Dual track: typed tables beside agent memory ==")
    url = stores.database_url
    show("database URL", url)
    await upgrade_async(url)
    show("alembic revision after upgrade", await current_async(url))
    engine = open_engine(url)
    memory = await open_dgent(stores.memory_url, namespace=f"tour-{uuid.uuid4().hex[:8]}")
    try:
        crystals = TableAdapter(model=Crystal, session_factory=async_sessionmaker(engine))
        text = "Tea brewed on a mountain is weaker"
        thought = await memory.put(Datum.create(text.encode(), metadata={"type": "crystal"}))
        row = {
            "content_hash": hashlib.sha256(text.encode()).hexdigest(),
            "summary": text[:200],
            "tags": ["tea", "altitude"],
            "datum_id": thought.id,
        }
        crystal_id = uuid.uuid4().hex
        stored = await crystals.put(Datum(id=crystal_id, content=json.dumps(row).encode()))
        show("TableAdapter.put(...).metadata", dict(stored.metadata))
        again = await crystals.get(crystal_id)
        assert again is not None
        show("the row as a datum: tags", json.loads(again.content)["tags"])
        linked = await memory.get(json.loads(again.content)["datum_id"])
        assert linked is not None
        show("its datum in agent memory", linked.content.decode())
    finally:
        await memory.close()
        await engine.dispose()


#: The sections that need no store, in order.
SECTIONS: list[Callable[[], Coroutine[Any, Any, None] | None]] = [optics, laws, agents]

#: The sections that keep data, in order, run after :data:`SECTIONS`.
STORAGE_SECTIONS: list[Callable[[TourStores], Coroutine[Any, Any, None]]] = [memory, dual_track]


def main(data_dir: str | os.PathLike[str] | None = None) -> None:
    """Run every section of the tour in order, its stores where :func:`tour_stores` puts them."""
    with tour_stores(data_dir) as stores:
        print()
        for section in SECTIONS:
            outcome = section()
            if outcome is not None:
                asyncio.run(outcome)
            print()
        for storage in STORAGE_SECTIONS:
            asyncio.run(storage(stores))
            print()
