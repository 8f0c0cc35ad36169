"""Repository-wide pytest settings (tests/ and projects/*/tests/ alike)."""
from hypothesis import settings

# Property tests explore a fixed, seeded set of examples: CI and every developer see the same
# cases, a failure reproduces on re-run, and no .hypothesis/ example database is written.
settings.register_profile("shiplog", derandomize=True, database=None, deadline=None,
                          print_blob=True)
settings.load_profile("shiplog")
