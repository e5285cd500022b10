"""Corpus events for the Flask tests, and the few edits the tests make to them."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

EVENTS_DIR = Path(__file__).parents[2] / "events"

# One real event per format, all from tests/events (see its MANIFEST.md).
EVENT_FILES = {
    "rest": "aws-lambda-dotnet/authtest-access-request.json",
    "http-v1": "powertools-python/apiGatewayProxyEvent.json",
    "http-v2": "powertools-python/apiGatewayProxyV2Event_GET.json",
    "function-url": "powertools-python/lambdaFunctionUrlEvent.json",
    "alb": "aws-lambda-dotnet/alb.json",
    "alb-multi": "powertools-python/albMultiValueHeadersEvent.json",
    "lattice-v1": "powertools-python/vpcLatticeEvent.json",
    "lattice-v2": "powertools-python/vpcLatticeV2Event.json",
    "edge": "aws-lambda-java-libs/cloudfront_event.json",
}


def load_event(name: str) -> dict[str, Any]:
    """Load a corpus file; ``name`` is a key of EVENT_FILES or a relative path."""
    path = EVENTS_DIR / EVENT_FILES.get(name, name)
    event: dict[str, Any] = json.loads(path.read_text(encoding="utf-8-sig"))
    return event


def with_request(
    event: dict[str, Any], path: str, method: str = "GET"
) -> dict[str, Any]:
    """Return a copy of ``event`` asking for ``method path`` with no query string."""
    event = copy.deepcopy(event)
    if "Records" in event:
        request = event["Records"][0]["cf"]["request"]
        request["uri"] = path
        request["method"] = method
        request["querystring"] = ""
    elif "raw_path" in event:
        event["raw_path"] = path
        event["method"] = method
        event["query_string_parameters"] = {}
    elif "rawPath" in event:
        http = event["requestContext"]["http"]
        stage = event["requestContext"]["stage"]
        prefix = "" if stage == "$default" else f"/{stage}"
        event["rawPath"] = http["path"] = prefix + path
        http["method"] = method
        event["rawQueryString"] = ""
        event.pop("queryStringParameters", None)
    elif "method" in event:
        event["path"] = path
        event["method"] = method
        event["queryStringParameters"] = {}
    else:
        event["path"] = path
        event["httpMethod"] = method
        for key in ("queryStringParameters", "multiValueQueryStringParameters"):
            if key in event:
                event[key] = {}
        context = event["requestContext"]
        if "elb" not in context:
            stage = context["stage"]
            prefix = "" if stage == "$default" else f"/{stage}"
            context["httpMethod"] = method
            context["path"] = prefix + path
            context["resourcePath"] = path
    return event


def handle_other_event(event: dict[str, Any], context: object) -> dict[str, Any]:
    """A ``non_http_handler`` for the tests, named by import path in config."""
    return {"handled": event}
