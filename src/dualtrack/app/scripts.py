"""Finding dualtrack's Alembic scripts and building a ``Config`` for them without ``alembic.ini``.

The scripts live in ``migrations/`` at the top of a source checkout; a wheel ships the same
directory inside the package as ``dualtrack/migrations``. :func:`script_location` finds either,
and :func:`alembic_ini` the ``alembic.ini`` beside it (the wheel ships that too), so the
``alembic`` command works from any directory::

    alembic -c "$(python -m dualtrack.app.alembic_ini)" upgrade head
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

from dualtrack.errors import MigrationError


def script_location() -> Path:
    """The directory holding dualtrack's ``env.py`` and ``versions/``, installed or checked out."""
    return _shipped("migrations", "env.py").parent


def alembic_ini() -> Path:
    """dualtrack's ``alembic.ini``, beside :func:`script_location` (installed or checked out).

    Its ``script_location`` is relative to the file, so ``alembic -c <this path> ...`` runs
    dualtrack's migrations from any directory.

    >>> (alembic_ini().parent / "migrations") == script_location()
    True
    """
    return _shipped("alembic.ini")


def _shipped(*name: str) -> Path:
    """The file ``name`` inside the installed package, else at the top of the checkout."""
    package = Path(__file__).resolve().parent.parent
    candidates = (package.joinpath(*name), package.parent.parent.joinpath(*name))
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    looked = ", ".join(str(candidate) for candidate in candidates)
    raise MigrationError(
        f"cannot find dualtrack's {name[0]} (looked for {looked}); reinstall dualtrack, "
        "or pass config=alembic_config(your_script_directory)"
    )


def alembic_config(location: str | os.PathLike[str] | None = None) -> Config:
    """An Alembic ``Config`` for the scripts at ``location`` (default: dualtrack's own).

    No ``alembic.ini`` is read, so the caller's logging setup is left alone.
    """
    config = Config()
    config.set_main_option("script_location", str(location or script_location()))
    config.set_main_option("path_separator", "os")
    return config


def as_config(config: Config | str | os.PathLike[str] | None) -> Config:
    """``config`` itself, or a ``Config`` for the script directory it names (``None``: ours)."""
    return config if isinstance(config, Config) else alembic_config(config)


def heads(config: Config | str | os.PathLike[str] | None = None) -> tuple[str, ...]:
    """The head revision ids of the scripts (dualtrack's own by default).

    >>> heads() == revisions()[-1:]
    True
    """
    return tuple(ScriptDirectory.from_config(as_config(config)).get_heads())


def revisions(config: Config | str | os.PathLike[str] | None = None) -> tuple[str, ...]:
    """Every revision id of the scripts, oldest first (each after all it depends on).

    >>> revisions()[:2]
    ('0001', '0002')
    """
    script = ScriptDirectory.from_config(as_config(config))
    newest_first = [revision.revision for revision in script.walk_revisions("base", "heads")]
    return tuple(reversed(newest_first))


def is_linear(config: Config | str | os.PathLike[str] | None = None) -> bool:
    """Whether the history is one line: a single head, and no revision merging branches.

    >>> is_linear()
    True
    """
    script = ScriptDirectory.from_config(as_config(config))
    every = list(script.walk_revisions("base", "heads"))
    return len(script.get_heads()) == 1 and not any(rev.is_merge_point for rev in every)
