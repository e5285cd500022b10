from __future__ import annotations

from typing import Any

from apig_wsgi.testing.sqs import sqs_event

QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:tasks"


def test_received_messages_become_the_lambda_event() -> None:
    # The shape boto3's receive_message() returns with every attribute asked for.
    received: list[dict[str, Any]] = [
        {
            "MessageId": "m-1",
            "ReceiptHandle": "handle-1",
            "MD5OfBody": "d41d8cd98f00b204e9800998ecf8427e",
            "Body": '{"a": 1}',
            "Attributes": {"ApproximateReceiveCount": "2", "SentTimestamp": "1"},
            "MD5OfMessageAttributes": "582c92c5c5b6ac403040a4f3ab3115c9",
            "MessageAttributes": {
                "kind": {"StringValue": "order", "DataType": "String"},
                "blob": {"BinaryValue": b"\x00\x01", "DataType": "Binary"},
                "list": {
                    "StringListValues": ["x"],
                    "BinaryListValues": [b"y"],
                    "DataType": "String",
                },
            },
        },
        {
            "MessageId": "m-2",
            "ReceiptHandle": "handle-2",
            "MD5OfBody": "0cc175b9c0f1b6a831c399e269772661",
            "Body": "a",
        },
    ]

    assert sqs_event(received, QUEUE_ARN) == {
        "Records": [
            {
                "messageId": "m-1",
                "receiptHandle": "handle-1",
                "body": '{"a": 1}',
                "attributes": {"ApproximateReceiveCount": "2", "SentTimestamp": "1"},
                "messageAttributes": {
                    "kind": {
                        "stringValue": "order",
                        "stringListValues": [],
                        "binaryListValues": [],
                        "dataType": "String",
                    },
                    "blob": {
                        "binaryValue": "AAE=",
                        "stringListValues": [],
                        "binaryListValues": [],
                        "dataType": "Binary",
                    },
                    "list": {
                        "stringListValues": ["x"],
                        "binaryListValues": ["eQ=="],
                        "dataType": "String",
                    },
                },
                "md5OfBody": "d41d8cd98f00b204e9800998ecf8427e",
                "md5OfMessageAttributes": "582c92c5c5b6ac403040a4f3ab3115c9",
                "eventSource": "aws:sqs",
                "eventSourceARN": QUEUE_ARN,
                "awsRegion": "eu-west-1",
            },
            {
                "messageId": "m-2",
                "receiptHandle": "handle-2",
                "body": "a",
                "attributes": {},
                "messageAttributes": {},
                "md5OfBody": "0cc175b9c0f1b6a831c399e269772661",
                "eventSource": "aws:sqs",
                "eventSourceARN": QUEUE_ARN,
                "awsRegion": "eu-west-1",
            },
        ]
    }
