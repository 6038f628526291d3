"""Fixtures shared across test modules, and the hypothesis profiles.

``--hypothesis-profile=thorough`` runs every property test that does not fix its own
``max_examples`` (law checks included) with 1000 examples instead of 100: use it to shake out
draws that fail rarely, e.g. ``pytest -n 2 --hypothesis-profile=thorough tests/optics``.
"""

from hypothesis import settings

pytest_plugins = ["tests.scratch_databases"]

settings.register_profile("thorough", max_examples=1000)
