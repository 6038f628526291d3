"""The command as a whole: help with an example everywhere, exit codes, one-line errors on
stderr with passwords masked, a traceback only with ``--debug``; ``python -m dualtrack`` is the
same command. The installed command runs in subprocesses; the many per-command checks call its
``main`` in this process (:func:`invoke`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest

from dualtrack.cli import cli
from dualtrack.cli.app import COMMANDS as ROOT_COMMANDS
from tests.cli.cli_support import dualtrack, environment, invoke

COMMANDS = [
    [],
    ["tour"],
    ["memory"],
    *(
        ["memory", name]
        for name in (
            "ls",
            "show",
            "chain",
            "children",
            "search",
            "refs",
            "namespaces",
            "stats",
            "forget",
            "compact",
        )
    ),
    ["copy"],
    ["export"],
    ["import"],
    ["db"],
    *(["db", name] for name in ("upgrade", "downgrade", "current", "history", "check")),
    ["laws"],
]


def test_the_list_of_commands_here_is_complete() -> None:
    context = click.Context(cli)
    names = cli.list_commands(context)
    assert len(names) == 7
    listed = {tuple(command) for command in COMMANDS}
    for name in names:
        command = cli.get_command(context, name)
        assert command is not None
        assert (name,) in listed
        for sub in getattr(command, "commands", {}):
            assert (name, sub) in listed


def test_the_root_help_shows_each_command_s_own_short_help() -> None:
    context = click.Context(cli)
    for name, (_, _, short) in ROOT_COMMANDS.items():
        command = cli.get_command(context, name)
        assert command is not None
        assert command.get_short_help_str(limit=80) == short


def test_help_and_version_load_no_database_code(tmp_path: Path) -> None:
    heavy = ("sqlalchemy", "alembic", "hypothesis", "aiosqlite", "asyncpg", "laws")
    script = (
        "import sys\n"
        "from dualtrack.cli.app import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}))\n"
    )
    for arguments in (["--version"], ["--help"]):
        done = subprocess.run(
            [sys.executable, "-c", script, *arguments],
            env=environment(tmp_path),
            capture_output=True,
            text=True,
            check=True,
        )
        assert done.stdout.splitlines()[-1] == "[]", done.stdout


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(command: list[str], tmp_path: Path) -> None:
    ran = invoke(*command, "--help", home=tmp_path)
    assert ran.code == 0, ran
    assert "Example" in ran.out
    assert f"dualtrack {' '.join(command)}".strip() in ran.out
    assert ran.err == ""


def test_python_dash_m_runs_the_same_command(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dualtrack", "--help"],
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Usage: dualtrack" in done.stdout
    assert "memory" in done.stdout
    assert "copy" in done.stdout


def test_version(tmp_path: Path) -> None:
    ran = dualtrack("--version", home=tmp_path)
    assert ran.code == 0
    assert ran.out.startswith("dualtrack, version ")


def test_no_command_prints_the_usage(tmp_path: Path) -> None:
    for group in ([], ["memory"], ["db"]):
        ran = invoke(*group, home=tmp_path)
        assert ran.code == 2
        assert ran.out.startswith(f"Usage: dualtrack {' '.join(group)}".rstrip() + " [OPTIONS]")
        assert "Commands:" in ran.out


def test_an_unknown_command_is_a_usage_error_on_one_line(tmp_path: Path) -> None:
    ran = dualtrack("nonsense", home=tmp_path)
    assert ran.code == 2
    assert ran.out == ""
    assert ran.err.count("\n") == 1
    assert ran.err.startswith("error: No such command 'nonsense'")
    misspelt = invoke("cpy", home=tmp_path)
    assert misspelt.code == 2
    assert "Did you mean 'copy'?" in misspelt.err


def test_a_failing_command_prints_one_line_and_exits_1(tmp_path: Path) -> None:
    ran = dualtrack("memory", "ls", f"sqlite:///{tmp_path / 'missing.db'}", home=tmp_path)
    assert ran.code == 1
    assert ran.out == ""
    assert ran.err.count("\n") == 1
    assert ran.err.startswith("error: no agent memory at sqlite:///")
    assert "does not exist" in ran.err
    assert "Traceback" not in ran.err
    assert not (tmp_path / "missing.db").exists()


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    ran = dualtrack("--debug", "memory", "ls", f"sqlite:///{tmp_path / 'x.db'}", home=tmp_path)
    assert ran.code == 1
    assert "Traceback (most recent call last)" in ran.err
    assert "BackendUnavailable" in ran.err
    after = invoke("memory", "ls", f"sqlite:///{tmp_path / 'x.db'}", "--debug", home=tmp_path)
    assert after.code == 2
    assert after.err.startswith("error: --debug goes before the command: dualtrack --debug ")


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://ada:hunter22secret@127.0.0.1:1/memory",
        "mongodb://ada:hunter22secret@db/memory",
        "sqlite://ada:hunter22secret@/tmp/x.db",
    ],
)
def test_passwords_in_urls_are_masked(url: str, tmp_path: Path) -> None:
    copy = ["copy", url, f"sqlite:///{tmp_path / 'copy.db'}"]
    for command in (["memory", "ls", url], ["memory", "stats", url], copy):
        ran = invoke(*command, home=tmp_path)
        assert ran.code == 1, ran
        assert "hunter22secret" not in ran.err + ran.out
        assert ran.err.startswith("error: ")
        assert ran.err.count("\n") == 1


def test_a_password_in_the_environment_url_is_masked(tmp_path: Path) -> None:
    url = "postgresql://ada:hunter22secret@127.0.0.1:1/memory"
    ran = dualtrack("memory", "refs", home=tmp_path, DUALTRACK_MEMORY_URL=url)
    assert ran.code == 1
    assert "hunter22secret" not in ran.err
    assert "ada:***@" in ran.err


def test_the_url_comes_from_the_environment_else_the_default_file(tmp_path: Path) -> None:
    chosen = tmp_path / "chosen.db"
    ran = invoke("memory", "namespaces", home=tmp_path, DUALTRACK_MEMORY_URL=f"sqlite:///{chosen}")
    assert ran.code == 1
    assert str(chosen) in ran.err
    assert ran.err.endswith(" (the URL is $DUALTRACK_MEMORY_URL)\n")
    typed = invoke("memory", "namespaces", f"sqlite:///{chosen}", home=tmp_path)
    assert typed.code == 1
    assert "$DUALTRACK" not in typed.err
    out = str(tmp_path / "no" / "x.jsonl")
    unrelated = invoke("export", "-o", out, home=tmp_path, DUALTRACK_MEMORY_URL="memory://")
    assert unrelated.code == 1
    assert "$DUALTRACK" not in unrelated.err
    database = invoke("db", "current", home=tmp_path, DUALTRACK_DATABASE_URL="mongodb://x/y")
    assert database.code == 1
    assert database.err.endswith(" (the URL is $DUALTRACK_DATABASE_URL)\n")
    env = environment(tmp_path)
    del env["DUALTRACK_MEMORY_URL"]
    done = subprocess.run(
        [str(Path(sys.executable).parent / "dualtrack"), "memory", "namespaces"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert str(tmp_path / "data" / "dualtrack" / "memory.db") in done.stderr


def test_bad_option_values_are_usage_errors(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'm.db'}"
    for arguments, wanted in [
        (["memory", "ls", store, "--after", "yesterday"], "neither seconds nor an ISO time"),
        (["memory", "ls", store, "--meta", "novalue"], "is not key=value"),
        (["memory", "ls", store, "--limit", "0"], "--limit"),
        (["memory", "ls", store, "--url", "memory://"], "two store URLs given"),
        (["copy", store, store], "the same store"),
    ]:
        ran = invoke(*arguments, home=tmp_path)
        assert ran.code == 2, (arguments, ran)
        assert wanted in ran.err
        assert ran.err.count("\n") == 1
