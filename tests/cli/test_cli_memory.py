"""``dualtrack memory``: looking into SQLite and PostgreSQL stores from the shell (tables for
people, ``--json`` for scripts, errors for unknown ids). The installed command runs in a
subprocess on each kind of store; the detailed checks call its ``main`` here (:func:`invoke`)."""

from __future__ import annotations

import base64
import contextlib
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dualtrack import Datum
from dualtrack.app.scratch import PostgresScratch
from dualtrack.cli.output import preview
from dualtrack.urls import masked
from tests.cli.cli_support import dualtrack, fill, invoke, sample, store_url

__all__ = ["store_url"]

NOTES = sample(60, seed=3, prefix="n")
PLANS = sample(5, seed=4, prefix="p")


def _in_order(datums: list[Datum]) -> list[Datum]:
    return sorted(datums, key=lambda d: (d.created_at, d.id))


def _chain(datum_id: str) -> list[str]:
    by_id = {d.id: d for d in NOTES}
    found = []
    current: Datum | None = by_id[datum_id]
    while current is not None:
        found.append(current.id)
        current = by_id.get(current.causal_parent or "")
    return found[::-1]


@pytest.fixture
def filled(store_url: str) -> str:
    fill(store_url, "notes", NOTES, refs=3)
    fill(store_url, "plans", PLANS)
    return store_url


def test_the_installed_command_lists_shows_and_refuses(filled: str, tmp_path: Path) -> None:
    table = dualtrack("memory", "ls", filled, "-n", "notes", "--limit", "5", home=tmp_path)
    assert table.code == 0, table
    for heading in ("id", "created (UTC)", "parent", "size", "metadata", "content"):
        assert heading in table.out
    assert all(datum.id in table.out for datum in _in_order(NOTES)[:5])
    assert "more datums follow: add --cursor " in table.err
    listed = dualtrack("memory", "ls", "-u", filled, "-n", "plans", "--json", home=tmp_path)
    assert [row["id"] for row in listed.json()["datums"]] == [d.id for d in _in_order(PLANS)]
    missing = dualtrack("memory", "show", "nope", "-u", filled, "-n", "notes", home=tmp_path)
    assert missing.code == 1
    assert missing.err == (
        "error: no datum 'nope' in namespace 'notes' of "
        f"{masked(filled)} (dualtrack memory ls lists what is there)\n"
    )


def test_ls_pages_through_the_cursor_and_filters(filled: str, tmp_path: Path) -> None:
    table = invoke("memory", "ls", filled, "-n", "notes", "--limit", "5", home=tmp_path)
    assert table.code == 0, table
    for heading in ("id", "created (UTC)", "parent", "size", "metadata", "content"):
        assert heading in table.out
    first = _in_order(NOTES)[:5]
    assert all(datum.id in table.out for datum in first)
    assert "more datums follow: add --cursor " in table.err

    seen: list[str] = []
    cursor: list[str] = []
    for _ in range(20):
        page = invoke(
            "memory", "ls", filled, "-n", "notes", "--limit", "7", "--json", *cursor, home=tmp_path
        ).json()
        seen += [row["id"] for row in page["datums"]]
        if page["cursor"] is None:
            break
        cursor = ["--cursor", page["cursor"]]
    assert seen == [datum.id for datum in _in_order(NOTES)]

    notes = invoke(
        "memory",
        "ls",
        "-u",
        filled,
        "-n",
        "notes",
        "--meta",
        "kind=note",
        "--limit",
        "100",
        "--json",
        home=tmp_path,
    ).json()
    wanted = [d for d in _in_order(NOTES) if d.metadata["kind"] == "note"]
    assert [row["id"] for row in notes["datums"]] == [d.id for d in wanted]
    assert notes["datums"][0]["metadata"] == dict(wanted[0].metadata)
    assert notes["datums"][0]["size"] == len(wanted[0].content)

    middle = _in_order(NOTES)[30].created_at
    iso = datetime.fromtimestamp(middle, UTC).isoformat()
    newest = invoke(
        "memory",
        "ls",
        filled,
        "-n",
        "notes",
        "--after",
        iso,
        "--desc",
        "--limit",
        "100",
        "--json",
        home=tmp_path,
    ).json()
    later = [d.id for d in _in_order(NOTES) if d.created_at > middle][::-1]
    assert [row["id"] for row in newest["datums"]] == later

    prefixed = invoke(
        "memory", "ls", filled, "-n", "notes", "--prefix", "n000001", "--json", home=tmp_path
    ).json()
    assert sorted(row["id"] for row in prefixed["datums"]) == [f"n000001{i}" for i in range(10)]


