"""Turn messages received from SQS into the event Lambda sends for them.

With moto, or a real queue, a test can enqueue, receive the messages with
``receive_message(..., MessageSystemAttributeNames=["All"],
MessageAttributeNames=["All"])`` and send ``sqs_event(messages, queue_arn)``
through the Lambda handler, as the event source mapping would.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable
    from collections.abc import Mapping
    from typing import Any


def sqs_event(messages: Iterable[Mapping[str, Any]], queue_arn: str) -> dict[str, Any]:
    """The Lambda event for ``messages`` (boto3's ``receive_message`` shape)."""
    region = queue_arn.split(":")[3]
    return {"Records": [sqs_record(m, queue_arn, region) for m in messages]}


def sqs_record(
    message: Mapping[str, Any], queue_arn: str, region: str
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": dict(message.get("Attributes", {})),
        "messageAttributes": {
            name: _attribute(value)
            for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
    if "MD5OfMessageAttributes" in message:
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def _attribute(value: Mapping[str, Any]) -> dict[str, Any]:
    # Lambda writes binary values as base64 and camel-cases the keys.
    attribute: dict[str, Any] = {
        "stringListValues": list(value.get("StringListValues", [])),
        "binaryListValues": [_b64(v) for v in value.get("BinaryListValues", [])],
        "dataType": value["DataType"],
    }
    if "StringValue" in value:
        attribute["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        attribute["binaryValue"] = _b64(value["BinaryValue"])
    return attribute


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
