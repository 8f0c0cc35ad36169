"""`python -m generator` is the `shiplog` command."""
from .cli import run

run()
