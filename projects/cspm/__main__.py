"""``python -m projects.cspm``: see cli.py."""
import sys

from .cli import main

sys.exit(main())
