"""Fixtures shared across test modules, and the hypothesis profiles.

Every run uses the ``dualtrack`` profile: no deadline and no "too slow" health check, since CI
machines are shared and slow and a property must not depend on wall-clock speed, and the
``@reproduce_failure`` blob printed with any failure, so a draw that failed in CI can be replayed.
``--hypothesis-profile=thorough`` is the same with 1000 examples per property instead of 100
(for every property that does not fix its own ``max_examples``, law checks included): use it to
shake out draws that fail rarely, e.g. ``pytest -n 2 --hypothesis-profile=thorough tests/optics``.
"""

from hypothesis import HealthCheck, settings

pytest_plugins = ["tests.scratch_databases"]

settings.register_profile(
    "dualtrack", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.register_profile("thorough", settings.get_profile("dualtrack"), max_examples=1000)
settings.load_profile("dualtrack")
