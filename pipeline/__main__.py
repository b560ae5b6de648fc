"""`python -m pipeline` is `nap`."""

from pipeline.cli import main

main()