def test_show_chain_children_search_refs(filled: str, tmp_path: Path) -> None:
    deepest = max(NOTES, key=lambda d: len(_chain(d.id)))
    shown = invoke("memory", "show", deepest.id, "-u", filled, "-n", "notes", home=tmp_path)
    assert shown.code == 0, shown
    assert deepest.id in shown.out
    assert str(deepest.causal_parent) in shown.out
    assert "children" in shown.out
    details = invoke(
        "memory", "show", deepest.id, "-u", filled, "-n", "notes", "--json", home=tmp_path
    ).json()
    assert Datum.from_json(json.dumps(details["datum"])) == deepest
    assert base64.b64decode(details["datum"]["content"]) == deepest.content
    assert details["children"] == sum(d.causal_parent == deepest.id for d in NOTES)

    chain = invoke(
        "memory", "chain", deepest.id, "-u", filled, "-n", "notes", "--json", home=tmp_path
    ).json()
    assert [row["id"] for row in chain] == _chain(deepest.id)
    drawn = invoke("memory", "chain", deepest.id, "-u", filled, "-n", "notes", home=tmp_path)
    assert drawn.out.index(_chain(deepest.id)[0]) < drawn.out.index(deepest.id)

    root = _chain(deepest.id)[0]
    tree = invoke(
        "memory",
        "children",
        root,
        "-u",
        filled,
        "-n",
        "notes",
        "--depth",
        "2",
        "--json",
        home=tmp_path,
    ).json()
    direct = [d.id for d in _in_order(NOTES) if d.causal_parent == root]
    assert [child["id"] for child in tree["children"]] == direct
    for child in tree["children"]:
        below = [d.id for d in _in_order(NOTES) if d.causal_parent == child["id"]]
        assert [grandchild["id"] for grandchild in child["children"]] == below
    drawn_tree = invoke("memory", "children", root, "-u", filled, "-n", "notes", home=tmp_path)
    assert drawn_tree.code == 0
    assert all(child in drawn_tree.out for child in direct)
    by_id = {d.id: d for d in NOTES}
    for line in drawn_tree.out.splitlines()[1:]:  # each child's line previews its content
        child = line.replace("├──", " ").replace("└──", " ").split()[0]
        assert child in direct
        assert preview(by_id[child].content)[:12] in line

    hits = invoke(
        "memory",
        "search",
        "memory 12",
        "-k",
        "4",
        "-u",
        filled,
        "-n",
        "notes",
        "--json",
        home=tmp_path,
    ).json()
    assert len(hits) == 4
    assert [hit["score"] for hit in hits] == sorted((hit["score"] for hit in hits), reverse=True)
    assert {hit["id"] for hit in hits} <= {d.id for d in NOTES}
    assert all(hit["score"] > 0 for hit in hits)
    table = invoke("memory", "search", "memory", "-u", filled, "-n", "notes", home=tmp_path)
    assert "score" in table.out
    unlike = ["search", " ", "-u", filled, "-n", "notes", "--json"]
    assert invoke("memory", *unlike, home=tmp_path).json() == []

    refs = invoke("memory", "refs", filled, "-n", "notes", "--json", home=tmp_path).json()
    assert refs == {f"ref-{place:03d}": NOTES[-1 - place * 7].id for place in range(3)}
    assert "ref-000" in invoke("memory", "refs", filled, "-n", "notes", home=tmp_path).out


def test_an_empty_listing_says_whether_the_namespace_holds_anything(
    filled: str, tmp_path: Path
) -> None:
    typo = invoke("memory", "ls", filled, "-n", "nots", home=tmp_path)
    assert typo.code == 0
    assert (
        typo.err == "namespace 'nots' holds nothing (namespaces holding data: 'notes', 'plans')\n"
    )
    none = invoke("memory", "ls", filled, "-n", "notes", "--prefix", "zzz", home=tmp_path)
    assert none.err == "no datums match\n"


def test_namespaces_and_stats(filled: str, tmp_path: Path) -> None:
    names = invoke("memory", "namespaces", filled, "--json", home=tmp_path).json()
    assert names == ["notes", "plans"]
    stats = invoke("memory", "stats", filled, "--json", home=tmp_path).json()
    by_name = {row["namespace"]: row for row in stats["namespaces"]}
    assert by_name["notes"]["datums"] == 60
    assert by_name["notes"]["refs"] == 3
    assert by_name["plans"]["datums"] == 5
    assert by_name["notes"]["oldest"] == _in_order(NOTES)[0].created_at
    assert by_name["notes"]["newest"] == _in_order(NOTES)[-1].created_at
    assert stats["size_on_disk"] > 0
    table = invoke("memory", "stats", filled, home=tmp_path)
    assert "65 datums in 2 namespace(s)" in table.out
    for heading in ("namespace", "datums", "refs", "oldest (UTC)", "newest (UTC)"):
        assert heading in table.out
    one = invoke("memory", "stats", filled, "-n", "plans", home=tmp_path)
    assert "5 datums in 1 namespace(s)" in one.out
    missing = invoke("memory", "stats", filled, "-n", "plans", "-n", "nothing", home=tmp_path)
    assert missing.code == 1
    assert missing.err.startswith("error: no namespace 'nothing' in this store")


