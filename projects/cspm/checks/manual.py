"""The CIS v1.5 recommendations the benchmark marks Manual and that no API answers: listed as MANUAL, never judged.

1.18 and 2.4.1 are Manual too, but their audit is one field per resource, so they
are evaluated (ec2.py, data_stores.py) and keep ``assessment="Manual"``.
"""
from __future__ import annotations

from collections.abc import Iterator

from ..model import Result, Severity, Status
from ..snapshot import Snapshot
from .registry import IAM, NETWORKING, STORAGE, control

MANUAL = (
    ("1.1", "Maintain current contact details", IAM,
     "Billing console > Account: contact e-mail and phone reach more than one person (an alias, a hunt group)."),
    ("1.2", "Ensure security contact information is registered", IAM,
     "Billing console > Account > Alternate contacts: a Security contact is set (aws account get-alternate-contact)."),
    ("1.3", "Ensure security questions are registered in the AWS account", IAM,
     "As root, Billing console > Account: the security challenge questions are answered and stored safely."),
    ("1.21", "Ensure IAM users are managed centrally via identity federation or AWS Organizations for multi-account "
     "environments", IAM, "Review that people sign in through an identity provider or IAM Identity Center, not IAM users."),
    ("2.1.4", "Ensure all data in Amazon S3 has been discovered, classified and secured when required", STORAGE,
     "Review Amazon Macie (or an equivalent) discovery jobs and findings for every bucket holding data."),
    ("5.5", 'Ensure routing tables for VPC peering are "least access"', NETWORKING,
     "Review each route to a peering connection: it targets only the subnets that need the peer."),
)


def _register(cid: str, title: str, section: str, review: str) -> None:
    def check(snap: Snapshot) -> Iterator[Result]:
        yield Result(f"arn:aws:iam::{snap.account}:root", Status.MANUAL, f"CIS marks {cid} Manual: {review}")
    check.__name__ = f"manual_{cid.replace('.', '_')}"
    control(cid, title, section, Severity.LOW, review, needs=(), level=2 if cid in ("1.21", "2.1.4", "5.5") else 1,
            assessment="Manual")(check)


for _cid, _title, _section, _review in MANUAL:
    _register(_cid, _title, _section, _review)
