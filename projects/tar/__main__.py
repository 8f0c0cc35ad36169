"""Entry point for ``python -m projects.tar``."""
import sys

from .cli import main

sys.exit(main())
