"""Claims checks: critical (see claims/__init__.py)."""
