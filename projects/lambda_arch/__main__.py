"""`python -m projects.lambda_arch`."""
import sys

from .cli import main

sys.exit(main())
