"""``dualtrack copy``, ``export`` and ``import``: move agent memory between stores and files.

The work is :mod:`dualtrack.memory.transfer`'s; these commands choose the namespaces, show
progress on stderr and print (and check) what was moved.
"""

from __future__ import annotations

import gzip
import os
import sys
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import IO, Any, BinaryIO

import click

from dualtrack.cli.failures import CommandFailed
from dualtrack.cli.output import emit_json, listing, note, progress_bar, show
from dualtrack.cli.stores import (
    check_writable,
    chosen_url,
    namespaces_to_use,
    new_file_kept_only_if_filled,
    open_writing,
    reading,
    refuse_vanishing,
    run,
    writing,
)
from dualtrack.memory.transfer import (
    NamespaceDigest,
    copy_namespace,
    digest,
    export_namespace,
    import_lines,
)
from dualtrack.memory.transfer.copying import DEFAULT_BATCH
from dualtrack.urls import masked, sqlite_file

_BATCH = click.option(
    "--batch-size",
    default=DEFAULT_BATCH,
    show_default=True,
    type=click.IntRange(min=1, max=100_000),
    help="Datums per read and per put_many.",
)

_NAMESPACES = click.option(
    "--namespace",
    "-n",
    "wanted",
    multiple=True,
    help="Only this namespace (repeat for more; default: every namespace).",
)


@click.command("copy", short_help="Copy agent memory to another store, verified.")
@click.argument("source", metavar="SRC_URL")
@click.argument("destination", metavar="DST_URL")
@_NAMESPACES
@_BATCH
@click.option("--json", "as_json", is_flag=True, help="Print the verification as JSON.")
def copy(
    source: str, destination: str, wanted: tuple[str, ...], batch_size: int, as_json: bool
) -> None:
    """Copy agent memory from one store to another, then check that both hold the same.

    Every datum goes in causal order (parents first), then every ref. The copy streams (memory
    stays flat), and it is idempotent: stopped at any point, run it again and it finishes,
    with nothing duplicated or missing. A destination namespace holding datums or refs the
    source does not is refused before anything is written. At the end both sides count their
    datums and refs and compute the same content digest; any difference is an error.

    \b
    Examples:
      dualtrack copy sqlite:///memory.db postgresql://me@db/memory
      dualtrack copy postgresql://me@db/memory sqlite:///backup.db -n conversations
    """
    if source.strip() == destination.strip():
        raise click.UsageError("SRC_URL and DST_URL are the same store: nothing to copy")
    refuse_vanishing(destination, "copy")
    check_writable(destination)

    async def work() -> list[tuple[NamespaceDigest, NamespaceDigest]]:
        async with reading(source) as store:
            names = await namespaces_to_use(store, wanted)
        if not names:
            raise CommandFailed(f"{masked(source)} holds no agent memory: nothing to copy")
        note(f"copying {len(names)} namespace(s) from {masked(source)} to {masked(destination)}")
        async with new_file_kept_only_if_filled(destination):
            return await copy_all(names)

    async def copy_all(names: list[str]) -> list[tuple[NamespaceDigest, NamespaceDigest]]:
        checked = []
        with progress_bar() as bar:
            for name in names:
                async with reading(source, name) as src, writing(destination, name) as dst:
                    task = bar.add_task(f"copy {name}", total=await src.count())
                    started = time.perf_counter()
                    report = await copy_namespace(
                        src, dst, batch_size=batch_size, progress=partial(bar.advance, task)
                    )
                    took = time.perf_counter() - started
                    bar.update(task, description=f"verify {name}")
                    checked.append((await digest(src), await digest(dst)))
                    bar.update(task, description=f"copied {name}")
                speed = f" ({report.datums / took:,.0f} datums/s)" if took >= 1 else ""
                bar.console.print(
                    f"{name}: {report.datums:,} datums in {took:.1f} s{speed}, "
                    f"{report.refs:,} refs ({report.refs_set:,} set or moved)",
                    highlight=False,
                )
        return checked

    results = run(work())
    _report(results, as_json)


