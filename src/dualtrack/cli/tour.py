"""``dualtrack tour``: the guided tour of the library (:mod:`dualtrack.tour`)."""

from __future__ import annotations

from pathlib import Path

import click

from dualtrack import tour as guided


@click.command("tour", short_help="Run the guided tour of dualtrack.")
@click.option(
    "--keep",
    "keep",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Keep the tour's stores in this folder (default: a scratch folder removed at the end; "
    "$DUALTRACK_TOUR_DIR does the same).",
)
def tour(keep: Path | None) -> None:
    """Run the guided tour: optics, laws, agents, agent memory and both tracks, with real
    results printed as it goes. It never touches your own stores.

    \b
    Example:
      dualtrack tour --keep ./tour-stores
    """
    guided.main(keep)
