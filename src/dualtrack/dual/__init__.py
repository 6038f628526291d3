"""Both tracks at once: a datum and the application rows that name it, without ghosts."""

from dualtrack.dual.track import (
    PENDING_KEY,
    DualTrack,
    OrphanRow,
    RepairPolicy,
    RepairReport,
    Tracks,
)

__all__ = ["PENDING_KEY", "DualTrack", "OrphanRow", "RepairPolicy", "RepairReport", "Tracks"]
