"""``python -m dualtrack tour``: the guided tour of the library."""

from __future__ import annotations

import sys

from dualtrack.tour import main

USAGE = "usage: python -m dualtrack tour"

if __name__ == "__main__":
    if sys.argv[1:] not in ([], ["tour"]):
        sys.exit(USAGE)
    main()
