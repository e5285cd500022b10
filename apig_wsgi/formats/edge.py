"""CloudFront Lambda@Edge viewer-request and origin-request triggers."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from apig_wsgi import environ_keys
from apig_wsgi.environ import add_headers
from apig_wsgi.environ import decode_path
from apig_wsgi.environ import flag
from apig_wsgi.environ import mapping
from apig_wsgi.environ import optional_string
from apig_wsgi.environ import request_method
from apig_wsgi.environ import required_mapping
from apig_wsgi.environ import sequence
from apig_wsgi.environ import set_body
from apig_wsgi.environ import set_server
from apig_wsgi.environ import string
from apig_wsgi.environ import to_wsgi_str
from apig_wsgi.errors import InvalidEventError
from apig_wsgi.formats.base import EventFormat
from apig_wsgi.formats.base import string_at
from apig_wsgi.limits import EDGE_ORIGIN_RESPONSE_LIMIT
from apig_wsgi.limits import EDGE_VIEWER_RESPONSE_LIMIT
from apig_wsgi.response import BufferedResponse

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from apig_wsgi.formats.base import Result

logger = logging.getLogger(__name__)


# CloudFront rejects a generated response that sets any of these:
# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-functions-restrictions.html
FORBIDDEN_HEADERS = frozenset(
    {
        "connection",
        "expect",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
        "x-accel-buffering",
        "x-accel-charset",
        "x-accel-limit-rate",
        "x-accel-redirect",
        "x-cache",
        "x-forwarded-proto",
        "x-real-ip",
    }
)
FORBIDDEN_HEADER_PREFIXES = ("x-amz-cf-", "x-amzn-", "x-edge-")


def cloudfront_record(event: dict[str, Any]) -> dict[str, Any]:
    records = sequence(event["Records"], "Records")
    if len(records) != 1:
        raise InvalidEventError(
            f"Expected exactly one record in a Lambda@Edge event, got {len(records)}."
        )
    record = required_mapping(records[0], "Records[0]")
    return required_mapping(record["cf"], "Records[0].cf")


def edge_header_items(headers: object) -> Iterator[tuple[str, object]]:
    """``(name, value)`` for each entry of CloudFront's lower-cased header lists."""
    for lower_name, entries in mapping(headers, "headers").items():
        for entry in sequence(entries, lower_name):
            entry = required_mapping(entry, f"an entry of header {lower_name!r:.60}")
            name = optional_string(entry.get("key"), f"the key of {lower_name!r:.60}")
            yield name or lower_name, entry["value"]


class EdgeFormat(EventFormat):
    name = "edge"

    @classmethod
    def recognises(cls, event: dict[str, Any], request_context: dict[str, Any]) -> bool:
        records = event.get("Records")
        first = records[0] if isinstance(records, list) and records else None
        if not (isinstance(first, dict) and "cf" in first):
            return False  # another service's records, or no records
        if isinstance(first["cf"], dict) and "request" in first["cf"]:
            return True
        raise InvalidEventError(
            "The event is from CloudFront but is not a Lambda@Edge request "
            "(no Records[0].cf.request): only viewer-request and origin-request "
            "triggers can be handled."
        )

    @classmethod
    def request_id(cls, request_context: dict[str, Any] | None) -> str | None:
        # The request context of Lambda@Edge is Records[0].cf.config.
        return string_at(request_context, "requestId")

    def environ(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        environ = self.new_environ(event, context)
        record = cloudfront_record(event)
        config = mapping(record.get("config"), "Records[0].cf.config")
        # Checked here: the response limit depends on it.
        optional_string(config.get("eventType"), "config.eventType")
        environ[environ_keys.REQUEST_CONTEXT] = config
        request = required_mapping(record["request"], "Records[0].cf.request")

        environ["REQUEST_METHOD"] = request_method(request["method"], "method")
        environ["PATH_INFO"] = decode_path(string(request["uri"], "uri"))
        environ["QUERY_STRING"] = to_wsgi_str(
            optional_string(request.get("querystring"), "querystring")
        )
        add_headers(environ, edge_header_items(request.get("headers")))
        environ[environ_keys.MULTI_VALUE_HEADERS] = True

        body = mapping(request.get("body"), "body")
        if flag(body.get("inputTruncated"), "body.inputTruncated"):
            logger.warning(
                "CloudFront truncated the request body before it reached Lambda@Edge "
                "(inputTruncated is true); the application sees only the first %d "
                "characters of it.",
                len(optional_string(body.get("data"), "body data")),
            )
        encoding = optional_string(body.get("encoding"), "body.encoding")
        if encoding not in ("base64", "text", ""):
            raise InvalidEventError(
                f"Expected body.encoding to be 'base64' or 'text', got {encoding!r:.60}"
            )
        set_body(
            environ,
            body.get("data"),
            encoding == "base64",
            "body data",
        )
        client_ip = optional_string(request.get("clientIp"), "clientIp")
        environ["REMOTE_ADDR"] = to_wsgi_str(client_ip) or environ["REMOTE_ADDR"]
        set_server(
            environ,
            optional_string(
                config.get("distributionDomainName"), "config.distributionDomainName"
            ),
            "https",
        )
        if self.fixed_script_name:
            self.set_script_name(environ, "", False)
        return environ

    def result(self, response: BufferedResponse, environ: dict[str, Any]) -> Result:
        body, is_base64 = self.encoder.encode(response)
        headers: dict[str, list[dict[str, str]]] = {}
        forbidden = []
        for name, value in response.headers:
            lower_name = name.lower()
            if lower_name in FORBIDDEN_HEADERS or lower_name.startswith(
                FORBIDDEN_HEADER_PREFIXES
            ):
                forbidden.append(name)
                continue
            headers.setdefault(lower_name, []).append({"key": name, "value": value})
        if forbidden:
            logger.warning(
                "Lambda@Edge responses may not set the headers %s; they were left out.",
                ", ".join(forbidden),
            )
        return (
            {
                "status": str(response.status_code),
                "statusDescription": response.status[4:],
                "headers": headers,
                "body": body,
                "bodyEncoding": "base64" if is_base64 else "text",
            },
            body,
            is_base64,
        )

    def response_limit(self, environ: dict[str, Any]) -> int:
        config = environ[environ_keys.REQUEST_CONTEXT]
        if config.get("eventType") == "origin-request":
            return EDGE_ORIGIN_RESPONSE_LIMIT
        return EDGE_VIEWER_RESPONSE_LIMIT
