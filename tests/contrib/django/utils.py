from __future__ import annotations

import base64
from typing import Any

from tests.utils import load_event


def rest_event(
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> dict[str, Any]:
    """A corpus REST API event (stage ``prod``) changed to request ``path``."""
    event = load_event("powertools-typescript/no-auth.json")
    event["httpMethod"] = event["requestContext"]["httpMethod"] = method
    event["path"] = event["resource"] = path
    event["requestContext"]["path"] = "/prod" + path
    for name, value in (headers or {}).items():
        event["headers"][name] = value
        event["multiValueHeaders"][name] = [value]
    if body is not None:
        event["body"] = base64.b64encode(body).decode("ascii")
        event["isBase64Encoded"] = True
    return event


def http_v2_event(
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    cookies: list[str] | None = None,
    body: bytes | None = None,
) -> dict[str, Any]:
    """A corpus HTTP API payload 2.0 event changed to request ``path``."""
    event = load_event("aws-lambda-go/apigw-v2-request-no-authorizer.json")
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["requestContext"]["http"]["method"] = method
    event["headers"].update(headers or {})
    if cookies is not None:
        event["cookies"] = cookies
    if body is not None:
        event["headers"]["content-length"] = str(len(body))
        event["body"] = base64.b64encode(body).decode("ascii")
        event["isBase64Encoded"] = True
    return event