def test_unknown_ids_are_errors(filled: str, tmp_path: Path) -> None:
    for command in ("show", "chain", "children"):
        ran = invoke("memory", command, "no-such-id", "-u", filled, "-n", "notes", home=tmp_path)
        assert ran.code == 1, ran
        assert ran.err.startswith("error: no datum 'no-such-id' in namespace 'notes'")
        assert ran.err.count("\n") == 1


def test_looking_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "absent.db"
    for command in ("ls", "refs", "stats", "namespaces"):
        ran = invoke("memory", command, f"sqlite:///{missing}", home=tmp_path)
        assert ran.code == 1
        assert "does not exist" in ran.err
    assert not missing.exists()


def test_looking_into_a_file_that_holds_no_store_changes_nothing(tmp_path: Path) -> None:
    empty, app = tmp_path / "empty.db", tmp_path / "app.db"
    empty.touch()
    with contextlib.closing(sqlite3.connect(app)) as database:
        database.execute("CREATE TABLE crystals (id TEXT PRIMARY KEY)")
    before = {path.name: path.read_bytes() for path in (empty, app)}
    for path in (empty, app):
        for scheme in ("sqlite", "sqlite+aiosqlite"):
            ran = invoke("memory", "ls", f"{scheme}:///{path}", home=tmp_path)
            assert ran.code == 1
            assert "holds no" in ran.err
    assert {path.name: path.read_bytes() for path in (empty, app)} == before
    assert sorted(path.name for path in tmp_path.glob("*.db*")) == ["app.db", "empty.db"]


def test_each_sqlite_scheme_names_its_own_store_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    fill(f"sqlite:///{path}", "notes", NOTES[:3])
    ran = invoke("memory", "ls", f"sqlite+aiosqlite:///{path}", "-n", "notes", home=tmp_path)
    assert ran.code == 1
    assert f"open it as sqlite:///{path}" in ran.err


def test_looking_at_the_default_store_creates_no_data_directory(tmp_path: Path) -> None:
    for command in ("ls", "stats"):
        ran = invoke("memory", command, home=tmp_path, DUALTRACK_MEMORY_URL="")
        assert ran.code == 1
        assert "dualtrack/memory.db' does not exist" in ran.err
    assert not (tmp_path / "data").exists()


@pytest.mark.postgres
def test_a_postgres_database_without_dualtrack_tables_is_an_error(
    postgres_databases: PostgresScratch, tmp_path: Path
) -> None:
    url = postgres_databases()
    ran = invoke("memory", "ls", url, home=tmp_path)
    assert ran.code == 1
    assert "the database has no dualtrack_datums table (nothing was ever stored" in ran.err
    assert ran.err.count("\n") == 1


def test_control_characters_in_stored_names_never_reach_the_terminal(tmp_path: Path) -> None:
    """Ids, namespaces, refs and metadata keys are anyone's text: what a command prints shows
    their escape sequences as text (``\\x1b``), so none can retitle, recolour or clear a
    terminal; ``--json`` escapes them as JSON does."""
    url = f"sqlite:///{tmp_path / 'm.db'}"
    namespace, datum_id = "ns\x1b]0;TITLE\x07", "id\x1b[31mRED\x9b2J"
    fill(url, namespace, [Datum(id=datum_id, content=b"x", created_at=1.0, metadata={"k\x1b": 1})])
    commands = [
        ["memory", "ls", url, "-n", namespace],
        ["memory", "ls", url, "-n", namespace, "--json"],
        ["memory", "show", datum_id, "-u", url, "-n", namespace],
        ["memory", "show", "no\x1b[2J", "-u", url, "-n", namespace],
        ["memory", "namespaces", url],
        ["memory", "stats", url],
        ["memory", "chain", datum_id, "-u", url, "-n", namespace],
        ["memory", "search", "x", "-u", url, "-n", namespace],
        ["memory", "forget", url, "-n", namespace, "--id", "gone\x1b[1m"],
    ]
    for command in commands:
        ran = invoke(*command, home=tmp_path)
        printed = ran.out + ran.err
        assert not any(char in printed for char in "\x1b\x07\x9b"), (command, ran)
    exported = invoke("export", url, home=tmp_path)  # data, in JSON, whose escapes stop ESC
    assert exported.code == 0
    assert not any(char in exported.out + exported.err for char in "\x1b\x07")
    shown = invoke("memory", "show", datum_id, "-u", url, "-n", namespace, home=tmp_path)
    assert "id\\x1b[31mRED\\x9b2J" in shown.out
    listed = invoke("memory", "ls", url, "-n", namespace, "--json", home=tmp_path).json()
    assert listed["datums"][0]["id"] == datum_id
