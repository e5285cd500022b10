from __future__ import annotations

import copy
from typing import Any

import pytest

from apig_wsgi.event_sources import FILTERS
from apig_wsgi.event_sources import describe_record
from apig_wsgi.event_sources import detect_source
from apig_wsgi.event_sources import is_scheduled
from apig_wsgi.event_sources import record_id
from tests.utils import load_event
from tests.utils import load_other_event

SCHEDULED: dict[str, Any] = {
    "version": "0",
    "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": "123456789012",
    "time": "2019-10-08T16:53:06Z",
    "region": "us-east-1",
    "resources": ["arn:aws:events:us-east-1:123456789012:rule/nightly"],
    "detail": {},
}


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("powertools-python/sqsEvent.json", "sqs"),
        ("powertools-python/snsEvent.json", "sns"),
        ("powertools-python/s3Event.json", "s3"),
        ("powertools-python/dynamoStreamEvent.json", "dynamodb"),
        ("powertools-python/kinesisStreamEvent.json", "kinesis"),
        ("powertools-python/eventBridgeEvent.json", "eventbridge"),
    ],
)
def test_detect_source_of_sample(sample: str, expected: str) -> None:
    assert detect_source(load_other_event(sample)) == expected


def test_detect_source_scheduled_event_is_eventbridge() -> None:
    assert detect_source(SCHEDULED) == "eventbridge"
    assert is_scheduled(SCHEDULED) is True


def test_is_scheduled_false_for_other_eventbridge_events() -> None:
    assert (
        is_scheduled(load_other_event("powertools-python/eventBridgeEvent.json"))
        is False
    )


@pytest.mark.parametrize(
    "event",
    [
        {"manage": ["migrate"]},
        {"Records": []},
        {"Records": ["not a record"]},
        {"Records": [{"eventSource": "aws:ses"}]},
        {"source": "aws.events", "detail-type": "Scheduled Event"},
        "a string payload",
        None,
        [1, 2],
    ],
)
def test_detect_source_anything_else_is_invoke(event: Any) -> None:
    assert detect_source(event) == "invoke"


def test_detect_source_http_sample_is_not_an_aws_source() -> None:
    # HTTP events never reach the router; if one did, it is a plain payload.
    assert detect_source(load_event("powertools-python/albEvent.json")) == "invoke"


def test_record_id_per_batch_source() -> None:
    sqs = load_other_event("powertools-python/sqsEvent.json")["Records"][0]
    kinesis = load_other_event("powertools-python/kinesisStreamEvent.json")["Records"][
        0
    ]
    dynamodb = load_other_event("powertools-python/dynamoStreamEvent.json")["Records"][
        1
    ]
    assert (
        record_id("sqs", sqs),
        record_id("kinesis", kinesis),
        record_id("dynamodb", dynamodb),
    ) == (
        "059f36b4-87a3-44ab-83d2-661975830a7d",
        "49590338271490256608559692538361571095921575989136588898",
        "222",
    )


@pytest.mark.parametrize("value", ["", 7, None])
def test_record_id_must_be_a_non_empty_string(value: Any) -> None:
    with pytest.raises(TypeError) as excinfo:
        record_id("sqs", {"messageId": value})
    assert str(excinfo.value) == (
        f"expected a non-empty string identifier, got {value!r}"
    )


def test_describe_record_per_source() -> None:
    sns = load_other_event("powertools-python/snsEvent.json")["Records"][0]
    s3 = load_other_event("powertools-python/s3Event.json")["Records"][0]
    sqs = load_other_event("powertools-python/sqsEvent.json")["Records"][1]
    assert [
        describe_record("sns", sns),
        describe_record("s3", s3),
        describe_record("sqs", sqs),
    ] == [
        "SNS message '95df01b4-ee98-5cb9-9903-4c221d41eb5e'",
        "S3 record for 'b21b84d653bb07b05b1e6b33684dc11b'",
        "SQS record '2e1424d4-f796-459a-8184-9c92662be6da'",
    ]


