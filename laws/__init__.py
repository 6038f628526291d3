"""Reusable hypothesis property checks for the laws of optics, agents, functors, stores and
migrations. Call them from your own tests with your own objects and strategies.

>>> from hypothesis import strategies as st
>>> from dualtrack import key
>>> from laws.optics import check_lens
>>> check_lens(key("n"), sources=st.fixed_dictionaries({"n": st.integers()}), values=st.integers())
"""

from dualtrack.errors import LawViolation

__all__ = ["LawViolation"]
