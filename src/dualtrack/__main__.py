"""``python -m dualtrack``: the same as the ``dualtrack`` command."""

from __future__ import annotations

from dualtrack.cli import main

if __name__ == "__main__":
    main()
