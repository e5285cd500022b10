"""Turn a Lambda result into the HTTP response each AWS integration would send."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from http import HTTPStatus
from typing import Any
from typing import Callable

from apig_wsgi.testing.events import FORMATS
from apig_wsgi.testing.events import _matches

# https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
LAMBDA_REQUEST_LIMIT = LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
ALB_RESPONSE_LIMIT = ALB_REQUEST_BODY_LIMIT = 1024 * 1024
# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-functions-restrictions.html
EDGE_BODY_LIMIT = 1024 * 1024


@dataclass(frozen=True)
class Response:
    """An HTTP response as the client of an AWS integration receives it.

    ``error`` says why the integration replaced the function's answer with an
    error response (malformed or oversized result), else it is ``None``.
    """

    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    error: str | None = None
    event: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)
    result: Any = field(default=None, compare=False, repr=False)

    def header_list(self, name: str) -> list[str]:
        """All values of the header ``name`` (any case), in order."""
        return [value for key, value in self.headers if key.lower() == name.lower()]

    def header(self, name: str) -> str | None:
        """The values of header ``name`` joined with ``", "``, or ``None``."""
        values = self.header_list(name)
        return ", ".join(values) if values else None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)


class _Malformed(Exception):
    pass


def decode_result(
    result: Any,
    format: str,
    *,
    accept: str | None = None,
    binary_media_types: Sequence[str] = (),
    multi_value_headers: bool = False,
) -> Response:
    """Return what the client of ``format``'s integration receives for ``result``.

    ``accept`` is the request's Accept header and ``binary_media_types`` the
    REST API setting: together they decide whether a REST API decodes a
    base64 body. ``multi_value_headers`` is the ALB target group setting: an
    ALB reads only the header style it sends. A malformed or oversized result
    becomes the integration's error response, with the reason in
    ``Response.error``.
    """
    decoder = _DECODERS.get(format)
    if decoder is None:
        raise ValueError(
            f"Unknown event format {format!r}, expected one of: {', '.join(FORMATS)}."
        )
    try:
        size = len(json.dumps(result).encode())
    except (TypeError, ValueError) as exc:
        return failure_response(format, f"the result is not JSON serializable: {exc}")
    if size > LAMBDA_RESPONSE_LIMIT:
        return failure_response(
            format,
            f"the response is {size} bytes, over the Lambda limit of "
            f"{LAMBDA_RESPONSE_LIMIT} bytes",
        )
    if format == "alb" and size > ALB_RESPONSE_LIMIT:
        return failure_response(
            format,
            f"the response is {size} bytes, over the ALB limit of "
            f"{ALB_RESPONSE_LIMIT} bytes",
        )
    try:
        status, reason, headers, body = decoder(
            result,
            _Integration(accept, tuple(binary_media_types), multi_value_headers),
        )
    except _Malformed as exc:
        return failure_response(format, str(exc))
    return Response(status, reason, tuple(headers), body, result=result)


def request_problem(event: Mapping[str, Any], format: str) -> Response | None:
    """The front's answer to an ``event`` too large to invoke with, else None.

    API Gateway forwards up to 10 MB but Lambda then refuses the invocation,
    which API Gateway answers with its 500; the other fronts answer 413.
    """
    size = len(json.dumps(event).encode())
    limit = LAMBDA_REQUEST_LIMIT
    if format == "alb":
        body = str(event.get("body") or "")
        size = len(_base64(body) if event.get("isBase64Encoded") else body.encode())
        limit = ALB_REQUEST_BODY_LIMIT
    if size <= limit:
        return None
    reason = f"the request is {size} bytes, over the limit of {limit} bytes"
    # https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html
    if format in ("rest", "http-v1", "http-v2"):
        status, content_type, error_body = 500, "application/json", _API_ERROR
        if format == "rest":
            error_body = _REST_ERROR
    else:
        status, content_type, error_body = (
            413,
            "text/plain",
            b"Request Entity Too Large",
        )
    return Response(
        status,
        HTTPStatus(status).phrase,
        (("Content-Type", content_type), ("Content-Length", str(len(error_body)))),
        error_body,
        error=reason,
        event=event,
    )


def failure_response(format: str, reason: str) -> Response:
    """The error response ``format``'s integration sends when the function fails."""
    status, content_type, body = _FAILURES[format]
    return Response(
        status,
        HTTPStatus(status).phrase,
        (("Content-Type", content_type), ("Content-Length", str(len(body)))),
        body,
        error=reason,
    )


