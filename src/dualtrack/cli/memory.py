"""``dualtrack memory``: look into an agent-memory store (list, show, chains, search, refs,
stats), on any URL ``open_dgent`` takes. Looking never writes."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import click
from rich.json import JSON
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from dualtrack.cli.disk import disk_usage
from dualtrack.cli.output import (
    datum_table,
    emit_json,
    full,
    hex_summary,
    listing,
    moment,
    note,
    preview,
    readable,
    show,
    size,
    summary,
)
from dualtrack.cli.stores import NAMESPACE_HELP, chosen_url, namespaces_to_use, reading, run
from dualtrack.errors import UnknownDatum
from dualtrack.memory import Datum, DgentProtocol
from dualtrack.memory.transfer.digest import REF_PAGE
from dualtrack.urls import masked

F = TypeVar("F", bound=Callable[..., Any])


def store_options(function: F) -> F:
    """``--url``, ``--namespace`` and ``--json``, shared by every memory command."""
    function = click.option(
        "--json", "as_json", is_flag=True, help="Print JSON for scripts instead of a table."
    )(function)
    function = click.option(
        "--namespace", "-n", default="default", show_default=True, help=NAMESPACE_HELP
    )(function)
    return click.option(
        "--url",
        "-u",
        "url_option",
        metavar="URL",
        help="The store (default: $DUALTRACK_MEMORY_URL, else the default file).",
    )(function)


def url_argument(function: F) -> F:
    """An optional positional store URL (the same as ``--url``)."""
    return click.argument("url", required=False, metavar="[URL]")(function)


@click.group(short_help="Look into an agent-memory store.")
def memory() -> None:
    """Look into an agent-memory store: list, show, chains, search, refs and stats.

    URL is any store open_dgent takes (memory://, sqlite:///path, postgresql://...); without
    one, $DUALTRACK_MEMORY_URL, else the default SQLite file in your data directory.

    \b
    Example:
      dualtrack memory ls sqlite:///memory.db --limit 5
    """


def _seconds(value: str, name: str) -> float:
    """A time bound: float seconds since 1970, or an ISO 8601 date or time (UTC if naive)."""
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            raise click.BadParameter(
                f"{value!r} is neither seconds nor an ISO time (2024-05-01T09:30)", param_hint=name
            ) from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return when.timestamp()
    if not math.isfinite(seconds):
        raise click.BadParameter(f"{value!r} is not a finite time", param_hint=name)
    return seconds


def metadata_pairs(pairs: tuple[str, ...]) -> dict[str, Any] | None:
    """``k=v`` filters: ``v`` is read as JSON when it parses (``n=1`` is the number 1,
    ``ok=true`` a boolean), else as text (``kind=note``)."""
    found: dict[str, Any] = {}
    for pair in pairs:
        name, equals, text = pair.partition("=")
        if not equals or not name:
            raise click.BadParameter(f"{pair!r} is not key=value", param_hint="--meta")
        try:
            found[name] = json.loads(text)
        except ValueError:
            found[name] = text
    return found or None


@memory.command("ls", short_help="List datums, a page at a time.")
@url_argument
@store_options
@click.option("--prefix", help="Only ids starting with this text (literal, case-sensitive).")
@click.option("--meta", "meta", multiple=True, metavar="K=V", help="Only this metadata (repeat).")
@click.option("--after", metavar="T", help="Created after T (seconds or ISO time, exclusive).")
@click.option("--before", metavar="T", help="Created before T (seconds or ISO time, exclusive).")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1))
@click.option("--cursor", help="Resume after a previous page (printed at its end).")
@click.option("--desc", is_flag=True, help="Newest first.")
def list_datums(
    url: str | None,
    url_option: str | None,
    namespace: str,
    as_json: bool,
    prefix: str | None,
    meta: tuple[str, ...],
    after: str | None,
    before: str | None,
    limit: int,
    cursor: str | None,
    desc: bool,
) -> None:
    """List datums, one page at a time through the store's cursor (fast on any size).

    \b
    Examples:
      dualtrack memory ls sqlite:///memory.db --meta kind=note --limit 10
      dualtrack memory ls --after 2024-05-01 --desc --json
    """
    where = chosen_url(url, url_option)
    metadata = metadata_pairs(meta)
    start = None if after is None else _seconds(after, "--after")
    end = None if before is None else _seconds(before, "--before")

    async def work() -> None:
        async with reading(where, namespace) as store:
            page = await store.list(
                prefix=prefix,
                metadata=metadata,
                after=start,
                before=end,
                order="desc" if desc else "asc",
                limit=limit,
                cursor=cursor,
            )
            held = [] if page or cursor is not None else await store.namespaces()
        if as_json:
            emit_json(
                {
                    "namespace": namespace,
                    "datums": [summary(datum) for datum in page],
                    "cursor": page.cursor,
                }
            )
            return
        show(datum_table(page, title=f"{masked(where)} · namespace {namespace!r}"))
        if page.cursor is not None:
            note(f"more datums follow: add --cursor {page.cursor}")
        elif not page and namespace not in held:
            others = ", ".join(map(repr, held)) or "none"
            note(f"namespace {namespace!r} holds nothing (namespaces holding data: {others})")
        elif not page:
            note("no datums match")

    run(work())


async def _required(store: DgentProtocol, datum_id: str, where: str) -> Datum:
    datum = await store.get(datum_id)
    if datum is None:
        raise UnknownDatum(
            f"no datum {datum_id!r} in namespace {store.namespace!r} of {masked(where)} "
            "(dualtrack memory ls lists what is there)"
        )
    return datum


def _content(datum: Datum) -> Any:
    text = readable(datum.content)
    if text is None:
        return Text(hex_summary(datum.content))
    try:
        json.loads(text)
    except ValueError:
        return Text(text)
    return JSON(text)


@memory.command("show", short_help="Show one datum and its content.")
@click.argument("datum_id", metavar="ID")
@store_options
def show_datum(datum_id: str, url_option: str | None, namespace: str, as_json: bool) -> None:
    """Show one datum: metadata, parent, how many children, and its content (pretty JSON
    when it is JSON, text when it is UTF-8, else a hex summary).

    \b
    Example:
      dualtrack memory show 3f2a9c... --url postgresql://me@db/memory
    """
    where = chosen_url(None, url_option)

    async def work() -> None:
        async with reading(where, namespace) as store:
            datum = await _required(store, datum_id, where)
            children = await store.children(datum_id)
        if as_json:
            emit_json({"datum": full(datum), "children": len(children)})
            return
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column(overflow="fold")
        table.add_row("id", datum.id)
        table.add_row("created", f"{moment(datum.created_at)} UTC ({datum.created_at!r})")
        table.add_row("parent", datum.causal_parent or "(none: a root)")
        table.add_row("children", str(len(children)))
        table.add_row("size", size(len(datum.content)))
        table.add_row("metadata", JSON(json.dumps(dict(datum.metadata), ensure_ascii=False)))
        show(table, Text("content", style="bold"), _content(datum))

    run(work())


def _line(datum: Datum) -> Text:
    text = Text()
    text.append(datum.id, style="bold")
    text.append(f"  {moment(datum.created_at)}  {size(len(datum.content))}  ")
    text.append(preview(datum.content), style="dim")
    return text


@memory.command("chain", short_help="Draw the causal chain of a datum.")
@click.argument("datum_id", metavar="ID")
@store_options
def chain(datum_id: str, url_option: str | None, namespace: str, as_json: bool) -> None:
    """Draw the causal chain of a datum, from its root down to it.

    \b
    Example:
      dualtrack memory chain 3f2a9c... -n conversations
    """
    where = chosen_url(None, url_option)

    async def work() -> None:
        async with reading(where, namespace) as store:
            found = await store.causal_chain(datum_id)
            if not found:
                await _required(store, datum_id, where)
        if as_json:
            emit_json([summary(datum) for datum in found])
            return
        lines = Text()
        for place, datum in enumerate(found):
            if place:
                lines.append("\n│\n")
            lines.append("● " if place == len(found) - 1 else "○ ")
            lines.append_text(_line(datum))
        show(lines, cut=True)
        cut = found[0].causal_parent if found else None
        if cut is None:
            note(f"{len(found)} datum(s), root first")
        else:
            note(
                f"{len(found)} datum(s); the chain is cut above at {cut!r}, an ancestor that "
                "was forgotten, expired or compacted away"
            )

    run(work())


@memory.command("children", short_help="Draw the datums derived from a datum.")
@click.argument("datum_id", metavar="ID")
@store_options
@click.option(
    "--depth", default=1, show_default=True, type=click.IntRange(min=1), help="Levels drawn."
)
@click.option(
    "--limit",
    default=50,
    show_default=True,
    type=click.IntRange(min=1),
    help="Children shown under each datum.",
)
def children(
    datum_id: str, url_option: str | None, namespace: str, as_json: bool, depth: int, limit: int
) -> None:
    """Draw the datums derived from a datum as a tree, --depth levels down.

    \b
    Example:
      dualtrack memory children 3f2a9c... --depth 3
    """
    where = chosen_url(None, url_option)

    async def work() -> None:
        async with reading(where, namespace) as store:
            root = await _required(store, datum_id, where)
            tree = await _descendants(store, root, depth, limit)
        if as_json:
            emit_json(tree.as_json())
            return
        show(_drawn(tree, Tree(_line(root))))

    run(work())


@dataclass(frozen=True)
class _Descent:
    """A datum, how many children it has (``None`` below the drawn depth), and those shown."""

    datum: Datum
    count: int | None
    children: list[_Descent]

    def as_json(self) -> dict[str, Any]:
        return {
            **summary(self.datum),
            "children_count": self.count,
            "children": [child.as_json() for child in self.children],
        }


async def _descendants(store: DgentProtocol, datum: Datum, depth: int, limit: int) -> _Descent:
    found = await store.children(datum.id) if depth > 0 else []
    shown = [await _descendants(store, c, depth - 1, limit) for c in found[:limit]]
    return _Descent(datum, len(found) if depth > 0 else None, shown)


def _drawn(node: _Descent, tree: Tree) -> Tree:
    for child in node.children:
        _drawn(child, tree.add(_line(child.datum)))
    hidden = (node.count or 0) - len(node.children)
    if hidden > 0:
        tree.add(Text(f"… {hidden} more", style="dim"))
    return tree


@memory.command("search", short_help="Find the datums most similar to TEXT.")
@click.argument("text")
@store_options
@click.option(
    "-k", "top", default=10, show_default=True, type=click.IntRange(min=1), help="Matches shown."
)
@click.option("--meta", "meta", multiple=True, metavar="K=V", help="Only this metadata (repeat).")
def search(
    text: str,
    url_option: str | None,
    namespace: str,
    as_json: bool,
    top: int,
    meta: tuple[str, ...],
) -> None:
    """Find the k datums most similar to TEXT (by the store's embedder), best first. Datums
    with no similarity to it (a score of 0 or less) are not hits, and are left out.

    \b
    Example:
      dualtrack memory search "boiling point" -k 5
    """
    where = chosen_url(None, url_option)

    async def work() -> None:
        async with reading(where, namespace) as store:
            found = await store.search(text, limit=top, metadata=metadata_pairs(meta))
        hits = [hit for hit in found if hit.score > 0]
        if as_json:
            emit_json([{**summary(hit.datum), "score": hit.score} for hit in hits])
            return
        table = listing(f"{len(hits)} hit(s) for {text!r}")
        table.add_column("score", justify="right")
        table.add_column("id", overflow="fold")
        table.add_column("created (UTC)", no_wrap=True)
        table.add_column("content")
        for hit in hits:
            table.add_row(
                f"{hit.score:.3f}",
                hit.datum.id,
                moment(hit.datum.created_at),
                preview(hit.datum.content),
            )
        show(table)

    run(work())


@memory.command("refs", short_help="List the named refs of a namespace.")
@url_argument
@store_options
def refs(url: str | None, url_option: str | None, namespace: str, as_json: bool) -> None:
    """List the named refs of a namespace and the datums they point at.

    \b
    Example:
      dualtrack memory refs sqlite:///memory.db -n profiles
    """
    where = chosen_url(url, url_option)

    async def work() -> None:
        rows: list[tuple[str, Datum | None]] = []
        async with reading(where, namespace) as store:
            after: str | None = None
            while True:
                page = await store.list_refs(after=after, limit=REF_PAGE)
                for name, target in page:
                    rows.append((name, await store.get(target)))
                if len(page) < REF_PAGE:
                    break
                after = page[-1][0]
        if as_json:
            emit_json({name: None if d is None else d.id for name, d in rows})
            return
        table = listing(f"refs of namespace {namespace!r}")
        for column in ("ref", "datum", "created (UTC)", "content"):
            table.add_column(column, overflow="fold")
        for name, datum in rows:
            if datum is None:
                table.add_row(name, "(missing)", "", "")
            else:
                table.add_row(name, datum.id, moment(datum.created_at), preview(datum.content))
        show(table)
        if not rows:
            note("no refs in this namespace")

    run(work())


@memory.command("namespaces")
@url_argument
@click.option("--url", "-u", "url_option", metavar="URL", help="The store (as the argument).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def namespaces(url: str | None, url_option: str | None, as_json: bool) -> None:
    """List the namespaces that hold datums or refs.

    \b
    Example:
      dualtrack memory namespaces postgresql://me@db/memory
    """
    where = chosen_url(url, url_option)

    async def work() -> list[str]:
        async with reading(where) as store:
            return await store.namespaces()

    names = run(work())
    if as_json:
        emit_json(names)
        return
    show(Text("\n".join(names)) if names else Text(""))
    if not names:
        note("the store holds nothing yet")


@memory.command("stats", short_help="Count what a store holds, per namespace.")
@url_argument
@click.option("--url", "-u", "url_option", metavar="URL", help="The store (as the argument).")
@click.option("--namespace", "-n", "wanted", multiple=True, help="Only this namespace (repeat).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def stats(url: str | None, url_option: str | None, wanted: tuple[str, ...], as_json: bool) -> None:
    """Count what a store holds: datums and refs per namespace, oldest and newest datum, and
    its size on disk.

    \b
    Example:
      dualtrack memory stats sqlite:///memory.db --json
    """
    where = chosen_url(url, url_option)

    async def work() -> dict[str, Any]:
        async with reading(where) as store:
            names = await namespaces_to_use(store, wanted)
            disk = await disk_usage(where, store)
        rows = []
        for name in names:
            async with reading(where, name) as store:
                rows.append(await _namespace_stats(store))
        return {"url": masked(where), "size_on_disk": disk, "namespaces": rows}

    found = run(work())
    if as_json:
        emit_json(found)
        return
    table = listing(f"{found['url']}")
    for column in ("namespace", "datums", "refs", "oldest (UTC)", "newest (UTC)"):
        table.add_column(column, justify="right" if column in ("datums", "refs") else "left")
    for row in found["namespaces"]:
        table.add_row(
            row["namespace"],
            f"{row['datums']:,}",
            f"{row['refs']:,}",
            "" if row["oldest"] is None else moment(row["oldest"]),
            "" if row["newest"] is None else moment(row["newest"]),
        )
    total = sum(row["datums"] for row in found["namespaces"])
    table.caption = (
        f"{total:,} datums in {len(found['namespaces'])} namespace(s); size on disk "
        + ("n/a" if found["size_on_disk"] is None else size(found["size_on_disk"]))
    )
    show(table)


async def _namespace_stats(store: DgentProtocol) -> dict[str, Any]:
    oldest = await store.list(limit=1)
    newest = await store.list(limit=1, order="desc")
    refs = 0
    after: str | None = None
    while True:
        page = await store.list_refs(after=after, limit=REF_PAGE)
        refs += len(page)
        if len(page) < REF_PAGE:
            break
        after = page[-1][0]
    return {
        "namespace": store.namespace,
        "datums": await store.count(),
        "refs": refs,
        "oldest": oldest[0].created_at if oldest else None,
        "newest": newest[0].created_at if newest else None,
    }
