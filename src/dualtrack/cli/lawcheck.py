"""``dualtrack laws URL``: the conformance kit (:mod:`laws.dgent`) against a live store.

Every store the kit makes lives in a namespace under one fresh scratch prefix
(``dualtrack-laws-<time>-<random>/...``), so the run never reads or writes a namespace that
held anything before. When every law holds, the command forgets and compacts what it wrote
there (only the digests of the removed ids stay, as compaction keeps them); when one fails,
or with ``--keep-scratch``, the data stays for a look, and the command says where.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import click
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

from dualtrack.cli.failures import CommandFailed, one_line
from dualtrack.cli.output import emit_json, listing, note, show
from dualtrack.cli.stores import open_writing, run
from dualtrack.errors import BackendUnavailable
from dualtrack.memory import DgentProtocol, HashedNgramEmbedder, MemoryDgent, MemorySpace
from dualtrack.memory.retention import CompactionPolicy, retention_of
from dualtrack.urls import absent_sqlite_file, masked
from laws.core import DEFAULT_SETTINGS
from laws.dgent import conformance_laws


@dataclass
class Outcome:
    """How one law fared."""

    law: str
    passed: bool
    seconds: float
    error: str | None


#: Ids forgotten per call when the scratch data is cleared.
_FORGET_BATCH = 500


def scratch_prefix() -> str:
    """A namespace prefix no run used before: the time (UTC) and 8 random hex digits."""
    return f"dualtrack-laws-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


@contextlib.contextmanager
def _scratch_hypothesis_home() -> Iterator[None]:
    """Point hypothesis' caches (``.hypothesis/`` in the working directory by default) at a
    temporary directory, so the command leaves nothing where it ran, unless
    ``$HYPOTHESIS_STORAGE_DIRECTORY`` says where they go."""
    if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="dualtrack-laws-") as home:
        set_hypothesis_home_dir(home)
        try:
            yield
        finally:
            set_hypothesis_home_dir(None)


@click.command("laws", short_help="Check a live store against the law kit.")
@click.argument("url", metavar="URL")
@click.option(
    "--examples",
    default=20,
    show_default=True,
    type=click.IntRange(min=1),
    help="Hypothesis examples per law.",
)
@click.option(
    "--steps",
    default=25,
    show_default=True,
    type=click.IntRange(min=1),
    help="Steps per run of the stateful agreement law.",
)
@click.option("--law", "only", multiple=True, help="Only the law with this name (repeat).")
@click.option(
    "--keep-scratch", is_flag=True, help="Keep the scratch data even when every law holds."
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def laws(
    url: str, examples: int, steps: int, only: tuple[str, ...], keep_scratch: bool, as_json: bool
) -> None:
    """Run the agent-memory conformance kit against the store at URL, law by law, inside a
    fresh scratch namespace prefix; exit 1 if any law fails. Nothing outside the scratch
    namespaces is read or written; when every law holds, what was written there is forgotten
    and compacted away (unless --keep-scratch).

    \b
    Example:
      dualtrack laws postgresql://me@db/memory --examples 10
    """
    prefix = scratch_prefix()
    chosen = settings(DEFAULT_SETTINGS, max_examples=examples, database=None)
    stateful = settings(chosen, stateful_step_count=steps)
    kit = conformance_laws(embedder=HashedNgramEmbedder(), settings=chosen, stateful=stateful)
    names = [law.name for law in kit]
    unknown = [name for name in only if name not in names]
    if unknown:
        raise click.BadParameter(
            f"no law {', '.join(map(repr, unknown))}; the laws: {', '.join(names)}",
            param_hint="--law",
        )

    fresh = _opener(url, prefix)
    run(_reachable(url, prefix))
    note(f"running {len(only) or len(kit)} laws against {masked(url)} in {prefix}/*")
    outcomes: list[Outcome] = []
    for law in kit:
        if only and law.name not in only:
            continue
        started = time.perf_counter()
        try:
            # hypothesis reports on stdout
            with contextlib.redirect_stdout(sys.stderr), _scratch_hypothesis_home():
                law.check(fresh)
        except Exception as error:
            outcome = Outcome(law.name, False, time.perf_counter() - started, str(error))
            note(f"  ✗ {law.name} ({outcome.seconds:.1f}s): {one_line(error)}")
        else:
            outcome = Outcome(law.name, True, time.perf_counter() - started, None)
            note(f"  ✓ {law.name} ({outcome.seconds:.1f}s)")
        outcomes.append(outcome)
    if not keep_scratch and all(outcome.passed for outcome in outcomes):
        run(_clear_scratch(url, prefix))
    _report(url, prefix, run(_left_behind(url, prefix)), outcomes, as_json)


def _opener(url: str, prefix: str) -> Callable[[str], Awaitable[DgentProtocol]]:
    """Open the law kit's stores under ``prefix``; ``memory://`` stores share one space, as
    the namespace laws expect of stores opened on one database."""
    if url.strip().partition(":")[0] == "memory":
        space = MemorySpace()

        async def in_memory(namespace: str) -> DgentProtocol:
            return MemoryDgent(namespace=f"{prefix}/{namespace}", space=space)

        return in_memory

    async def at_url(namespace: str) -> DgentProtocol:
        return await open_writing(url, f"{prefix}/{namespace}")

    return at_url


async def _reachable(url: str, prefix: str) -> None:
    """Open (and close) a store at ``url``, so a bad URL fails at once with its own error; an
    SQLite file that is not there is a typo, not a store to create."""
    absent = absent_sqlite_file(url)
    if absent is not None:
        raise BackendUnavailable(
            f"no agent memory at {masked(url)}: the file {str(absent)!r} does not exist, and "
            "laws checks a store that is there (memory:// tries the kit on nothing)"
        )
    store = await open_writing(url, f"{prefix}/probe")
    await store.close()


async def _clear_scratch(url: str, prefix: str) -> None:
    """Forget every datum of the scratch namespaces, then compact them: their datums, refs,
    tombstones and rows go (the digests of the removed ids stay)."""
    if url.strip().partition(":")[0] == "memory":
        return
    probe = await open_writing(url, f"{prefix}/probe")
    try:
        names = [name for name in await probe.namespaces() if name.startswith(f"{prefix}/")]
    finally:
        await probe.close()
    for name in names:
        store = retention_of(await open_writing(url, name))
        try:
            ids = [datum.id async for datum in store.scan()]
            for start in range(0, len(ids), _FORGET_BATCH):
                await store.forget(ids[start : start + _FORGET_BATCH])
            await store.compact(CompactionPolicy(vacuum="none"))
        finally:
            await store.close()


async def _left_behind(url: str, prefix: str) -> int:
    """How many scratch namespaces hold data now."""
    store = await open_writing(url, f"{prefix}/probe")
    try:
        return sum(name.startswith(f"{prefix}/") for name in await store.namespaces())
    finally:
        await store.close()


def _report(url: str, prefix: str, made: int, outcomes: list[Outcome], as_json: bool) -> None:
    failed = [outcome.law for outcome in outcomes if not outcome.passed]
    if as_json:
        emit_json(
            {
                "url": masked(url),
                "scratch_prefix": prefix,
                "scratch_namespaces": made,
                "passed": not failed,
                "laws": [vars(outcome) for outcome in outcomes],
            }
        )
    else:
        table = listing("conformance")
        for column in ("law", "result", "seconds"):
            table.add_column(column, justify="right" if column == "seconds" else "left")
        for outcome in outcomes:
            result = "[green]holds[/green]" if outcome.passed else "[red]FAILS[/red]"
            table.add_row(outcome.law, result, f"{outcome.seconds:.1f}")
        show(table)
    if made:
        note(
            f"scratch data left in {made} namespace(s) named {prefix}/...; no other namespace "
            "was read or written"
        )
    else:
        note(f"scratch data under {prefix}/ cleared; no other namespace was read or written")
    if failed:
        raise CommandFailed(
            f"{len(failed)} of {len(outcomes)} laws fail against {masked(url)}: {', '.join(failed)}"
        )