_API_ERROR = b'{"message":"Internal Server Error"}'
_REST_ERROR = b'{"message": "Internal server error"}'
_BAD_GATEWAY_HTML = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n"
    b"<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
)
_FAILURES: dict[str, tuple[int, str, bytes]] = {
    "rest": (502, "application/json", _REST_ERROR),
    "http-v1": (500, "application/json", _API_ERROR),
    "http-v2": (500, "application/json", _API_ERROR),
    "function-url": (502, "application/json", _API_ERROR),
    "alb": (502, "text/html", _BAD_GATEWAY_HTML),
    "lattice-v1": (502, "text/html", _BAD_GATEWAY_HTML),
    "lattice-v2": (502, "text/html", _BAD_GATEWAY_HTML),
    "edge": (
        502,
        "text/html",
        b"<h2>502 ERROR</h2><p>The Lambda function returned an invalid response.</p>",
    ),
}

_Decoded = tuple[int, str, list[tuple[str, str]], bytes]


@dataclass(frozen=True)
class _Integration:
    """What the front knows besides the result: request and front settings."""

    accept: str | None
    binary_media_types: tuple[str, ...]
    multi_value_headers: bool


def _require_mapping(result: Any) -> Mapping[str, Any]:
    if not isinstance(result, Mapping):
        raise _Malformed(f"the result must be a JSON object, not {result!r}")
    return result


def _status(result: Mapping[str, Any], key: str = "statusCode") -> tuple[int, str]:
    value = result.get(key)
    # CloudFront wants the status as a string of digits, the others a number.
    if key == "status":
        status = int(value) if isinstance(value, str) and value.isdigit() else 0
    elif isinstance(value, int) and not isinstance(value, bool):
        status = value
    else:
        status = 0
    if not 100 <= status <= 599:
        raise _Malformed(f"{key} must be an HTTP status code, not {value!r}")
    description = result.get("statusDescription")
    if description is not None:
        if not isinstance(description, str):
            raise _Malformed(f"statusDescription must be a string, not {description!r}")
        # ALB and Lattice send "200 OK", CloudFront just "OK".
        code, _, rest = description.partition(" ")
        reason = rest if code.isdigit() else description
    else:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
    return status, reason


def _single_headers(
    result: Mapping[str, Any], key: str = "headers"
) -> list[tuple[str, str]]:
    headers = result.get(key)
    if headers is None:
        return []
    if not isinstance(headers, Mapping):
        raise _Malformed(f"{key} must be an object, not {headers!r}")
    for name, value in headers.items():
        if not isinstance(value, str):
            raise _Malformed(f"header {name!r} must have a string value, not {value!r}")
    return list(headers.items())


def _multi_headers(result: Mapping[str, Any]) -> list[tuple[str, str]]:
    headers = result.get("multiValueHeaders")
    if headers is None:
        return []
    if not isinstance(headers, Mapping):
        raise _Malformed(f"multiValueHeaders must be an object, not {headers!r}")
    items: list[tuple[str, str]] = []
    for name, values in headers.items():
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise _Malformed(
                f"multiValueHeaders {name!r} must be a list of strings, not {values!r}"
            )
        items.extend((name, value) for value in values)
    return items


def _text_body(result: Mapping[str, Any], key: str = "body") -> str:
    body = result.get(key)
    if body is None:
        return ""
    if not isinstance(body, str):
        raise _Malformed(f"{key} must be a string, not {body!r}")
    return body


def _flag(result: Mapping[str, Any], key: str = "isBase64Encoded") -> bool:
    value = result.get(key, False)
    if not isinstance(value, bool):
        raise _Malformed(f"{key} must be true or false, not {value!r}")
    return value


def _base64(body: str) -> bytes:
    try:
        return base64.b64decode(body, validate=True)
    except binascii.Error as exc:
        raise _Malformed(f"the body is not valid base64: {exc}") from None


def _content_type(headers: list[tuple[str, str]]) -> str | None:
    for name, value in headers:
        if name.lower() == "content-type":
            return value
    return None


