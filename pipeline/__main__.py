"""`python -m pipeline` is `nap`."""

from .cli import main

main()
