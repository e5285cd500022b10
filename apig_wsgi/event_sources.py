"""What each non-HTTP event source looks like: how to recognise it, how to
name its records, and the filters that routes may use on it.

The shapes are those AWS documents for Lambda event sources:
https://docs.aws.amazon.com/lambda/latest/dg/lambda-services.html
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from typing import Callable

    Filter = Callable[[Any, str], bool]

SQS = "sqs"
SNS = "sns"
S3 = "s3"
DYNAMODB = "dynamodb"
KINESIS = "kinesis"
EVENTBRIDGE = "eventbridge"
SCHEDULE = "schedule"
INVOKE = "invoke"

#: Every source a route can be registered for.
SOURCES: tuple[str, ...] = (
    SQS,
    SNS,
    S3,
    DYNAMODB,
    KINESIS,
    EVENTBRIDGE,
    SCHEDULE,
    INVOKE,
)

#: Sources whose events carry a batch of records, one handler call per record.
RECORD_SOURCES = frozenset({SQS, SNS, S3, DYNAMODB, KINESIS})

#: Record sources whose event source mapping accepts ``batchItemFailures``.
BATCH_SOURCES = frozenset({SQS, DYNAMODB, KINESIS})

#: Batch sources that retry from the first failed record onwards, in order.
STREAM_SOURCES = frozenset({DYNAMODB, KINESIS})

LABELS = {
    SQS: "SQS",
    SNS: "SNS",
    S3: "S3",
    DYNAMODB: "DynamoDB stream",
    KINESIS: "Kinesis",
    EVENTBRIDGE: "EventBridge",
    SCHEDULE: "scheduled EventBridge",
    INVOKE: "direct invocation",
}

# SNS spells the key with a capital E; the others do not.
_EVENT_SOURCE_VALUES = {
    "aws:sqs": SQS,
    "aws:sns": SNS,
    "aws:s3": S3,
    "aws:dynamodb": DYNAMODB,
    "aws:kinesis": KINESIS,
}


def detect_source(event: object) -> str:
    """Name the source of a non-HTTP event; anything unrecognised is ``invoke``."""
    if not isinstance(event, dict):
        return INVOKE
    records = event.get("Records")
    if isinstance(records, list) and records and isinstance(records[0], dict):
        first = records[0]
        origin = first.get("eventSource", first.get("EventSource"))
        source = _EVENT_SOURCE_VALUES.get(origin)  # type: ignore[arg-type]
        if source is not None:
            return source
    if "detail-type" in event and "source" in event and "detail" in event:
        return EVENTBRIDGE
    return INVOKE


def is_scheduled(event: dict[str, Any]) -> bool:
    """True for the events of an EventBridge rule with a schedule expression."""
    return event.get("source") == "aws.events" and (
        event.get("detail-type") == "Scheduled Event"
    )


def record_id(source: str, record: dict[str, Any]) -> str:
    """The identifier Lambda expects in ``batchItemFailures`` for ``record``."""
    if source == SQS:
        value = record["messageId"]
    elif source == KINESIS:
        value = record["kinesis"]["sequenceNumber"]
    else:
        value = record["dynamodb"]["SequenceNumber"]
    if not isinstance(value, str) or not value:
        raise TypeError(f"expected a non-empty string identifier, got {value!r}")
    return value


def describe_record(source: str, record: dict[str, Any]) -> str:
    """A short name for a record in log messages."""
    if source in BATCH_SOURCES:
        return f"{LABELS[source]} record {record_id(source, record)!r}"
    if source == SNS:
        return f"SNS message {record['Sns']['MessageId']!r}"
    return f"S3 record for {record['s3']['object']['key']!r}"


def _arn_resource(arn: object) -> str:
    # arn:aws:service:region:account:resource
    if not isinstance(arn, str) or arn.count(":") < 5:
        raise ValueError(f"{arn!r} is not an ARN")
    return arn.split(":", 5)[5]


def _queue_name(record: dict[str, Any]) -> str:
    return _arn_resource(record["eventSourceARN"])


def _topic_name(record: dict[str, Any]) -> str:
    return _arn_resource(record["Sns"]["TopicArn"])


def _stream_name(record: dict[str, Any]) -> str:
    # stream/<name> for Kinesis, table/<name>/stream/<label> for DynamoDB.
    parts = _arn_resource(record["eventSourceARN"]).split("/")
    if len(parts) < 2:
        raise ValueError(f"{record['eventSourceARN']!r} names no stream or table")
    return parts[1]


def _rule_names(event: dict[str, Any]) -> list[str]:
    resources = event.get("resources") or []
    if not isinstance(resources, list):
        raise TypeError(f"resources must be a list, got {resources!r}")
    return [
        # rule/<name>, or rule/<bus>/<name> on a custom event bus
        _arn_resource(arn).rsplit("/", 1)[-1]
        for arn in resources
        if _arn_resource(arn).startswith("rule/")
    ]


FILTERS: dict[str, dict[str, Filter]] = {
    SQS: {"queue": lambda record, name: _queue_name(record) == name},
    SNS: {"topic": lambda record, name: _topic_name(record) == name},
    S3: {
        "bucket": lambda record, name: record["s3"]["bucket"]["name"] == name,
        # A prefix of eventName, e.g. "ObjectCreated" or "ObjectRemoved:Delete".
        "event": lambda record, prefix: str(record["eventName"]).startswith(prefix),
    },
    DYNAMODB: {"table": lambda record, name: _stream_name(record) == name},
    KINESIS: {"stream": lambda record, name: _stream_name(record) == name},
    EVENTBRIDGE: {
        "source": lambda event, value: event["source"] == value,
        "detail_type": lambda event, value: event["detail-type"] == value,
    },
    SCHEDULE: {"rule": lambda event, name: name in _rule_names(event)},
    INVOKE: {"key": lambda event, key: isinstance(event, dict) and key in event},
}
