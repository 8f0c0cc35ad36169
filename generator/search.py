"""The reader's search: a build-time index the browser queries, no server needed."""
from __future__ import annotations

from .model import Site


def search_outputs(site: Site) -> list:  # type: ignore[type-arg]
    """Files for client-side search (filled in by the search feature)."""
    return []
