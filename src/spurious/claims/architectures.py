"""Claims checks: architectures (see claims/__init__.py)."""
