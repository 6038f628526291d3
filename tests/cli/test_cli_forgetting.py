"""``dualtrack memory forget`` and ``dualtrack memory compact``: erasing from the shell, on
SQLite and PostgreSQL. The installed command runs in a subprocess on each kind of store; the
detailed checks call its ``main`` here (:func:`invoke`)."""

from __future__ import annotations

from pathlib import Path

from dualtrack import Datum
from dualtrack.app.blocking import run_blocking
from dualtrack.memory.retention import DatumState, retention_of
from dualtrack.memory.urls import open_dgent
from tests.cli.cli_support import dualtrack, fill, invoke, sample, store_url

__all__ = ["store_url"]

NOTES = sample(40, seed=5, prefix="n")
PLANS = sorted(
    (d for d in NOTES if d.metadata["kind"] == "plan"), key=lambda d: (d.created_at, d.id)
)


async def _states(url: str, ids: list[str]) -> dict[str, DatumState]:
    store = retention_of(await open_dgent(url, namespace="notes"))
    try:
        return {datum_id: await store.state_of(datum_id) for datum_id in ids}
    finally:
        await store.close()


def states(url: str, ids: list[str]) -> dict[str, DatumState]:
    """Where each id stands in namespace ``notes``, by the library."""
    return run_blocking(_states(url, ids))


def test_the_installed_command_forgets_and_compacts(store_url: str, tmp_path: Path) -> None:
    fill(store_url, "notes", NOTES)
    plans = [d.id for d in PLANS]
    forgot = dualtrack(
        "memory",
        "forget",
        store_url,
        "-n",
        "notes",
        "--meta",
        "kind=plan",
        "--json",
        home=tmp_path,
    )
    assert forgot.code == 0, forgot
    assert forgot.json() == {
        "namespace": "notes",
        "forgotten": plans,
        "blocked": [],
        "never_storable": [],
    }
    listed = dualtrack(
        "memory", "ls", store_url, "-n", "notes", "--limit", "100", "--json", home=tmp_path
    )
    assert {row["id"] for row in listed.json()["datums"]} == {d.id for d in NOTES} - set(plans)
    dry = dualtrack("memory", "compact", store_url, "-n", "notes", "--dry-run", home=tmp_path)
    assert dry.code == 0, dry
    assert "would remove (dry run)" in dry.out
    assert "dry run: nothing was removed" in dry.err
    assert set(states(store_url, plans).values()) == {"forgotten"}
    done = dualtrack(
        "memory", "compact", store_url, "-n", "notes", "--vacuum", "full", "--json", home=tmp_path
    )
    assert done.code == 0, done
    assert done.json()["removed"] == sorted(plans)
    assert done.json()["erased_from_files"] is True
    assert set(states(store_url, plans).values()) == {"erased"}


def test_forget_by_id_prefix_and_ref_then_compact_as_tables(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'memory.db'}"
    fill(url, "notes", NOTES, refs=2)
    first, second = NOTES[0].id, NOTES[1].id
    by_id = invoke(
        "memory",
        "forget",
        url,
        "-n",
        "notes",
        "--id",
        first,
        "--id",
        second,
        "--id",
        "never-stored",
        home=tmp_path,
    )
    assert by_id.code == 0, by_id
    assert first in by_id.out
    assert second in by_id.out
    assert "never-stored" not in by_id.out
    assert "hidden from every read now" in by_id.err
    assert "held no datum 'never-stored'" in by_id.err
    assert "no datum can be stored there under this id" in by_id.err
    typo = ["forget", url, "-n", "notes", "--id", "typo", "--id", "x" * 256, "--json"]
    assert invoke("memory", *typo, home=tmp_path).json() == {
        "namespace": "notes",
        "forgotten": [],
        "blocked": ["typo"],
        "never_storable": ["x" * 256],
    }
    impossible = invoke("memory", "forget", url, "-n", "notes", "--id", "y" * 256, home=tmp_path)
    assert impossible.code == 0
    assert "no datum can have such an id (an id is 1 to 255 characters" in impossible.err
    assert "nothing to forget: no datum matches" not in impossible.err
    again = invoke("memory", "forget", url, "-n", "notes", "--id", first, home=tmp_path)
    assert again.code == 0
    assert "nothing to forget" in again.err
    by_ref = invoke(
        "memory", "forget", url, "-n", "notes", "--ref", "ref-000", "--json", home=tmp_path
    )
    head = NOTES[-1]
    assert head.id in by_ref.json()["forgotten"]
    assert (
        invoke("memory", "refs", url, "-n", "notes", "--json", home=tmp_path).json().get("ref-000")
        is None
    )
    no_ref = invoke("memory", "forget", url, "-n", "notes", "--ref", "ref-typo", home=tmp_path)
    assert no_ref.code == 1
    assert no_ref.err.startswith("error: namespace 'notes' of ")
    assert "has no ref 'ref-typo': nothing was forgotten" in no_ref.err
    by_prefix = invoke(
        "memory", "forget", url, "-n", "notes", "--prefix", "n00000", "--json", home=tmp_path
    )
    assert by_prefix.code == 0
    report = invoke("memory", "compact", url, "-n", "notes", home=tmp_path)
    assert report.code == 0, report
    assert "removed" in report.out
    assert "forgotten" in report.out
    assert "bytes gone from the files" in report.out
    content = (tmp_path / "memory.db").read_bytes()
    assert NOTES[0].content not in content


