"""``dualtrack tour``: the guided tour of the library (:mod:`dualtrack.tour`)."""

from __future__ import annotations

import click

from dualtrack import tour as guided


@click.command("tour", short_help="Run the guided tour of dualtrack.")
def tour() -> None:
    """Run the guided tour: optics, laws, agents, agent memory and both tracks, with real
    results printed as it goes.

    \b
    Example:
      dualtrack tour
    """
    guided.main()
