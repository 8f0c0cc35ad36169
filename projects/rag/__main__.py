"""``python -m projects.rag``: see cli.py."""

from .cli import main

raise SystemExit(main())