def test_refusals_are_one_line_errors(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'memory.db'}"
    fill(url, "notes", NOTES[:3])
    nothing = invoke("memory", "forget", url, "-n", "notes", home=tmp_path)
    assert nothing.code == 2
    assert "say what to forget: --id ID (repeat), --prefix P" in nothing.err
    mixed = invoke("memory", "forget", url, "--id", "a", "--prefix", "b", home=tmp_path)
    assert mixed.code == 1
    assert "one kind of selector" in mixed.err
    history = invoke("memory", "compact", url, "--history", "2", home=tmp_path)
    assert history.code == 2
    assert "--history applies to --unreachable only" in history.err
    missing = invoke("memory", "compact", f"sqlite:///{tmp_path / 'none.db'}", home=tmp_path)
    assert missing.code == 1
    assert "does not exist" in missing.err
    assert not (tmp_path / "none.db").exists()


def test_compact_prunes_what_no_ref_reaches(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'memory.db'}"
    root = Datum(id="root", content=b"a", created_at=1.0)
    child = root.derive(b"b", created_at=2.0)
    stray = Datum(id="stray", content=b"c", created_at=3.0)
    fill(url, "notes", [root, child, stray])
    run_blocking(_point(url, "head", child.id))
    pruned = invoke(
        "memory",
        "compact",
        url,
        "-n",
        "notes",
        "--unreachable",
        "--history",
        "0",
        "--json",
        home=tmp_path,
    )
    assert pruned.code == 0, pruned
    assert pruned.json()["removed"] == ["root", "stray"]
    assert pruned.json()["unreachable"] == 2
    chain = invoke("memory", "chain", child.id, "-u", url, "-n", "notes", "--json", home=tmp_path)
    assert [row["id"] for row in chain.json()] == [child.id]


async def _point(url: str, ref: str, target: str) -> None:
    store = await open_dgent(url, namespace="notes")
    try:
        await store.set_ref(ref, target)
    finally:
        await store.close()


def test_copies_and_backups_keep_survivors_cut_where_the_source_forgot(tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'memory.db'}"
    fill(source, "notes", NOTES, refs=2)
    parents = [d.causal_parent for d in NOTES if d.causal_parent is not None]
    forgotten = sorted(set(parents))[:3]
    forgot = invoke("memory", "forget", source, "-n", "notes", *_ids(forgotten), home=tmp_path)
    assert forgot.code == 0, forgot
    copied = dualtrack(
        "copy", source, f"sqlite:///{tmp_path / 'copy.db'}", "-n", "notes", home=tmp_path
    )
    assert copied.code == 0, copied
    assert "verified" in copied.err
    exported = invoke("export", source, "-o", str(tmp_path / "backup.jsonl"), home=tmp_path)
    assert exported.code == 0, exported
    assert '{"forgotten":' in (tmp_path / "backup.jsonl").read_text()
    restored = f"sqlite:///{tmp_path / 'restored.db'}"
    imported = invoke("import", restored, str(tmp_path / "backup.jsonl"), home=tmp_path)
    assert imported.code == 0, imported
    child = next(d for d in NOTES if d.causal_parent == forgotten[0])
    for url in (source, f"sqlite:///{tmp_path / 'copy.db'}", restored):
        chain = invoke("memory", "chain", child.id, "-u", url, "-n", "notes", home=tmp_path)
        assert chain.code == 0, chain
        assert f"the chain is cut above at {forgotten[0]!r}" in chain.err
    assert states(restored, forgotten) == dict.fromkeys(forgotten, "forgotten")


def _ids(ids: list[str]) -> list[str]:
    return [part for datum_id in ids for part in ("--id", datum_id)]
