"""``dualtrack memory forget`` and ``dualtrack memory compact``: erasing on request from the
shell. Forgetting hides at once (tombstones); compaction removes the bytes, and its dry run
says what it would remove. Both join the ``memory`` group here, which the root loads from
this module so that they are there."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import click
from rich.table import Table

from dualtrack.cli.failures import CommandFailed
from dualtrack.cli.memory import memory, metadata_pairs, store_options, url_argument
from dualtrack.cli.output import emit_json, listing, note, show, size
from dualtrack.cli.stores import chosen_url, open_reading, run
from dualtrack.memory.limits import holdable
from dualtrack.memory.retention import CompactionPolicy, CompactionReceipt, retention_of
from dualtrack.memory.retention.policy import Vacuum
from dualtrack.urls import masked

#: How many forgotten or removed ids a table shows before summing up the rest.
SHOWN_IDS = 20


def _ids_table(title: str, ids: list[str] | tuple[str, ...]) -> Table:
    table = listing(title)
    table.add_column("id", overflow="fold")
    for datum_id in ids[:SHOWN_IDS]:
        table.add_row(datum_id)
    if len(ids) > SHOWN_IDS:
        table.add_row(f"... and {len(ids) - SHOWN_IDS} more (--json lists every id)")
    return table


@click.command("forget", short_help="Hide datums from every read, at once.")
@url_argument
@store_options
@click.option("--id", "ids", multiple=True, metavar="ID", help="Forget this datum (repeat).")
@click.option("--prefix", help="Forget every datum whose id starts with this text.")
@click.option("--meta", "meta", multiple=True, metavar="K=V", help="Forget by metadata (repeat).")
@click.option("--ref", help="Forget the datum this ref names and all its ancestors.")
def forget(
    url: str | None,
    url_option: str | None,
    namespace: str,
    as_json: bool,
    ids: tuple[str, ...],
    prefix: str | None,
    meta: tuple[str, ...],
    ref: str | None,
) -> None:
    """Forget datums: append tombstones that hide them from every read path at once (get,
    ls, search, chains, refs). Select by --id, by --prefix and/or --meta (both must match),
    or by --ref (its whole history). A forgotten id is never stored again; `dualtrack memory
    compact` removes the bytes.

    \b
    Examples:
      dualtrack memory forget sqlite:///memory.db --meta user=jane
      dualtrack memory forget -n chats --ref thread-42 --json
    """
    if not ids and prefix is None and not meta and ref is None:
        raise click.UsageError(
            "say what to forget: --id ID (repeat), --prefix P, --meta K=V (repeat) or --ref NAME"
        )
    where = chosen_url(url, url_option)
    metadata = metadata_pairs(meta)
    selection: dict[str, Any] = {"prefix": prefix, "metadata": metadata, "ref": ref}
    impossible = [i for i in dict.fromkeys(ids) if not (i and holdable(i))]
    possible = [i for i in dict.fromkeys(ids) if i and holdable(i)]
    if ids:
        selection["ids"] = possible

    async def work() -> tuple[list[str], list[str], bool]:
        store = retention_of(await open_reading(where, namespace))
        try:
            unheard = [i for i in possible if await store.state_of(i) == "unknown"]
            no_ref = ref is not None and await store.get_ref(ref, include_hidden=True) is None
            if (ids and not possible) or no_ref:
                return [], unheard, no_ref
            return await store.forget(**selection), unheard, no_ref
        finally:
            await store.close()

    forgotten, unheard, no_ref = run(work())
    if no_ref:
        raise CommandFailed(
            f"namespace {namespace!r} of {masked(where)} has no ref {ref!r}: nothing was "
            "forgotten (dualtrack memory refs lists the refs there)"
        )
    if as_json:
        emit_json(
            {
                "namespace": namespace,
                "forgotten": forgotten,
                "blocked": unheard,
                "never_storable": impossible,
            }
        )
        return
    if forgotten:
        show(_ids_table(f"forgot {len(forgotten)} datum(s) in namespace {namespace!r}", forgotten))
        note(
            "hidden from every read now; `dualtrack memory compact` removes their bytes from "
            f"{masked(where)}"
        )
    elif not unheard and not impossible:
        note("nothing to forget: no datum matches that was not forgotten already")
    if impossible:
        note(
            f"{', '.join(repr(i[:40] + '...' if len(i) > 40 else i) for i in impossible)}: "
            "no datum can have such an id (an id is 1 to 255 characters, without NUL), so "
            "there is nothing to forget under it"
        )
    if unheard:
        them = "these ids" if len(unheard) > 1 else "this id"
        note(
            f"namespace {namespace!r} held no datum {', '.join(map(repr, unheard))}, so "
            "nothing was hidden; but a forgotten id is never stored again, so from now on no "
            f"datum can be stored there under {them}"
        )


def _receipt_table(receipt: CompactionReceipt, where: str) -> Table:
    title = "would remove (dry run)" if receipt.dry_run else "removed"
    heading = f"compaction of namespace {receipt.namespace!r} in {masked(where)}: {title}"
    table = listing(heading)
    table.add_column("what")
    table.add_column("", justify="right")
    rows = [
        ("datums", f"{len(receipt.removed):,}"),
        ("  forgotten", f"{receipt.forgotten:,}"),
        ("  expired", f"{receipt.expired:,}"),
        ("  unreachable", f"{receipt.unreachable:,}"),
        ("refs", f"{len(receipt.refs):,}"),
        ("content and metadata", size(receipt.datum_bytes)),
    ]
    if receipt.file_bytes_before is not None:
        rows.append(("store size before", size(receipt.file_bytes_before)))
    if receipt.file_bytes_after is not None:
        rows.append(("store size after", size(receipt.file_bytes_after)))
    if receipt.bytes_freed is not None:
        rows.append(("freed", size(max(receipt.bytes_freed, 0))))
    if receipt.erased_from_files is not None:
        rows.append(("bytes gone from the files", "yes" if receipt.erased_from_files else "no"))
    for name, value in rows:
        table.add_row(name, value)
    return table


@click.command("compact", short_help="Remove what is forgotten or expired, for good.")
@url_argument
@store_options
@click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
@click.option(
    "--unreachable", is_flag=True, help="Also remove live datums that no live ref reaches."
)
@click.option(
    "--history",
    type=click.IntRange(min=0),
    help="With --unreachable: ancestors kept behind each ref (default: all).",
)
@click.option(
    "--vacuum",
    type=click.Choice(["none", "normal", "full"]),
    default="normal",
    show_default=True,
    help="How to give space back (PostgreSQL erases bytes from its files only with full).",
)
def compact(
    url: str | None,
    url_option: str | None,
    namespace: str,
    as_json: bool,
    dry_run: bool,
    unreachable: bool,
    history: int | None,
    vacuum: str,
) -> None:
    """Remove forgotten and expired datums with their metadata, vectors and refs, keeping
    only the digest of each id (so it is never stored again), then give the space back.
    Reads of what stays do not change; survivors' chains end at a truncation marker.

    \b
    Examples:
      dualtrack memory compact sqlite:///memory.db --dry-run
      dualtrack memory compact postgresql://me@db/memory -n chats --vacuum full --json
    """
    if history is not None and not unreachable:
        raise click.UsageError("--history applies to --unreachable only")
    where = chosen_url(url, url_option)
    chosen: Vacuum = "none" if vacuum == "none" else "full" if vacuum == "full" else "normal"
    policy = CompactionPolicy(unreachable=unreachable, history=history, vacuum=chosen)

    async def work() -> CompactionReceipt:
        store = retention_of(await open_reading(where, namespace))
        try:
            return await store.compact(policy, dry_run=dry_run)
        finally:
            await store.close()

    receipt = run(work())
    if as_json:
        emit_json({**asdict(receipt), "bytes_freed": receipt.bytes_freed})
        return
    show(_receipt_table(receipt, where))
    if receipt.dry_run:
        note("dry run: nothing was removed")


memory.add_command(forget)
memory.add_command(compact)
