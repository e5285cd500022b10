from __future__ import annotations

import json
import logging

import pytest

from apig_wsgi import make_lambda_handler
from tests.utils import FakeContext
from tests.utils import load_event
from tests.utils import make_app

APP = make_app("201 Created", [("Content-Type", "text/plain")], b"created!")


def access_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if hasattr(record, "apig_wsgi_access")]


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
    assert record.levelno == logging.INFO
    fields = json.loads(record.getMessage())
    assert fields["duration_ms"] >= 0
    del fields["duration_ms"]
    assert fields == {
        "method": "POST",
        "path": "/hello/world",
        "status": 201,
        "bytes": 8,
        "request_id": "deef4878-7910-11e6-8f14-25afc3e9ae33",
        "aws_request_id": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
        "event_format": "rest",
        "source_ip": "192.168.196.186",
    }
    assert record.apig_wsgi_access["status"] == 201  # type: ignore[attr-defined]


def test_text_line(caplog: pytest.LogCaptureFixture) -> None:
    event = load_event("powertools-python/albEvent.json")
    event["path"] = "/caf%C3%A9"
    handler = make_lambda_handler(APP, access_log="text")
    with caplog.at_level(logging.INFO, logger="apig_wsgi"):
        handler(event, None)
    [record] = access_records(caplog)
    message = record.getMessage()
    assert message.startswith("GET /café 201 8B ")
    assert message.endswith("ms request_id=None aws_request_id=None")


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
    message = record.getMessage()
    assert message.startswith(
        "POST /x\\r\\nINFO GET /admin 200\\t\\\\\\x85\\u2028 201 8B "
    )
    assert message.endswith(
        "ms request_id=id\\nforged aws_request_id=c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    )
    assert len(message.splitlines()) == 1


def test_json_line_keeps_the_values_unchanged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    event = load_event("aws-lambda-go/apigw-request.json")
    event["path"] = "/x%0D%0Ay"
    handler = make_lambda_handler(APP, access_log="json")
    with caplog.at_level(logging.INFO, logger="apig_wsgi"):
        handler(event, FakeContext())
    [record] = access_records(caplog)
    assert json.loads(record.getMessage())["path"] == "/x\r\ny"
    assert len(record.getMessage().splitlines()) == 1