def _with_default_type(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    # API Gateway labels a response without Content-Type as JSON.
    if _content_type(headers) is None:
        return [*headers, ("Content-Type", "application/json")]
    return headers


def _proxy_headers(result: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Merge ``headers`` and ``multiValueHeaders``: the latter wins per name."""
    multi = _multi_headers(result)
    multi_names = {name.lower() for name, _ in multi}
    single = [
        item for item in _single_headers(result) if item[0].lower() not in multi_names
    ]
    return single + multi


def _decode_rest(result: Any, integration: _Integration) -> _Decoded:
    result = _require_mapping(result)
    status, reason = _status(result)
    headers = _with_default_type(_proxy_headers(result))
    body = _text_body(result)
    if not _flag(result):
        return status, reason, headers, body.encode()
    # A REST API decodes base64 only when its binaryMediaTypes match the first
    # type in the request's Accept header; otherwise the client gets the text.
    # https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-payload-encodings.html
    accept = integration.accept
    media_type = accept.split(",")[0] if accept else _content_type(headers) or ""
    if _matches(
        media_type.split(";")[0].strip().lower(), integration.binary_media_types
    ):
        return status, reason, headers, _base64(body)
    return status, reason, headers, body.encode()


def _decode_http_v1(result: Any, integration: _Integration) -> _Decoded:
    result = _require_mapping(result)
    status, reason = _status(result)
    headers = _with_default_type(_proxy_headers(result))
    body = _text_body(result)
    return status, reason, headers, _base64(body) if _flag(result) else body.encode()


def _decode_v2(result: Any, integration: _Integration) -> _Decoded:
    # Without a statusCode, HTTP APIs and Function URLs send the result as JSON.
    if not isinstance(result, Mapping) or "statusCode" not in result:
        body = result if isinstance(result, str) else json.dumps(result)
        return 200, "OK", [("Content-Type", "application/json")], body.encode()
    status, reason = _status(result)
    headers = _with_default_type(_single_headers(result))
    cookies = result.get("cookies") or []
    if not isinstance(cookies, list) or not all(isinstance(c, str) for c in cookies):
        raise _Malformed(f"cookies must be a list of strings, not {cookies!r}")
    headers += [("Set-Cookie", cookie) for cookie in cookies]
    body = _text_body(result)
    return status, reason, headers, _base64(body) if _flag(result) else body.encode()


def _decode_alb(result: Any, integration: _Integration) -> _Decoded:
    result = _require_mapping(result)
    status, reason = _status(result)
    # The load balancer reads only the header style its target group uses.
    headers = (
        _multi_headers(result)
        if integration.multi_value_headers
        else _single_headers(result)
    )
    body = _text_body(result)
    return status, reason, headers, _base64(body) if _flag(result) else body.encode()


def _decode_lattice(result: Any, integration: _Integration) -> _Decoded:
    result = _require_mapping(result)
    status, reason = _status(result)
    headers = _single_headers(result)
    body = _text_body(result)
    return status, reason, headers, _base64(body) if _flag(result) else body.encode()


def _decode_edge(result: Any, integration: _Integration) -> _Decoded:
    result = _require_mapping(result)
    status, reason = _status(result, "status")
    raw_headers = result.get("headers")
    if raw_headers is None:
        raw_headers = {}
    if not isinstance(raw_headers, Mapping):
        raise _Malformed(f"headers must be an object, not {raw_headers!r}")
    headers = []
    for name, entries in raw_headers.items():
        if not isinstance(entries, list) or not all(
            isinstance(entry, Mapping) and isinstance(entry.get("value"), str)
            for entry in entries
        ):
            raise _Malformed(
                f"headers {name!r} must be a list of {{key, value}} objects, "
                f"not {entries!r}"
            )
        headers += [(str(entry.get("key", name)), entry["value"]) for entry in entries]
    body_text = _text_body(result)
    encoding = result.get("bodyEncoding", "text")
    if encoding not in ("text", "base64"):
        raise _Malformed(f"bodyEncoding must be 'text' or 'base64', not {encoding!r}")
    body = _base64(body_text) if encoding == "base64" else body_text.encode()
    if len(body_text) > EDGE_BODY_LIMIT:
        raise _Malformed(
            f"the generated body is {len(body_text)} bytes, over the "
            f"origin-request limit of {EDGE_BODY_LIMIT} bytes"
        )
    return status, reason, headers, body


_DECODERS: dict[str, Callable[[Any, _Integration], _Decoded]] = {
    "rest": _decode_rest,
    "http-v1": _decode_http_v1,
    "http-v2": _decode_v2,
    "function-url": _decode_v2,
    "alb": _decode_alb,
    "lattice-v1": _decode_lattice,
    "lattice-v2": _decode_lattice,
    "edge": _decode_edge,
}
