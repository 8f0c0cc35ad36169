"""`python -m generator` is the `shiplog` command."""
from generator.commands.cli import run

run()
