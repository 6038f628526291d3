"""The snippets here are only type-checked (by tests/test_typing_optics.py), never imported."""

collect_ignore_glob = ["*.py"]