def _report(results: list[tuple[NamespaceDigest, NamespaceDigest]], as_json: bool) -> None:
    differing = [source.namespace for source, copied in results if source != copied]
    if as_json:
        emit_json(
            {
                "verified": not differing,
                "namespaces": [
                    {
                        "namespace": source.namespace,
                        "source": vars(source),
                        "destination": vars(copied),
                        "equal": source == copied,
                    }
                    for source, copied in results
                ],
            }
        )
    else:
        table = listing("verification")
        for column in ("namespace", "datums", "refs", "sha-256 (source)", "destination"):
            right = column in ("datums", "refs")
            table.add_column(column, overflow="fold", justify="right" if right else "left")
        for source, copied in results:
            same = source == copied
            table.add_row(
                source.namespace,
                f"{source.datums:,}" if same else f"{source.datums:,} vs {copied.datums:,}",
                f"{source.refs:,}" if same else f"{source.refs:,} vs {copied.refs:,}",
                source.sha256[:16],
                "[green]equal[/green]" if same else f"[red]differs: {copied.sha256[:16]}[/red]",
            )
        show(table)
    if differing:
        raise CommandFailed(
            f"the destination differs from the source in {', '.join(map(repr, differing))}: "
            "something wrote to either side during the copy (run the copy again to bring it "
            "up to date)"
        )
    if not as_json:
        note("verified: every namespace copied holds the same datums and refs on both sides")


#: The first bytes of every SQLite database file.
_SQLITE_HEADER = b"SQLite format 3\x00"


@contextmanager
def _output(path: str | None, store_url: str) -> Iterator[IO[str]]:
    """Stdout, or the file ``path``. A regular file (or one a link points at) is written
    through a temporary file renamed into place at the end, so an interrupted export never
    leaves a file that looks complete; a device or a pipe is written directly. An SQLite
    database is never written over: it is far likelier a slip than a wish to lose it."""
    if path is None or path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path).resolve()  # through links: the link stays, its target is written
    if not target.parent.is_dir():
        raise CommandFailed(f"cannot write {path!r}: there is no folder {str(target.parent)!r}")
    if target.is_dir():
        raise CommandFailed(f"cannot write {path!r}: it is a folder; name a file in it")
    if target.exists() and not target.is_file():
        with target.open("w", encoding="utf-8", newline="\n") as handle:
            yield handle
        return
    _refuse_database(path, target, store_url)
    partial = target.with_name(f".{target.name}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline="\n") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def _refuse_database(path: str, target: Path, store_url: str) -> None:
    """Refuse to write the export over the store it reads, or over any SQLite database."""
    source = sqlite_file(store_url)
    if source is not None and target in {
        Path(f"{source.resolve()}{end}") for end in ("", "-wal", "-shm")
    }:
        raise CommandFailed(
            f"cannot write {path!r}: it is the store being exported; name another file"
        )
    if target.is_file():
        with target.open("rb") as existing:
            if existing.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER:
                raise CommandFailed(
                    f"cannot write {path!r}: it holds an SQLite database, which the export "
                    "would replace; name another file (or remove it first)"
                )


@click.command("export", short_help="Back up agent memory as JSON Lines.")
@click.argument("url", required=False, metavar="[URL]")
@click.option("-o", "--output", metavar="FILE", help="Write here (default: stdout).")
@_NAMESPACES
@_BATCH
def export(url: str | None, output: str | None, wanted: tuple[str, ...], batch_size: int) -> None:
    """Back up agent memory as JSON Lines: per namespace a namespace line, its datums (parents
    first, in Datum.to_json form) and its refs. Streams, whatever the size.

    \b
    Examples:
      dualtrack export sqlite:///memory.db -o backup.jsonl
      dualtrack export postgresql://me@db/memory -n notes | gzip > notes.jsonl.gz
    """
    where = chosen_url(url)

    async def work() -> list[Any]:
        async with reading(where) as store:
            names = await namespaces_to_use(store, wanted)
        reports = []
        with _output(output, where) as handle, progress_bar() as bar:
            for name in names:
                async with reading(where, name) as store:
                    task = bar.add_task(f"export {name}", total=await store.count())
                    reports.append(
                        await export_namespace(
                            store,
                            handle.write,
                            batch_size=batch_size,
                            progress=partial(bar.advance, task),
                        )
                    )
        return reports

    reports = run(work())
    datums = sum(report.datums for report in reports)
    refs = sum(report.refs for report in reports)
    note(
        f"exported {datums:,} datums and {refs:,} refs from {len(reports)} namespace(s) "
        f"of {masked(where)} to {output if output not in (None, '-') else 'stdout'}"
    )


#: The first bytes of a gzip stream.
_GZIP_MAGIC = b"\x1f\x8b"


def _unzipped(stream: BinaryIO) -> BinaryIO | gzip.GzipFile:
    """``stream``, decompressed when it is gzip (an ``export | gzip`` backup), else as it is."""
    peek = getattr(stream, "peek", None)
    head = peek(len(_GZIP_MAGIC)) if peek is not None else b""
    if head[: len(_GZIP_MAGIC)] == _GZIP_MAGIC:
        return gzip.GzipFile(fileobj=stream, mode="rb")
    return stream


def _count_datums(path: Path) -> int:
    """How many datum lines ``path`` holds (for the progress bar's total)."""
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.startswith(b'{"id":'))


