"""TAR: an explicit-state BFS model checker and the revocation model it checks.

``bfs.explore`` checks any ``api.Model``; ``vbfs.explore`` checks a packed
``bitmodel.BitModel`` far faster with identical results. ``tar_model`` and
``tar_bits`` are the TAR protocol in both forms; spec/TAR.tla is the same
model for TLC.
"""
from .api import Action, Invariant, Model
from .bfs import explore
from .result import Result, Step, Violation

__all__ = ["Action", "Invariant", "Model", "Result", "Step", "Violation", "explore"]