class TestFilters:
    def test_queue_is_the_last_part_of_the_arn(self) -> None:
        record = load_other_event("powertools-python/sqsEvent.json")["Records"][0]
        assert FILTERS["sqs"]["queue"](record, "my-queue") is True
        assert FILTERS["sqs"]["queue"](record, "other") is False

    def test_topic(self) -> None:
        record = load_other_event("powertools-python/snsEvent.json")["Records"][0]
        assert FILTERS["sns"]["topic"](record, "sns-lambda") is True

    def test_s3_bucket_and_event_prefix(self) -> None:
        record = load_other_event("powertools-python/s3Event.json")["Records"][0]
        bucket = "lambda-artifacts-deafc19498e3f2df"
        assert FILTERS["s3"]["bucket"](record, bucket) is True
        assert FILTERS["s3"]["event"](record, "ObjectCreated") is True
        assert FILTERS["s3"]["event"](record, "ObjectRemoved") is False

    def test_kinesis_stream(self) -> None:
        record = load_other_event("powertools-python/kinesisStreamEvent.json")[
            "Records"
        ][0]
        assert FILTERS["kinesis"]["stream"](record, "lambda-stream") is True

    def test_dynamodb_table(self) -> None:
        record = load_other_event("powertools-python/dynamoStreamEvent.json")[
            "Records"
        ][0]
        record["eventSourceARN"] = (
            "arn:aws:dynamodb:us-east-1:123456789012:table/Orders/stream/"
            "2016-12-01T00:00:00.000"
        )
        assert FILTERS["dynamodb"]["table"](record, "Orders") is True

    def test_dynamodb_placeholder_arn_is_malformed(self) -> None:
        record = load_other_event("powertools-python/dynamoStreamEvent.json")[
            "Records"
        ][0]
        with pytest.raises(ValueError) as excinfo:
            FILTERS["dynamodb"]["table"](record, "Orders")
        assert str(excinfo.value) == "'eventsource_arn' is not an ARN"

    def test_stream_arn_without_a_name_is_malformed(self) -> None:
        record = {"eventSourceARN": "arn:aws:kinesis:us-east-2:123456789012:stream"}
        with pytest.raises(ValueError) as excinfo:
            FILTERS["kinesis"]["stream"](record, "clicks")
        assert str(excinfo.value) == (
            "'arn:aws:kinesis:us-east-2:123456789012:stream' names no stream or table"
        )

    def test_eventbridge_source_and_detail_type(self) -> None:
        event = load_other_event("powertools-python/eventBridgeEvent.json")
        assert FILTERS["eventbridge"]["source"](event, "aws.ec2") is True
        detail_type = "EC2 Instance State-change Notification"
        assert FILTERS["eventbridge"]["detail_type"](event, detail_type) is True

    def test_schedule_rule_on_default_and_custom_bus(self) -> None:
        event = copy.deepcopy(SCHEDULED)
        event["resources"].append(
            "arn:aws:events:us-east-1:123456789012:rule/my-bus/weekly"
        )
        assert FILTERS["schedule"]["rule"](event, "nightly") is True
        assert FILTERS["schedule"]["rule"](event, "weekly") is True
        assert FILTERS["schedule"]["rule"](event, "my-bus") is False

    def test_schedule_rule_ignores_other_resources_and_null(self) -> None:
        event = {**SCHEDULED, "resources": None}
        assert FILTERS["schedule"]["rule"](event, "nightly") is False
        event["resources"] = ["arn:aws:ec2:us-west-1:123456789012:instance/i-1"]
        assert FILTERS["schedule"]["rule"](event, "nightly") is False

    def test_schedule_resources_must_be_a_list(self) -> None:
        with pytest.raises(TypeError) as excinfo:
            FILTERS["schedule"]["rule"]({**SCHEDULED, "resources": "x"}, "nightly")
        assert str(excinfo.value) == "resources must be a list, got 'x'"

    def test_invoke_key(self) -> None:
        assert FILTERS["invoke"]["key"]({"manage": []}, "manage") is True
        assert FILTERS["invoke"]["key"](["manage"], "manage") is False