@click.command("import", short_help="Restore agent memory from JSON Lines.")
@click.argument("url", metavar="URL")
@click.argument("file", metavar="FILE")
@_NAMESPACES
@_BATCH
@click.option("--json", "as_json", is_flag=True, help="Print what was imported as JSON.")
def import_(url: str, file: str, wanted: tuple[str, ...], batch_size: int, as_json: bool) -> None:
    """Restore agent memory from a JSON Lines export (FILE, or - for stdin; gzipped or not)
    into the store at URL. Idempotent: importing the same file again changes nothing, so an
    interrupted import finishes when run again. A ref is set when the namespace lacks it and
    moved only forward (to a descendant of where it points); one that has moved on past the
    file's target stays, and one pointing elsewhere is refused, unchanged.

    \b
    Examples:
      dualtrack import sqlite:///restored.db backup.jsonl
      dualtrack import postgresql://me@db/memory notes.jsonl.gz
    """
    source = Path(file)
    if file != "-" and not source.is_file():
        swapped = "://" in file and Path(url).is_file()
        hint = f": the store comes first (dualtrack import {file} {url})" if swapped else ""
        raise CommandFailed(f"no file {file!r} to import{hint}")
    refuse_vanishing(url, "import")
    check_writable(url)

    async def work(lines: Any, total: int | None) -> list[Any]:
        async with new_file_kept_only_if_filled(url):
            with progress_bar() as bar:
                task = bar.add_task("import", total=total)
                return await import_lines(
                    lines,
                    partial(open_writing, url),
                    only=wanted or None,
                    batch_size=batch_size,
                    progress=lambda done: bar.advance(task, done),
                )

    try:
        if file == "-":
            reports = run(work(_unzipped(sys.stdin.buffer), None))
        else:
            with source.open("rb") as raw, _unzipped(raw) as handle:
                total = None if handle is not raw else _count_datums(source)
                reports = run(work(handle, total))
    except (gzip.BadGzipFile, EOFError, zlib.error) as error:
        raise CommandFailed(f"{file!r} is gzip, but not whole: {error}") from error
    if as_json:
        emit_json([vars(report) for report in reports])
        return
    table = listing(f"imported into {masked(url)}")
    for column in ("namespace", "datums", "refs", "refs set"):
        table.add_column(column, justify="left" if column == "namespace" else "right")
    for report in reports:
        table.add_row(
            report.namespace, f"{report.datums:,}", f"{report.refs:,}", f"{report.refs_set:,}"
        )
    show(table)
