"""AGENTESE paths: ``Logos`` resolves ``self.data.*`` to agent memory and
``self.data.table.<name>.*`` to table adapters, for an ``Umwelt`` that says who asks."""

from dualtrack.agentese.logos import Logos
from dualtrack.agentese.umwelt import Umwelt
from dualtrack.agentese.verbs import VERBS, Verb

__all__ = ["VERBS", "Logos", "Umwelt", "Verb"]
