"""Claims checks: foundation."""
