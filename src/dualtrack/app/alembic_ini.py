"""``python -m dualtrack.app.alembic_ini`` prints the path of dualtrack's ``alembic.ini``.

So the ``alembic`` command runs dualtrack's migrations from any directory, installed or checked
out (the database is ``DUALTRACK_DATABASE_URL``, else the SQLite file in the data directory)::

    alembic -c "$(python -m dualtrack.app.alembic_ini)" upgrade head
    export ALEMBIC_CONFIG="$(python -m dualtrack.app.alembic_ini)"   # then plain: alembic ...
"""

from __future__ import annotations

from dualtrack.app.scripts import alembic_ini


def main() -> None:
    """Print the path of dualtrack's ``alembic.ini``."""
    print(alembic_ini())


if __name__ == "__main__":
    main()
