"""moto's AWS, the TASKS setting, and an SQS event source mapping played by hand."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from django.tasks import TaskResult
from django.tasks import task_backends
from django.tasks.signals import task_enqueued
from django.tasks.signals import task_finished
from django.tasks.signals import task_started
from django.test import override_settings
from moto import mock_aws

from apig_wsgi.contrib.django.handler import build_lambda_handler
from apig_wsgi.testing import LambdaContext
from apig_wsgi.testing.sqs import sqs_event

REGION = "us-east-1"
QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/tasks"
QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:tasks"
DLQ_ARN = "arn:aws:sqs:us-east-1:123456789012:tasks-dlq"
FUNCTION_NAME = "apig-wsgi-tests"

TASKS: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "apig_wsgi.contrib.django.tasks.SQSBackend",
        "OPTIONS": {"QUEUE_URL": QUEUE_URL, "CLIENT_OPTIONS": {"region_name": REGION}},
    },
    "lambda": {
        "BACKEND": "apig_wsgi.contrib.django.tasks.LambdaBackend",
        "OPTIONS": {
            "FUNCTION_NAME": FUNCTION_NAME,
            "CLIENT_OPTIONS": {"region_name": REGION},
        },
    },
    "immediate": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"},
}


@pytest.fixture(autouse=True)
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    with mock_aws(), override_settings(TASKS=TASKS):
        yield


@pytest.fixture
def sqs() -> Any:
    """moto's SQS with the tasks queue, whose messages go to a dead-letter
    queue after two failed deliveries."""
    client = boto3.client("sqs", region_name=REGION)
    client.create_queue(QueueName="tasks-dlq")
    client.create_queue(
        QueueName="tasks",
        Attributes={
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": DLQ_ARN, "maxReceiveCount": "2"}
            )
        },
    )
    return client


@pytest.fixture
def signals() -> Iterator[list[tuple[str, TaskResult[..., Any]]]]:
    """Each task signal sent, with a snapshot of the result's status."""
    sent: list[tuple[str, TaskResult[..., Any]]] = []

    def receiver(name: str) -> Any:
        def record(
            sender: type, task_result: TaskResult[..., Any], **kwargs: Any
        ) -> None:
            sent.append((f"{name}:{sender.__name__}:{task_result.status}", task_result))

        return record

    receivers = {
        task_enqueued: receiver("enqueued"),
        task_started: receiver("started"),
        task_finished: receiver("finished"),
    }
    for signal, function in receivers.items():
        signal.connect(function)
    yield sent
    for signal, function in receivers.items():
        signal.disconnect(function)


class EventSourceMapping:
    """Plays Lambda's SQS event source mapping with ReportBatchItemFailures:
    receive a batch, invoke the handler, delete what did not fail."""

    def __init__(self, sqs: Any) -> None:
        self.sqs = sqs
        self.handler = build_lambda_handler()

    def receive(self, queue_url: str = QUEUE_URL) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = self.sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        return messages

    def deliver(self) -> tuple[Any, list[dict[str, Any]]]:
        """Run one batch; return the handler's result and the messages sent."""
        messages = self.receive()
        result = self.handler(sqs_event(messages, QUEUE_ARN), LambdaContext())
        failed = {item["itemIdentifier"] for item in result["batchItemFailures"]}
        for message in messages:
            if message["MessageId"] in failed:
                # As if the visibility timeout had passed.
                self.sqs.change_message_visibility(
                    QueueUrl=QUEUE_URL,
                    ReceiptHandle=message["ReceiptHandle"],
                    VisibilityTimeout=0,
                )
            else:
                self.sqs.delete_message(
                    QueueUrl=QUEUE_URL, ReceiptHandle=message["ReceiptHandle"]
                )
        return result, messages


@pytest.fixture
def mapping(sqs: Any) -> EventSourceMapping:
    return EventSourceMapping(sqs)


def body(message: dict[str, Any]) -> Any:
    return json.loads(message["Body"])


def backend(alias: str) -> Any:
    return task_backends[alias]
