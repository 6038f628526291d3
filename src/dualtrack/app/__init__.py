"""Application state: typed SQLAlchemy models, migrated by Alembic, from Python or the shell.

>>> from dualtrack.app import Crystal, heads
>>> Crystal.__tablename__, len(heads())
('crystals', 1)
"""

from dualtrack.app.migrate import (
    current,
    current_async,
    downgrade,
    downgrade_async,
    run_alembic,
    run_alembic_async,
    upgrade,
    upgrade_async,
)
from dualtrack.app.models import Base, Crystal
from dualtrack.app.scripts import alembic_config, heads, revisions, script_location
from dualtrack.app.timestamps import UTCDateTime

__all__ = [
    "Base",
    "Crystal",
    "UTCDateTime",
    "alembic_config",
    "current",
    "current_async",
    "downgrade",
    "downgrade_async",
    "heads",
    "revisions",
    "run_alembic",
    "run_alembic_async",
    "script_location",
    "upgrade",
    "upgrade_async",
]
