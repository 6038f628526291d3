"""``dualtrack export`` and ``import``: a JSON Lines backup restores to an equal store, on
SQLite and PostgreSQL; importing again changes nothing; a bad line is named."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from dualtrack import Datum
from tests.cli.cli_support import digests, dualtrack, fill, invoke, sample, store_url

__all__ = ["store_url"]

NAMESPACES = {"notes": sample(400, seed=11, prefix="n"), "plans": sample(50, seed=12, prefix="p")}


def test_export_then_import_restores_an_equal_store(store_url: str, tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    for name, datums in NAMESPACES.items():
        fill(source, name, datums, refs=5)
    backup = tmp_path / "backup.jsonl"
    exported = dualtrack("export", source, "-o", str(backup), home=tmp_path)
    assert exported.code == 0, exported
    assert "exported 450 datums and 10 refs from 2 namespace(s)" in exported.err

    lines = backup.read_text().splitlines()
    assert json.loads(lines[0]) == {"namespace": "notes"}
    order = [Datum.from_json(line) for line in lines if line.startswith('{"id"')]
    placed = {datum.id: place for place, datum in enumerate(order)}
    assert all(
        placed[datum.causal_parent] < place
        for place, datum in enumerate(order)
        if datum.causal_parent is not None
    ), "parents come before children"
    assert sum(line.startswith('{"ref"') for line in lines) == 10

    restored = dualtrack("import", store_url, str(backup), "--json", home=tmp_path)
    assert restored.code == 0, restored
    assert [(r["namespace"], r["datums"], r["refs"]) for r in restored.json()] == [
        ("notes", 400, 5),
        ("plans", 50, 5),
    ]
    assert digests(store_url, list(NAMESPACES)) == digests(source, list(NAMESPACES))

    again = invoke("import", store_url, str(backup), "--json", home=tmp_path)
    assert again.code == 0, again
    assert all(report["refs_set"] == 0 for report in again.json())
    assert digests(store_url, list(NAMESPACES)) == digests(source, list(NAMESPACES))


def test_export_to_stdout_and_import_from_stdin_of_one_namespace(tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    for name, datums in NAMESPACES.items():
        fill(source, name, datums)
    exported = dualtrack("export", source, "-n", "plans", home=tmp_path)
    assert exported.code == 0, exported
    assert exported.out.splitlines()[0] == '{"namespace":"plans"}'
    assert len(exported.out.splitlines()) == 51
    target = f"sqlite:///{tmp_path / 'target.db'}"
    restored = dualtrack("import", target, "-", home=tmp_path, stdin=exported.out)
    assert restored.code == 0, restored
    assert "plans" in restored.out
    assert digests(target, ["plans"]) == digests(source, ["plans"])
    names = invoke("memory", "namespaces", target, "--json", home=tmp_path).json()
    assert names == ["plans"]


def test_a_plain_datum_file_imports_into_default(tmp_path: Path) -> None:
    plain = tmp_path / "plain.jsonl"
    plain.write_text("".join(Datum.to_jsonl(sample(20, seed=1))))
    target = f"sqlite:///{tmp_path / 'target.db'}"
    ran = invoke("import", target, str(plain), "--json", home=tmp_path)
    assert ran.code == 0, ran
    assert ran.json() == [{"namespace": "default", "datums": 20, "refs": 0, "refs_set": 0}]


def test_a_bad_line_is_named_and_what_came_before_is_kept(tmp_path: Path) -> None:
    datums = sample(10, seed=3)
    lines = (
        [datum.to_json() for datum in datums[:4]]
        + ['{"id": 1}']
        + [datum.to_json() for datum in datums[4:]]
    )
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join(lines) + "\n")
    target = f"sqlite:///{tmp_path / 'target.db'}"
    ran = invoke("import", target, str(broken), "--batch-size", "2", home=tmp_path)
    assert ran.code == 1
    assert ran.err.splitlines()[-1].startswith("error: line 5: ")
    stats = invoke("memory", "stats", target, "--json", home=tmp_path).json()
    assert stats["namespaces"][0]["datums"] == 4


def test_importing_a_missing_file_is_an_error(tmp_path: Path) -> None:
    ran = invoke("import", "memory://", str(tmp_path / "nope.jsonl"), home=tmp_path)
    assert ran.code == 1
    assert ran.err == f"error: no file {str(tmp_path / 'nope.jsonl')!r} to import\n"


def test_exporting_into_a_missing_folder_or_onto_a_folder_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "out.jsonl"
    ran = invoke("export", "memory://", "-o", str(missing), home=tmp_path)
    assert ran.code == 1
    assert ran.err == (
        f"error: cannot write {str(missing)!r}: there is no folder {str(missing.parent)!r}\n"
    )
    onto = invoke("export", "memory://", "-o", str(tmp_path), home=tmp_path)
    assert onto.code == 1
    assert onto.err == f"error: cannot write {str(tmp_path)!r}: it is a folder; name a file in it\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == []


def test_a_failed_import_into_a_new_file_leaves_no_empty_store(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"namespace": "notes"}\n{"id": 1}\n')
    for url in (f"sqlite:///{tmp_path / 'new.db'}", f"sqlite+aiosqlite:///{tmp_path / 'new.db'}"):
        ran = invoke("import", url, str(broken), home=tmp_path)
        assert ran.code == 1
        assert ran.err.splitlines()[-1].startswith("error: line 2: ")
        assert sorted(path.name for path in tmp_path.iterdir()) == ["broken.jsonl"]


def test_a_failed_import_keeps_a_file_that_was_there_or_took_datums(tmp_path: Path) -> None:
    datums = sample(10, seed=4)
    broken = tmp_path / "broken.jsonl"
    broken.write_text("".join(Datum.to_jsonl(datums[:3])) + '{"id": 1}\n')
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert invoke("import", fresh, str(broken), "--batch-size", "1", home=tmp_path).code == 1
    stats = invoke("memory", "stats", fresh, "--json", home=tmp_path).json()
    assert stats["namespaces"][0]["datums"] == 3
    empty = tmp_path / "empty.db"
    made = invoke("import", f"sqlite:///{empty}", str(tmp_path / "none.jsonl"), home=tmp_path)
    assert made.code == 1  # no such file: nothing was opened
    assert not empty.exists()
    fill(f"sqlite:///{empty}", "default", [])
    assert invoke("import", f"sqlite:///{empty}", str(broken), home=tmp_path).code == 1
    assert empty.exists()


def test_importing_into_memory_is_refused_as_keeping_nothing(tmp_path: Path) -> None:
    plain = tmp_path / "plain.jsonl"
    plain.write_text("".join(Datum.to_jsonl(sample(3, seed=2))))
    ran = invoke("import", "memory://", str(plain), home=tmp_path)
    assert ran.code == 2
    assert "import into memory:// would keep nothing" in ran.err


def test_swapped_import_arguments_are_named(tmp_path: Path) -> None:
    plain = tmp_path / "plain.jsonl"
    plain.write_text("".join(Datum.to_jsonl(sample(3, seed=2))))
    store = f"sqlite:///{tmp_path / 'store.db'}"
    ran = invoke("import", str(plain), store, home=tmp_path)
    assert ran.code == 1
    assert ran.err == (
        f"error: no file {store!r} to import: the store comes first "
        f"(dualtrack import {store} {plain})\n"
    )


def test_an_export_never_replaces_a_database_and_writes_through_links(tmp_path: Path) -> None:
    source = tmp_path / "memory.db"
    fill(f"sqlite:///{source}", "notes", sample(5, seed=6))
    other = tmp_path / "other.db"
    fill(f"sqlite:///{other}", "notes", sample(2, seed=7))
    before = {path: path.read_bytes() for path in (source, other)}
    onto_itself = invoke("export", f"sqlite:///{source}", "-o", str(source), home=tmp_path)
    assert onto_itself.code == 1
    assert "it is the store being exported" in onto_itself.err
    onto_other = invoke("export", f"sqlite:///{source}", "-o", str(other), home=tmp_path)
    assert onto_other.code == 1
    assert "it holds an SQLite database" in onto_other.err
    assert {path: path.read_bytes() for path in before} == before
    backup, link = tmp_path / "backup.jsonl", tmp_path / "latest.jsonl"
    backup.write_text("old\n")
    link.symlink_to(backup)
    through = invoke("export", f"sqlite:///{source}", "-o", str(link), home=tmp_path)
    assert through.code == 0, through
    assert link.is_symlink()
    assert backup.read_text().startswith('{"namespace":"notes"}\n')


def test_a_gzipped_backup_imports_as_it_is_and_a_cut_one_is_named(tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    fill(source, "notes", sample(30, seed=8))
    backup = tmp_path / "notes.jsonl"
    assert invoke("export", source, "-o", str(backup), home=tmp_path).code == 0
    zipped = tmp_path / "notes.jsonl.gz"
    zipped.write_bytes(gzip.compress(backup.read_bytes()))
    target = f"sqlite:///{tmp_path / 'target.db'}"
    ran = invoke("import", target, str(zipped), "--json", home=tmp_path)
    assert ran.code == 0, ran
    assert ran.json() == [{"namespace": "notes", "datums": 30, "refs": 0, "refs_set": 0}]
    assert digests(target, ["notes"]) == digests(source, ["notes"])
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(zipped.read_bytes()[:200])
    broken = invoke("import", f"sqlite:///{tmp_path / 'other.db'}", str(cut), home=tmp_path)
    assert broken.code == 1
    assert broken.err.splitlines()[-1].startswith(f"error: {str(cut)!r} is gzip, but not whole")
