"""Services by name (the seed's bootstrap DI), with the Brain registered by default."""

from dualtrack.services.brain import BRAIN_NAMESPACE, BrainPersistence, Recollection
from dualtrack.services.registry import (
    REGISTRY,
    Factory,
    ServiceRegistry,
    bootstrap_services,
    get_service,
    inject_service,
    register_service,
    reset_services,
)

__all__ = [
    "BRAIN_NAMESPACE",
    "REGISTRY",
    "BrainPersistence",
    "Factory",
    "Recollection",
    "ServiceRegistry",
    "bootstrap_services",
    "get_service",
    "inject_service",
    "register_service",
    "reset_services",
]
