"""CIS AWS Foundations Benchmark v1.5.0 scanner: collect (boto3) -> snapshot -> checks -> report."""
from .checks import CONTROLS
from .collector import Collector, CollectionError
from .engine import Report, scan
from .model import Control, ControlResult, Result, Severity, Status
from .snapshot import Snapshot

__all__ = ["CONTROLS", "Collector", "CollectionError", "Control", "ControlResult", "Report", "Result",
           "Severity", "Snapshot", "Status", "scan"]
