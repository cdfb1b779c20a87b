"""`python -m spurious.cli`: the same as the `spurious` console script."""

from . import main

main()
