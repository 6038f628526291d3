"""Run a law check under many fixed hypothesis seeds: a planted defect must be caught on each.

CI draws a fresh seed every run, so a defect a law catches only on lucky seeds is a defect it
misses. ``caught_on_seeds`` runs the check as ``--hypothesis-seed=N`` would, for each seed,
with no example database (a failure stored by one seed must not help the next) and without
shrinking (the question is whether a seed finds the defect, not how small it gets), unless
the check's own settings choose their phases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import hypothesis.core
from hypothesis import Phase, settings

from dualtrack import LawViolation

#: Settings for seed loops: no example database, so every seed starts from nothing, and no
#: shrinking: the question is whether a seed finds the defect, not how small it gets.
NO_DATABASE = settings(database=None, phases=(Phase.explicit, Phase.generate))


@contextmanager
def forced_seed(seed: int) -> Iterator[None]:
    """Hypothesis draws as under ``--hypothesis-seed=seed`` inside the block, under the loaded
    profile with :data:`NO_DATABASE` laid over it (settings made inside inherit both)."""
    before = hypothesis.core.global_force_seed
    profile = settings.get_current_profile_name()
    settings.register_profile(
        "seeded", settings.get_profile(profile), database=None, phases=NO_DATABASE.phases
    )
    hypothesis.core.global_force_seed = seed  # type: ignore[assignment]
    settings.load_profile("seeded")
    try:
        yield
    finally:
        settings.load_profile(profile)
        hypothesis.core.global_force_seed = before


def caught_on_seeds(
    check: Callable[[], object], law: str, seeds: Iterable[int] = range(20)
) -> list[int]:
    """The seeds on which ``check`` did not raise a :class:`LawViolation` naming ``law``."""
    missed = []
    for seed in seeds:
        with forced_seed(seed):
            try:
                check()
            except LawViolation as violation:
                if law not in violation.law:
                    missed.append(seed)
            else:
                missed.append(seed)
    return missed
