"""The Transport interface on real SQS through boto3 (tested against moto's `mock_aws`).

SQS itself holds the messages, hands out receipt handles, counts receives and moves a message
to the dead-letter queue through the queue's RedrivePolicy. Only one thing is bridged: the
simulation runs on a virtual clock, so a received message is hidden for a long *real*
visibility timeout and this adapter makes it visible again (ChangeMessageVisibility 0) when the
*simulated* timeout expires. Per-message send delays are not used on this transport.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .clock import VirtualClock
from .transport import Delivery

_REAL_VISIBILITY_SECONDS = 3600
_TRACE_HEADER = "AWSTraceHeader"  # an SQS *system* attribute, as Lambda and X-Ray use it


class SqsTransport:
    """boto3 SQS client behind the Transport interface; queue names get a prefix."""

    def __init__(self, clock: VirtualClock, client: Any, prefix: str = "saga") -> None:
        self._clock = clock
        self._sqs = client
        self._prefix = prefix
        self._urls: dict[str, str] = {}
        self._visible: dict[str, int] = {}
        """Messages believed visible per queue; corrected whenever a receive comes back short."""
        self._in_flight: dict[str, dict[str, float]] = {}
        """queue -> receipt -> simulated time its visibility timeout expires."""

    def create_queue(self, name: str, max_receive_count: int) -> None:
        dlq_url = self._sqs.create_queue(QueueName=f"{self._prefix}-{name}-dlq")["QueueUrl"]
        dlq_arn = self._sqs.get_queue_attributes(
            QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        policy = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receive_count)}
        url = self._sqs.create_queue(QueueName=f"{self._prefix}-{name}",
                                     Attributes={"RedrivePolicy": json.dumps(policy)})["QueueUrl"]
        self._urls[name] = url
        self._urls[f"{name}-dlq"] = dlq_url
        self._visible[name] = 0
        self._in_flight[name] = {}

    def send(self, queue: str, body: str, attributes: dict[str, str], delay: float = 0.0) -> str:
        plain = {k: {"DataType": "String", "StringValue": v}
                 for k, v in attributes.items() if k != _TRACE_HEADER}
        kwargs: dict[str, Any] = {"QueueUrl": self._urls[queue], "MessageBody": body,
                                  "MessageAttributes": plain}
        if _TRACE_HEADER in attributes:
            kwargs["MessageSystemAttributes"] = {
                _TRACE_HEADER: {"DataType": "String", "StringValue": attributes[_TRACE_HEADER]}}
        message_id: str = self._sqs.send_message(**kwargs)["MessageId"]
        self._visible[queue] += 1
        return message_id

    def receive(self, queue: str, max_messages: int, visibility_timeout: float) -> list[Delivery]:
        self._release_expired(queue)
        if self._visible[queue] <= 0:
            return []
        wanted = min(max_messages, 10)
        raw = self._sqs.receive_message(
            QueueUrl=self._urls[queue], MaxNumberOfMessages=wanted, WaitTimeSeconds=0,
            VisibilityTimeout=_REAL_VISIBILITY_SECONDS, MessageAttributeNames=["All"],
            MessageSystemAttributeNames=["All"]).get("Messages", [])
        # A short answer means nothing else is visible (some may have gone to the DLQ).
        self._visible[queue] = 0 if len(raw) < wanted else self._visible[queue] - len(raw)
        deadline = self._clock.now + visibility_timeout
        out = []
        for m in raw:
            attrs = {k: v["StringValue"] for k, v in m.get("MessageAttributes", {}).items()}
            system = m.get("Attributes", {})
            if _TRACE_HEADER in system:
                attrs[_TRACE_HEADER] = system[_TRACE_HEADER]
            self._in_flight[queue][m["ReceiptHandle"]] = deadline
            out.append(Delivery(queue, m["MessageId"], m["ReceiptHandle"], m["Body"], attrs,
                                int(system.get("ApproximateReceiveCount", "1"))))
        return out

    def delete(self, queue: str, receipt: str) -> None:
        if self._in_flight[queue].pop(receipt, None) is not None:
            self._sqs.delete_message(QueueUrl=self._urls[queue], ReceiptHandle=receipt)

    def change_visibility(self, queue: str, receipt: str, timeout: float) -> None:
        if receipt in self._in_flight[queue]:
            self._in_flight[queue][receipt] = self._clock.now + timeout

    def next_ready(self, queue: str) -> float | None:
        if self._visible[queue] > 0:
            return self._clock.now
        return min(self._in_flight[queue].values(), default=None)

    def dead_letters(self, queue: str) -> list[Delivery]:
        url = self._urls[f"{queue}-dlq"]
        seen: dict[str, Delivery] = {}
        while True:  # hide what we have read so the next receive returns the rest, then un-hide all
            raw = self._sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60,
                                            MessageSystemAttributeNames=["All"]).get("Messages", [])
            if not raw:
                break
            for m in raw:
                seen[m["MessageId"]] = Delivery(f"{queue}-dlq", m["MessageId"], m["ReceiptHandle"], m["Body"],
                                                {}, int(m["Attributes"]["ApproximateReceiveCount"]) - 1)
        for d in seen.values():
            self._sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=d.receipt, VisibilityTimeout=0)
        return list(seen.values())

    def depth(self, queue: str) -> int:
        attrs = self._sqs.get_queue_attributes(
            QueueUrl=self._urls[queue],
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
        return int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"])

    def _release_expired(self, queue: str) -> None:
        """Make messages whose simulated visibility timeout has passed visible again in SQS."""
        now = self._clock.now
        expired = [r for r, t in self._in_flight[queue].items() if t <= now]
        for receipt in expired:
            del self._in_flight[queue][receipt]
            self._sqs.change_message_visibility(QueueUrl=self._urls[queue], ReceiptHandle=receipt,
                                                VisibilityTimeout=0)
            self._visible[queue] += 1


@contextmanager
def moto_sqs_client(region: str = "us-east-1") -> Iterator[Any]:
    """A boto3 SQS client against moto's in-process SQS (no network, fake credentials)."""
    import boto3
    from moto import mock_aws

    fake = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": region}
    saved = {k: os.environ.get(k) for k in fake}
    os.environ.update(fake)
    try:
        with mock_aws():
            yield boto3.client("sqs", region_name=region)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
