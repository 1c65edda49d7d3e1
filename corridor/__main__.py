"""Run the command line with ``python -m corridor``."""

from corridor.cli import main

main()
