from __future__ import annotations

import copy
import logging
import subprocess
import sys
from typing import Any

import pytest

from apig_wsgi import InvalidEventError
from apig_wsgi import make_lambda_handler
from apig_wsgi.options import OptionProblem
from apig_wsgi.routing import EventRouter
from apig_wsgi.routing import RecordFailedError
from apig_wsgi.routing import RecordsFailedError
from apig_wsgi.routing import Route
from apig_wsgi.routing import UnroutedEventError
from apig_wsgi.routing import find_event_handler_problems
from apig_wsgi.routing import router_from_setting
from tests.test_event_sources import SCHEDULED
from tests.utils import FakeContext
from tests.utils import load_event
from tests.utils import load_other_event
from tests.utils import validated_echo_app

SQS_IDS = [
    "059f36b4-87a3-44ab-83d2-661975830a7d",
    "2e1424d4-f796-459a-8184-9c92662be6da",
]
KINESIS_IDS = [
    "49590338271490256608559692538361571095921575989136588898",
    "49590338271490256608559692540925702759324208523137515618",
]


def sqs_event(bodies: list[str], queue: str = "my-queue") -> dict[str, Any]:
    """The corpus SQS event with one record per body, from ``queue``."""
    sample = load_other_event("powertools-python/sqsEvent.json")
    records = []
    for index, body in enumerate(bodies):
        record = copy.deepcopy(sample["Records"][index % 2])
        record["messageId"] = f"message-{index}"
        record["body"] = body
        record["eventSourceARN"] = f"arn:aws:sqs:us-east-2:123456789012:{queue}"
        records.append(record)
    return {"Records": records}


def fail_on(word: str) -> Any:
    seen: list[str] = []

    def handle(record: dict[str, Any], context: Any) -> None:
        seen.append(record["body"])
        if record["body"] == word:
            raise ValueError(f"cannot handle {word}")

    handle.seen = seen  # type: ignore[attr-defined]
    return handle


def messages(caplog: pytest.LogCaptureFixture) -> list[tuple[int, str, bool]]:
    """(level, message, has traceback) of each apig_wsgi log record."""
    return [
        (record.levelno, record.getMessage(), record.exc_info is not None)
        for record in caplog.records
        if record.name == "apig_wsgi.routing"
    ]


class TestRegistration:
    def test_decorators_return_the_function_and_add_routes_in_order(self) -> None:
        router = EventRouter()

        def handle(item: Any, context: Any) -> None:
            pass

        decorated = [
            router.sqs(queue="orders")(handle),
            router.sns(topic="alerts")(handle),
            router.s3(bucket="uploads", event="ObjectCreated")(handle),
            router.dynamodb(table="Orders")(handle),
            router.kinesis(stream="clicks")(handle),
            router.eventbridge(source="aws.ec2", detail_type="X")(handle),
            router.schedule(rule="nightly")(handle),
            router.invoke(key="manage")(handle),
            router.invoke()(handle),
        ]

        assert decorated == [handle] * 9
        assert [repr(route) for route in router.routes] == [
            "Route('sqs', TestRegistration.test_decorators_return_the_function_and_"
            "add_routes_in_order.<locals>.handle, queue='orders')",
            *[
                f"Route({source!r}, {handle.__qualname__}, {filters})"
                for source, filters in [
                    ("sns", "topic='alerts'"),
                    ("s3", "bucket='uploads', event='ObjectCreated'"),
                    ("dynamodb", "table='Orders'"),
                    ("kinesis", "stream='clicks'"),
                    ("eventbridge", "source='aws.ec2', detail_type='X'"),
                    ("schedule", "rule='nightly'"),
                    ("invoke", "key='manage'"),
                ]
            ],
            f"Route('invoke', {handle.__qualname__})",
        ]

    def test_route_repr_shows_match(self) -> None:
        route = Route("sqs", print, {}, match=bool)
        assert repr(route) == "Route('sqs', print, match=...)"

    @pytest.mark.parametrize(
        ("source", "handler", "filters", "kind", "message"),
        [
            (
                "ses",
                print,
                {},
                ValueError,
                "Unknown event source 'ses'. Use one of: sqs, sns, s3, dynamodb, "
                "kinesis, eventbridge, schedule, invoke.",
            ),
            (
                "sqs",
                "not callable",
                {},
                TypeError,
                "The handler for sqs events must be callable, not 'not callable'. "
                "Pass a function taking (record or event, context).",
            ),
            (
                "sqs",
                print,
                {"topic": "alerts"},
                TypeError,
                "Unknown filter 'topic' for sqs events. sqs events can be filtered "
                "by: queue.",
            ),
            (
                "sqs",
                print,
                {"queue": ""},
                TypeError,
                "The queue filter for sqs events must be a non-empty string, not ''. "
                'Write it as a name, e.g. queue="orders".',
            ),
        ],
    )
    def test_add_refuses_bad_routes(
        self,
        source: str,
        handler: Any,
        filters: dict[str, Any],
        kind: type[Exception],
        message: str,
    ) -> None:
        with pytest.raises(kind) as excinfo:
            EventRouter().add(source, handler, **filters)
        assert str(excinfo.value) == message

    def test_add_refuses_match_that_is_not_callable(self) -> None:
        with pytest.raises(TypeError) as excinfo:
            EventRouter().sqs(match="yes")(print)  # type: ignore[arg-type]
        assert str(excinfo.value) == "match must be callable, not 'yes'."

    def test_include_appends_the_other_routers_routes(self) -> None:
        first = EventRouter()
        second = EventRouter()
        first.invoke(key="a")(print)
        second.invoke(key="b")(print)

        first.include(second)

        assert [route.filters for route in first.routes] == [{"key": "a"}, {"key": "b"}]


