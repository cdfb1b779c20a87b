"""Claims checks: optim (see claims/__init__.py)."""
