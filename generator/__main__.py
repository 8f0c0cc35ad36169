"""`python -m generator` is the `shiplog` command."""
import sys

from .cli import main

sys.exit(main())
