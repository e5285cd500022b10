from __future__ import annotations

import json
import logging
import re

import pytest

from apig_wsgi import make_lambda_handler
from tests.utils import FakeContext
from tests.utils import load_event
from tests.utils import make_app

# The access log fields of aws-lambda-go/apigw-request.json, but the duration.
REST_FIELDS = {
    "method": "POST",
    "path": "/hello/world",
    "status": 201,
    "bytes": 8,
    "request_id": "deef4878-7910-11e6-8f14-25afc3e9ae33",
    "aws_request_id": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
    "event_format": "rest",
    "source_ip": "192.168.196.186",
}
APP = make_app("201 Created", [("Content-Type", "text/plain")], b"created!")


def access_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if hasattr(record, "apig_wsgi_access")]


def without_duration(message: str) -> str:
    """A text line with its duration, which varies from run to run, as ``<d>``."""
    return re.sub(r" \d+(\.\d+)?ms ", " <d>ms ", message, count=1)


def test_off_by_default(caplog: pytest.LogCaptureFixture) -> None:
    event = load_event("aws-lambda-go/apigw-request.json")
    with caplog.at_level(logging.INFO, logger="apig_wsgi"):
        make_lambda_handler(APP)(event, FakeContext())
    assert caplog.records == []


def test_json_line(caplog: pytest.LogCaptureFixture) -> None:
    event = load_event("aws-lambda-go/apigw-request.json")
    handler = make_lambda_handler(APP, access_log="json")
    with caplog.at_level(logging.INFO, logger="apig_wsgi"):
        handler(event, FakeContext())
    [record] = access_records(caplog)
    fields = json.loads(record.getMessage())
    # The duration varies from run to run.
    assert isinstance(fields.pop("duration_ms"), (int, float))
    assert (record.levelno, fields) == (logging.INFO, REST_FIELDS)


def test_record_carries_the_fields(caplog: pytest.LogCaptureFixture) -> None:
    event = load_event("aws-lambda-go/apigw-request.json")
    handler = make_lambda_handler(APP, access_log="text")
    with caplog.at_level(logging.INFO, logger="apig_wsgi"):
        handler(event, FakeContext())
    [record] = access_records(caplog)
    fields = dict(record.apig_wsgi_access)  # type: ignore[attr-defined]
    # The duration varies from run to run.
    assert isinstance(fields.pop("duration_ms"), (int, float))
    assert fields == REST_FIELDS


def test_text_line(caplog: pytest.LogCaptureFixture) -> None:
    event = load_event("powertools-python/albEvent.json")
    event["path"] = "/caf%C3%A9"
    handler = make_lambda_handler(APP, access_log="text")
    with caplog.at_level(logging.INFO, logger="apig_wsgi"):
        handler(event, None)
    [record] = access_records(caplog)
    assert without_duration(record.getMessage()) == (
        "GET /café 201 8B <d>ms request_id=None aws_request_id=None"
    )


def test_text_line_escapes_control_characters(
    caplog: pytest.LogCaptureFixture,
) -> None:
    event = load_event("aws-lambda-go/apigw-request.json")
    event["path"] = "/x%0D%0AINFO GET /admin 200%09%5C%C2%85%E2%80%A8"
    event["requestContext"]["requestId"] = "id\nforged"
    handler = make_lambda_handler(APP, access_log="text")
    with caplog.at_level(logging.INFO, logger="apig_wsgi"):
        handler(event, FakeContext())
    [record] = access_records(caplog)
    assert without_duration(record.getMessage()) == (
        "POST /x\\r\\nINFO GET /admin 200\\t\\\\\\x85\\u2028 201 8B <d>ms "
        "request_id=id\\nforged aws_request_id=c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    )


def test_json_line_keeps_the_values_unchanged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    event = load_event("aws-lambda-go/apigw-request.json")
    event["path"] = "/x%0D%0Ay"
    handler = make_lambda_handler(APP, access_log="json")
    with caplog.at_level(logging.INFO, logger="apig_wsgi"):
        handler(event, FakeContext())
    [record] = access_records(caplog)
    assert (
        json.loads(record.getMessage())["path"],
        len(record.getMessage().splitlines()),
    ) == ("/x\r\ny", 1)
