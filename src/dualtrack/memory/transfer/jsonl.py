"""JSON Lines backups of agent memory: what ``dualtrack export`` writes and ``import`` reads.

A file holds one section per namespace::

    {"namespace": "default"}
    {"id": "...", "content": "<base64>", "created_at": 1.5, "causal_parent": null, "metadata": {}}
    ...
    {"ref": "head", "datum_id": "..."}

Datum lines are exactly :meth:`Datum.to_json` (so ``Datum.from_jsonl`` reads them too), parents
before children; ref lines follow the datums of their section. Where the namespace's chains
are cut (an ancestor was forgotten), ``{"forgotten": "<id>"}`` lines come right after the
namespace line, and an import forgets those ids first, so the survivors fit. Lines before any
namespace line belong to the namespace ``default``, so a plain ``Datum.to_jsonl`` file imports
as well. An import sets a ref the namespace lacks and moves one only forward, to a descendant
of where it points (restoring a newer backup over an older one); it leaves one that has moved
on past the file's target, and refuses, unchanged, one pointing anywhere else.
Writing and reading stream line by line: memory stays flat whatever the size.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Iterable
from dataclasses import dataclass
from typing import NamedTuple

from dualtrack.errors import ConflictError, DualtrackError, InvalidDatum, RetentionUnsupported
from dualtrack.memory.datum import Datum
from dualtrack.memory.protocol import DgentProtocol
from dualtrack.memory.retention import Retention
from dualtrack.memory.transfer.copying import DEFAULT_BATCH, Analysable, Progress
from dualtrack.memory.transfer.digest import REF_PAGE

#: The namespace of datum lines that come before any namespace line.
DEFAULT_NAMESPACE = "default"

#: Opens the store an import writes one namespace into.
Opener = Callable[[str], Awaitable[DgentProtocol]]


class Section(NamedTuple):
    """A namespace line: the datums and refs that follow belong to ``namespace``."""

    namespace: str


class ForgottenLine(NamedTuple):
    """A forgotten line: ``datum_id`` is an ancestor the namespace forgot (its children are
    cut there)."""

    datum_id: str


class RefLine(NamedTuple):
    """A ref line: ``name`` points at ``datum_id``."""

    name: str
    datum_id: str


@dataclass(frozen=True)
class ExportReport:
    """What an export of one namespace wrote."""

    namespace: str
    datums: int
    refs: int


@dataclass(frozen=True)
class ImportReport:
    """What an import put into one namespace: datum lines read (already stored ones
    included), ref lines read, and refs it set or moved."""

    namespace: str
    datums: int
    refs: int
    refs_set: int


def section_line(namespace: str) -> str:
    """The line that starts ``namespace``'s section.

    >>> section_line("notes")
    '{"namespace":"notes"}\\n'
    """
    return json.dumps({"namespace": namespace}, ensure_ascii=False, separators=(",", ":")) + "\n"


def ref_line(name: str, datum_id: str) -> str:
    """The line recording that ref ``name`` points at ``datum_id``."""
    fields = {"ref": name, "datum_id": datum_id}
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")) + "\n"


def parse_line(text: str | bytes) -> Datum | Section | RefLine | ForgottenLine:
    """What one line of an export holds; anything else raises :class:`InvalidDatum`.

    >>> parse_line('{"ref":"head","datum_id":"a"}')
    RefLine(name='head', datum_id='a')
    """
    line = text.decode() if isinstance(text, bytes) else text
    if line.startswith('{"id":'):
        return Datum.from_json(line)  # the common case, parsed once
    try:
        fields = json.loads(line)
    except ValueError as error:
        raise InvalidDatum(f"not a JSON line: {error}") from None
    if type(fields) is dict and set(fields) == {"namespace"}:
        if type(fields["namespace"]) is not str:
            raise InvalidDatum("a namespace line names a namespace with a string")
        return Section(fields["namespace"])
    if type(fields) is dict and set(fields) == {"ref", "datum_id"}:
        if type(fields["ref"]) is not str or type(fields["datum_id"]) is not str:
            raise InvalidDatum("a ref line gives the ref name and datum_id as strings")
        return RefLine(fields["ref"], fields["datum_id"])
    if type(fields) is dict and set(fields) == {"forgotten"}:
        if type(fields["forgotten"]) is not str:
            raise InvalidDatum("a forgotten line gives the datum id as a string")
        return ForgottenLine(fields["forgotten"])
    return Datum.from_json(line)


async def export_namespace(
    store: DgentProtocol,
    write: Callable[[str], object],
    *,
    batch_size: int = DEFAULT_BATCH,
    progress: Progress | None = None,
) -> ExportReport:
    """Write ``store``'s namespace as one section of lines through ``write`` (called with
    a batch of lines at a time): datums parents first, then refs.

    >>> import asyncio, io
    >>> from dualtrack import MemoryDgent
    >>> async def demo(out):
    ...     store = MemoryDgent("notes")
    ...     await store.put(Datum(id="a", content=b"hi", created_at=1.0))
    ...     return await export_namespace(store, out.write)
    >>> out = io.StringIO()
    >>> asyncio.run(demo(out))
    ExportReport(namespace='notes', datums=1, refs=0)
    >>> print(out.getvalue(), end="")
    {"namespace":"notes"}
    {"id":"a","content":"aGk=","created_at":1.0,"causal_parent":null,"metadata":{}}
    """
    write(section_line(store.namespace))
    if isinstance(store, Retention):
        for cut in await store.truncations():
            write(json.dumps({"forgotten": cut}, ensure_ascii=False, separators=(",", ":")) + "\n")
    datums = 0
    lines: list[str] = []
    async for datum in store.scan_causal(batch_size=batch_size):
        lines.append(datum.to_json())
        lines.append("\n")
        if len(lines) >= 2 * batch_size:
            write("".join(lines))
            datums += len(lines) // 2
            if progress is not None:
                progress(len(lines) // 2)
            lines = []
    if lines:
        write("".join(lines))
        datums += len(lines) // 2
        if progress is not None:
            progress(len(lines) // 2)
    refs = 0
    async for name, target in _all_refs(store):
        write(ref_line(name, target))
        refs += 1
    return ExportReport(store.namespace, datums, refs)


async def _all_refs(store: DgentProtocol) -> AsyncIterator[tuple[str, str]]:
    after: str | None = None
    while True:
        page = await store.list_refs(after=after, limit=REF_PAGE)
        for item in page:
            yield item
        if len(page) < REF_PAGE:
            return
        after = page[-1][0]


#: How many times an import looks at a ref again when another writer moved it meanwhile.
_RACES = 5


async def forward_ref(store: DgentProtocol, name: str, target: str) -> bool:
    """Point ``store``'s ref ``name`` at ``target`` if it is unset or points at an ancestor of
    ``target`` (by compare-and-set); ``False`` when it points there already or further on
    (the file is an older backup). A ref pointing anywhere else is refused with
    ``ConflictError``: moving it would lose where it pointed."""
    for _ in range(_RACES):
        current = await store.get_ref(name)
        if current == target:
            return False
        if current is not None:
            if target in {datum.id for datum in await store.causal_chain(current)}:
                return False
            behind = await store.causal_chain(target)
            if current not in {datum.id for datum in behind}:
                raise _elsewhere(store, name, current, target, getattr(behind, "truncated", None))
        try:
            await store.set_ref(name, target, expected=current)
        except ConflictError:  # another writer (a second import, say) moved it: look again
            continue
        return True
    raise ConflictError(
        f"ref {name!r} of namespace {store.namespace!r} kept moving while the import looked at "
        f"it ({_RACES} times): another writer is moving it; the ref was left as it was"
    )


def _elsewhere(
    store: DgentProtocol, name: str, current: str, target: str, cut: str | None
) -> ConflictError:
    where = (
        f"which {target!r}'s chain does not reach (it is cut at {cut!r}, forgotten)"
        if cut is not None
        else f"which is not an ancestor of {target!r} where the file points it"
    )
    return ConflictError(
        f"ref {name!r} of namespace {store.namespace!r} points at {current!r}, {where}, so an "
        "import cannot tell it is moving the ref forward: the ref was left as it was. Import "
        "into another database or namespace, or point the ref at an ancestor of the file's "
        "target first (store.set_ref)"
    )


class _Importer:
    """The namespace being imported: its store, the datums waiting for ``put_many``, counts."""

    def __init__(self, store: DgentProtocol, batch_size: int, progress: Progress | None) -> None:
        self.store = store
        self.batch_size = batch_size
        self.progress = progress
        self.pending: list[Datum] = []
        self.first_line = 0
        self.datums = self.refs = self.moved = 0

    async def datum(self, datum: Datum, number: int) -> None:
        if not self.pending:
            self.first_line = number
        self.pending.append(datum)
        if len(self.pending) >= self.batch_size:
            await self.flush(number)

    async def ref(self, line: RefLine, number: int) -> None:
        await self.flush(number - 1)
        try:
            self.moved += await forward_ref(self.store, line.name, line.datum_id)
        except DualtrackError as error:
            raise _at_lines(error, number, number) from error
        self.refs += 1

    async def forgotten(self, line: ForgottenLine, number: int) -> None:
        await self.flush(number - 1)
        if not isinstance(self.store, Retention):
            raise _at_lines(
                RetentionUnsupported(f"{self.store!r} cannot forget {line.datum_id!r}"),
                number,
                number,
            )
        await self.store.forget(ids=[line.datum_id])

    async def flush(self, last_line: int) -> None:
        if not self.pending:
            return
        try:
            await self.store.put_many(self.pending)
        except DualtrackError as error:
            raise _at_lines(error, self.first_line, last_line) from error
        self.datums += len(self.pending)
        if self.progress is not None:
            self.progress(len(self.pending))
        self.pending = []

    def report(self) -> ImportReport:
        return ImportReport(self.store.namespace, self.datums, self.refs, self.moved)


def _at_lines(error: DualtrackError, first: int, last: int) -> DualtrackError:
    where = f"line {first}" if first == last else f"lines {first}-{last}"
    return type(error)(
        f"{where}: {error}. Everything before was imported; fix the file and run the import "
        "again (it skips what is already there)"
    )


async def import_lines(
    lines: Iterable[str | bytes],
    open_store: Opener,
    *,
    only: Collection[str] | None = None,
    batch_size: int = DEFAULT_BATCH,
    progress: Progress | None = None,
) -> list[ImportReport]:
    """Put every datum and ref of an export into the stores ``open_store(namespace)`` opens
    (closing each after its section), in ``put_many`` batches; ``only`` keeps just those
    namespaces. Idempotent: importing a file again changes nothing.

    >>> import asyncio
    >>> from dualtrack.memory import MemoryDgent, MemorySpace
    >>> space = MemorySpace()
    >>> async def open_store(namespace):
    ...     return MemoryDgent(namespace, space=space)
    >>> lines = ['{"namespace":"notes"}', Datum(id="a", content=b"", created_at=1.0).to_json(),
    ...          '{"ref":"head","datum_id":"a"}']
    >>> asyncio.run(import_lines(lines, open_store))
    [ImportReport(namespace='notes', datums=1, refs=1, refs_set=1)]
    """
    reports: list[ImportReport] = []
    current: _Importer | None = None
    skipping = False
    number = 0
    try:
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            try:
                item = parse_line(text)
            except InvalidDatum as error:
                raise InvalidDatum(f"line {number}: {error}") from None
            if isinstance(item, Section):
                if current is not None:
                    reports.append(await _finish(current, number - 1))
                    current = None
                skipping = only is not None and item.namespace not in only
                if not skipping:
                    current = _Importer(await open_store(item.namespace), batch_size, progress)
                continue
            if skipping:
                continue
            if current is None:
                skipping = only is not None and DEFAULT_NAMESPACE not in only
                if skipping:
                    continue
                current = _Importer(await open_store(DEFAULT_NAMESPACE), batch_size, progress)
            if isinstance(item, RefLine):
                await current.ref(item, number)
            elif isinstance(item, ForgottenLine):
                await current.forgotten(item, number)
            else:
                await current.datum(item, number)
        if current is not None:
            reports.append(await _finish(current, number))
            current = None
    finally:
        if current is not None:
            await current.store.close()
    return reports


async def _finish(importer: _Importer, last_line: int) -> ImportReport:
    try:
        await importer.flush(last_line)
        if importer.datums and isinstance(importer.store, Analysable):
            await importer.store.refresh_statistics()  # reads right after plan by index
    finally:
        await importer.store.close()
    return importer.report()
