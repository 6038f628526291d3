"""Snippets only type-checked (by tests/product/test_typing_optics.py), never imported."""

collect_ignore_glob = ["*.py"]
