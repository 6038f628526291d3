"""Column kinds: how each SQL column type turns into JSON and back, faithfully."""