class TestSqs:
    def test_every_record_is_handled_and_no_failures_reported(self) -> None:
        router = EventRouter()
        calls: list[tuple[str, Any]] = []

        @router.sqs()
        def handle(record: dict[str, Any], context: Any) -> None:
            calls.append((record["messageId"], context))

        context = FakeContext()
        event = load_other_event("powertools-python/sqsEvent.json")

        assert router(event, context) == {"batchItemFailures": []}
        assert calls == [(SQS_IDS[0], context), (SQS_IDS[1], context)]

    def test_mixed_batch_reports_only_the_failed_record(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        router = EventRouter()
        handle = router.sqs()(fail_on("b"))

        result = router(sqs_event(["a", "b", "c"]), None)

        assert result == {"batchItemFailures": [{"itemIdentifier": "message-1"}]}
        assert handle.seen == ["a", "b", "c"]
        assert messages(caplog) == [
            (logging.ERROR, "SQS record 'message-1' failed.", True)
        ]
        assert str(caplog.records[0].exc_info[1]) == "cannot handle b"  # type: ignore[index]

    def test_record_failed_error_is_logged_without_traceback(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        router = EventRouter()

        @router.sqs()
        def handle(record: dict[str, Any], context: Any) -> None:
            raise RecordFailedError("the order is not paid yet")

        result = router(sqs_event(["a"]), None)

        assert result == {"batchItemFailures": [{"itemIdentifier": "message-0"}]}
        assert messages(caplog) == [
            (
                logging.ERROR,
                "SQS record 'message-0' failed: the order is not paid yet",
                False,
            )
        ]

    def test_queue_filter_and_first_match_wins(self) -> None:
        router = EventRouter()
        calls: list[str] = []
        router.sqs(queue="orders")(lambda record, context: calls.append("orders"))
        router.sqs()(lambda record, context: calls.append("any"))
        router.sqs(queue="orders")(lambda record, context: calls.append("never"))

        router(sqs_event(["a"], queue="orders"), None)
        router(sqs_event(["b"], queue="emails"), None)

        assert calls == ["orders", "any"]

    def test_match_predicate_picks_records(self) -> None:
        router = EventRouter()
        calls: list[tuple[str, str]] = []

        @router.sqs(match=lambda record: record["body"].startswith("{"))
        def handle_json(record: dict[str, Any], context: Any) -> None:
            calls.append(("json", record["body"]))

        @router.sqs()
        def handle_text(record: dict[str, Any], context: Any) -> None:
            calls.append(("text", record["body"]))

        router(load_other_event("powertools-python/sqsEvent.json"), None)

        assert calls == [("text", "Test message."), ("json", '{"message": "foo1"}')]

    def test_unrouted_record_is_reported_as_failed(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        router = EventRouter()
        router.sqs(queue="orders")(print)

        result = router(sqs_event(["a"], queue="emails"), None)

        assert result == {"batchItemFailures": [{"itemIdentifier": "message-0"}]}
        assert messages(caplog) == [
            (
                logging.ERROR,
                "No handler for the SQS record 'message-0', which is reported as "
                "failed: register one with router.sqs().",
                False,
            )
        ]

    def test_record_without_arn_is_malformed_when_a_filter_needs_it(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        router = EventRouter()
        router.sqs(queue="orders")(print)
        event = sqs_event(["a"])
        del event["Records"][0]["eventSourceARN"]

        result = router(event, None)

        assert result == {"batchItemFailures": [{"itemIdentifier": "message-0"}]}
        assert messages(caplog) == [
            (
                logging.ERROR,
                "Malformed SQS record 'message-0': missing key 'eventSourceARN'.",
                False,
            )
        ]

    def test_record_without_message_id_fails_the_event_before_any_handler(
        self,
    ) -> None:
        router = EventRouter()
        handle = router.sqs()(fail_on("never"))
        event = sqs_event(["a", "b"])
        del event["Records"][1]["messageId"]

        with pytest.raises(InvalidEventError) as excinfo:
            router(event, None)

        assert str(excinfo.value) == (
            "Malformed SQS event: record 1 has no usable identifier (missing key "
            "'messageId')."
        )
        assert handle.seen == []

    def test_fifo_queue_stops_at_the_first_failure_and_returns_the_rest(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        router = EventRouter()
        handle = router.sqs()(fail_on("b"))

        result = router(sqs_event(["a", "b", "c", "d"], queue="orders.fifo"), None)

        assert result == {
            "batchItemFailures": [
                {"itemIdentifier": "message-1"},
                {"itemIdentifier": "message-2"},
                {"itemIdentifier": "message-3"},
            ]
        }
        assert handle.seen == ["a", "b"]
        assert messages(caplog) == [
            (logging.ERROR, "SQS record 'message-1' failed.", True),
            (
                logging.WARNING,
                "2 later message(s) of the FIFO queue were not processed, to keep "
                "their order; they are reported in batchItemFailures.",
                False,
            ),
        ]

    def test_fifo_queue_failure_of_the_last_record_logs_no_warning(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        router = EventRouter()
        router.sqs()(fail_on("b"))

        result = router(sqs_event(["a", "b"], queue="orders.fifo"), None)

        assert result == {"batchItemFailures": [{"itemIdentifier": "message-1"}]}
        assert [level for level, _, _ in messages(caplog)] == [logging.ERROR]


class TestStreams:
    def test_kinesis_stops_at_the_first_failure(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        router = EventRouter()
        seen: list[str] = []

        @router.kinesis(stream="lambda-stream")
        def handle(record: dict[str, Any], context: Any) -> None:
            seen.append(record["kinesis"]["sequenceNumber"])
            raise ValueError("bad data")

        event = load_other_event("powertools-python/kinesisStreamEvent.json")

        assert router(event, None) == {
            "batchItemFailures": [{"itemIdentifier": KINESIS_IDS[0]}]
        }
        assert seen == KINESIS_IDS[:1]
        assert messages(caplog) == [
            (logging.ERROR, f"Kinesis record {KINESIS_IDS[0]!r} failed.", True)
        ]

    def test_dynamodb_records_are_handled_in_order(self) -> None:
        router = EventRouter()
        seen: list[str] = []
        router.dynamodb()(lambda record, context: seen.append(record["eventName"]))

        event = load_other_event("powertools-python/dynamoStreamEvent.json")

        assert router(event, None) == {"batchItemFailures": []}
        assert seen == ["INSERT", "MODIFY"]

    def test_dynamodb_table_filter_on_placeholder_arn_fails_the_record(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        router = EventRouter()
        router.dynamodb(table="Orders")(print)

        event = load_other_event("powertools-python/dynamoStreamEvent.json")

        assert router(event, None) == {"batchItemFailures": [{"itemIdentifier": "111"}]}
        assert messages(caplog) == [
            (
                logging.ERROR,
                "Malformed DynamoDB stream record '111': 'eventsource_arn' is not "
                "an ARN.",
                False,
            )
        ]


class TestNotificationRecords:
    def test_sns_record_handled_and_nothing_returned(self) -> None:
        router = EventRouter()
        seen: list[str] = []
        router.sns(topic="sns-lambda")(
            lambda record, context: seen.append(record["Sns"]["Message"])
        )

        event = load_other_event("powertools-python/snsEvent.json")

        assert router(event, None) is None
        assert seen == ["Hello from SNS!"]

    def test_sns_failure_fails_the_invocation(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        router = EventRouter()

        @router.sns()
        def handle(record: dict[str, Any], context: Any) -> None:
            raise RecordFailedError("downstream is down")

        with pytest.raises(RecordsFailedError) as excinfo:
            router(load_other_event("powertools-python/snsEvent.json"), None)

        assert str(excinfo.value) == (
            "1 of 1 SNS records failed (logged above); the invocation fails so "
            "that Lambda retries the event."
        )
        assert messages(caplog) == [
            (
                logging.ERROR,
                "SNS message '95df01b4-ee98-5cb9-9903-4c221d41eb5e' failed: "
                "downstream is down",
                False,
            )
        ]

    def test_sns_record_that_is_not_an_object_is_malformed(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        router = EventRouter()
        router.sns()(print)
        event = load_other_event("powertools-python/snsEvent.json")
        event["Records"].append("not a record")

        with pytest.raises(RecordsFailedError) as excinfo:
            router(event, None)

        assert str(excinfo.value) == (
            "1 of 2 SNS records failed (logged above); the invocation fails so that "
            "Lambda retries the event."
        )

        assert messages(caplog) == [
            (
                logging.ERROR,
                "Malformed SNS record 1: expected a JSON object, got str.",
                False,
            )
        ]

    def test_s3_bucket_and_event_filters(self) -> None:
        router = EventRouter()
        calls: list[str] = []
        router.s3(event="ObjectRemoved")(lambda record, context: calls.append("gone"))
        router.s3(bucket="lambda-artifacts-deafc19498e3f2df", event="ObjectCreated")(
            lambda record, context: calls.append(record["s3"]["object"]["key"])
        )

        assert router(load_other_event("powertools-python/s3Event.json"), None) is None
        assert calls == ["b21b84d653bb07b05b1e6b33684dc11b"]


class TestEventBridge:
    def test_handler_gets_the_event_and_its_result_is_returned(self) -> None:
        router = EventRouter()
        event = load_other_event("powertools-python/eventBridgeEvent.json")

        @router.eventbridge(source="aws.ec2")
        def handle(received: dict[str, Any], context: Any) -> dict[str, Any]:
            return {"state": received["detail"]["state"], "same": received is event}

        assert router(event, None) == {"state": "terminated", "same": True}

    def test_schedule_route_matches_only_scheduled_events(self) -> None:
        router = EventRouter()
        router.schedule()(lambda event, context: "schedule")
        router.eventbridge()(lambda event, context: "eventbridge")

        assert router(SCHEDULED, None) == "schedule"
        assert (
            router(load_other_event("powertools-python/eventBridgeEvent.json"), None)
            == "eventbridge"
        )

    def test_schedule_rule_filter(self) -> None:
        router = EventRouter()
        router.schedule(rule="weekly")(lambda event, context: "weekly")
        router.schedule(rule="nightly")(lambda event, context: "nightly")

        assert router(SCHEDULED, None) == "nightly"

    def test_unrouted_eventbridge_event(self) -> None:
        router = EventRouter()
        router.schedule()(print)

        with pytest.raises(UnroutedEventError) as excinfo:
            router(load_other_event("powertools-python/eventBridgeEvent.json"), None)

        assert str(excinfo.value) == (
            "No handler for the EventBridge event from source 'aws.ec2' with "
            "detail-type 'EC2 Instance State-change Notification': register one "
            "with router.eventbridge(), or router.schedule() for scheduled events."
        )


class TestInvoke:
    def test_key_route_then_catch_all(self) -> None:
        router = EventRouter()
        router.invoke(key="manage")(lambda event, context: ("manage", event))
        router.invoke()(lambda event, context: ("any", event))

        assert router({"manage": ["check"]}, None) == ("manage", {"manage": ["check"]})
        assert router("ping", None) == ("any", "ping")

    @pytest.mark.parametrize(
        ("event", "shape"),
        [
            ({"ping": 1, "pong": 2}, "a JSON object with 'ping', 'pong'"),
            ({}, "a JSON object with no keys"),
            ([1], "a list"),
        ],
    )
    def test_unrouted_invocation(self, event: Any, shape: str) -> None:
        router = EventRouter()
        router.invoke(key="manage")(print)

        with pytest.raises(UnroutedEventError) as excinfo:
            router(event, None)

        assert str(excinfo.value) == (
            f"No handler for the direct invocation with {shape}, which is not an "
            "HTTP event either: register one with router.invoke()."
        )
        assert isinstance(excinfo.value, InvalidEventError)


class TestAsNonHttpHandler:
    def test_http_events_never_reach_the_router(self) -> None:
        router = EventRouter()
        router.invoke()(lambda event, context: "routed")
        handler = make_lambda_handler(validated_echo_app, non_http_handler=router)
        event = load_event("powertools-python/albEvent.json")

        assert handler(event, FakeContext()) == make_lambda_handler(validated_echo_app)(
            event, FakeContext()
        )

    def test_other_events_reach_the_router(self) -> None:
        router = EventRouter()
        router.invoke()(lambda event, context: "routed")
        handler = make_lambda_handler(validated_echo_app, non_http_handler=router)

        assert handler({"ping": 1}, FakeContext()) == "routed"

    def test_sqs_batch_through_the_lambda_handler(self) -> None:
        router = EventRouter()
        router.sqs()(fail_on("Test message."))
        handler = make_lambda_handler(validated_echo_app, non_http_handler=router)

        event = load_other_event("powertools-python/sqsEvent.json")

        assert handler(event, FakeContext()) == {
            "batchItemFailures": [{"itemIdentifier": SQS_IDS[0]}]
        }


def handle_orders(record: Any, context: Any) -> str:
    return "orders"


class TestSetting:
    def test_router_from_setting_imports_paths(self) -> None:
        router = router_from_setting(
            [
                {
                    "source": "sqs",
                    "queue": "orders",
                    "handler": "tests.test_routing:handle_orders",
                },
                {"source": "invoke", "handler": print},
            ]
        )
        assert [(r.source, r.handler, r.filters) for r in router.routes] == [
            ("sqs", handle_orders, {"queue": "orders"}),
            ("invoke", print, {}),
        ]

    def test_valid_setting_has_no_problems(self) -> None:
        entries = [{"source": "schedule", "rule": "nightly", "handler": print}]
        assert find_event_handler_problems(entries) == []

    def test_setting_must_be_a_list(self) -> None:
        assert find_event_handler_problems({"source": "sqs"}) == [
            OptionProblem(
                "event_handlers",
                "APIG_WSGI_EVENT_HANDLERS must be a list of dicts, not "
                "{'source': 'sqs'}.",
                'Write e.g. [{"source": "sqs", "queue": "orders", "handler": '
                '"myapp.events.handle_order"}].',
                TypeError,
            )
        ]

    def test_each_bad_entry_is_a_problem(self) -> None:
        problems = find_event_handler_problems(
            [
                {"source": "sqs"},
                {"source": "sqs", "handler": "tests.nowhere:handle"},
                {"source": "sqs", "handler": print, "stream": "x"},
                {"source": "sqs", "handler": print},
            ]
        )
        assert [(p.message, p.hint, p.kind) for p in problems] == [
            (
                "APIG_WSGI_EVENT_HANDLERS[0]: expected a dict with 'source' and "
                "'handler' keys, got {'source': 'sqs'}.",
                'Write e.g. {"source": "sqs", "handler": "myapp.events.handle"}.',
                TypeError,
            ),
            (
                "APIG_WSGI_EVENT_HANDLERS[1]: Cannot import 'tests.nowhere' from "
                "'tests.nowhere:handle': No module named 'tests.nowhere'.",
                "Check the spelling of the path and that the module imports cleanly.",
                ValueError,
            ),
            (
                "APIG_WSGI_EVENT_HANDLERS[2]: Unknown filter 'stream' for sqs events.",
                "sqs events can be filtered by: queue.",
                TypeError,
            ),
        ]


def test_importing_the_router_loads_no_framework_or_aws_sdk() -> None:
    code = (
        "import sys, apig_wsgi.routing, apig_wsgi.testing.sqs; "
        "print(sorted(m for m in ('boto3', 'botocore', 'django', 'flask') "
        "if m in sys.modules))"
    )
    process = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert process.stdout == "[]\n"
