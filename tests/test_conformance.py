"""Every sample event in tests/events through a PEP 3333-validated application."""

from __future__ import annotations

import json
from typing import Any

import pytest

from apig_wsgi import InvalidEventError
from apig_wsgi import environ_keys
from apig_wsgi import make_lambda_handler
from apig_wsgi.handler import LambdaHandler
from tests.utils import EVENTS_DIR
from tests.utils import FakeContext
from tests.utils import load_event
from tests.utils import validated_echo_app


def manifest_rows() -> dict[str, tuple[str, str]]:
    """Map each sample's path to its kind and notes from MANIFEST.md."""
    rows = {}
    for line in (EVENTS_DIR / "MANIFEST.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) > 8 and cells[1].endswith(".json"):
            rows[cells[1]] = (cells[6], cells[7])
    return rows


MANIFEST = manifest_rows()
SAMPLES = sorted(
    str(path.relative_to(EVENTS_DIR)) for path in EVENTS_DIR.rglob("*.json")
)

# Samples that are not valid events; each must be refused with this message.
REFUSED = {
    "aws-lambda-dotnet/alb-request-multi-value.json": "marked as base64",
    "aws-lambda-dotnet/alb-request-single-value.json": "marked as base64",
    "aws-lambda-dotnet/http-api-v2-request.json": "marked as base64",
    "powertools-python/apiGatewayProxyEventAnotherPath.json": "marked as base64",
    "powertools-python/apiGatewayProxyEventPathTrailingSlash.json": "marked as base64",
    "powertools-python/apiGatewayProxyEvent_noVersionAuth.json": "marked as base64",
    "powertools-python/combining_powertools_utilities_event.json": (
        "Expected multiValueQueryStringParameters to be an object or null"
    ),
    "powertools-python/hello.json": (
        "Expected multiValueQueryStringParameters to be an object or null"
    ),
    "powertools-typescript/lambda-invalid.json": (
        "Malformed function-url event: missing key 'rawPath'"
    ),
}

# Generator templates hold "{{{method}}}" where an HTTP method belongs.
REFUSED.update(
    (
        str(path.relative_to(EVENTS_DIR)),
        r"to be an HTTP method, got str: '\{\{\{method\}\}\}'",
    )
    for path in (EVENTS_DIR / "aws-sam-cli").glob("*.json")
    if '"{{{method}}}"' in path.read_text(encoding="utf-8-sig")
)

EXPECTED_FORMATS = {
    "rest-v1": {"rest"},
    "http-v1": {"http-v1"},
    "http-v2": {"http-v2"},
    "function-url": {"function-url"},
    "alb": {"alb"},
    "alb-multi": {"alb"},
    "lattice-v1": {"lattice-v1"},
    "lattice-v2": {"lattice-v2"},
    "other": {"edge", "rest"},
}


@pytest.fixture
def handler() -> LambdaHandler:
    return make_lambda_handler(validated_echo_app)


def test_corpus_is_complete() -> None:
    assert len(SAMPLES) == 203
    assert set(MANIFEST) == set(SAMPLES)
    for source in {sample.split("/")[0] for sample in SAMPLES}:
        assert (EVENTS_DIR / source / "LICENSE").is_file()


@pytest.mark.parametrize("sample", SAMPLES)
def test_sample(handler: LambdaHandler, sample: str) -> None:
    event = load_event(sample)
    kind, _ = MANIFEST[sample]
    if sample in REFUSED:
        with pytest.raises(InvalidEventError, match=REFUSED[sample]):
            handler(event, FakeContext())
        return

    seen: dict[str, Any] = {}

    def recording_app(environ: dict[str, Any], start_response: Any) -> Any:
        seen.update(environ)
        return validated_echo_app(environ, start_response)

    result = make_lambda_handler(recording_app)(event, FakeContext())

    assert seen[environ_keys.EVENT_FORMAT] in EXPECTED_FORMATS[kind]
    assert seen[environ_keys.FULL_EVENT] is event
    assert seen["SERVER_NAME"]
    assert seen["SERVER_PORT"].isdigit()
    assert "HTTP" not in seen
    assert "HTTP_CONTENT_TYPE" not in seen
    assert "HTTP_CONTENT_LENGTH" not in seen
    if "requestContext" in event:
        assert seen[environ_keys.REQUEST_CONTEXT] is event["requestContext"]
    status = result.get("statusCode", result.get("status"))
    assert str(status) == "200"
    body = result["body"]
    if result.get("isBase64Encoded") or result.get("bodyEncoding") == "base64":
        raise AssertionError(f"JSON answer was sent as base64: {result!r:.200}")
    echoed = json.loads(body)
    assert int(echoed["CONTENT_LENGTH"]) == len(echoed["body"].encode("latin-1"))


def test_refused_samples_exist() -> None:
    assert set(REFUSED) <= set(SAMPLES)
