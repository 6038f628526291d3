"""Forward-only migrations in production: the check an ``env.py`` runs before migrating.

Call :func:`refuse_production_downgrade` in ``env.py`` right after ``context.configure(...)``;
it raises :class:`~dualtrack.errors.MigrationRefused` before anything runs when the command
would revert a revision and the environment is ``production``: ``DUALTRACK_ENV``, unless the
caller set ``config.attributes["dualtrack.environment"]`` (as :mod:`dualtrack.app.migrate` and
the laws do). Upgrades and stamps are never refused.
"""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext

from dualtrack.config import is_production
from dualtrack.errors import MigrationRefused

#: The ``Config.attributes`` key that overrides ``DUALTRACK_ENV`` for one command.
ENVIRONMENT_ATTRIBUTE = "dualtrack.environment"


def refuse_production_downgrade(migration: MigrationContext) -> None:
    """Raise :class:`MigrationRefused` if this run reverts a revision in production."""
    environment = migration.environment_context
    if environment is None:
        return
    named = environment.config.attributes.get(ENVIRONMENT_ATTRIBUTE)
    if not is_production(None if named is None else str(named)):
        return
    options = environment.context_opts
    plan = options.get("fn")
    if plan is None or "destination_rev" not in options:
        return
    reverting = [
        step.short_log
        for step in plan(migration.get_current_heads(), migration)
        if not step.info.is_upgrade and not step.info.is_stamp
    ]
    if reverting:
        raise MigrationRefused(
            "refusing to downgrade in production (DUALTRACK_ENV=production); it would run "
            f"{', '.join(reverting)}. Production is forward-only: write a new "
            "revision that undoes the change, or downgrade a development copy instead."
        )
