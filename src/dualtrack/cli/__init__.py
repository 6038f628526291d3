"""The ``dualtrack`` command line: look into, copy, back up, migrate and law-check stores by
URL. A thin shell over the public API; run ``dualtrack --help``."""

from dualtrack.cli.app import cli, main

__all__ = ["cli", "main"]
