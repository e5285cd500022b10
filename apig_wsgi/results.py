"""Turning a buffered WSGI response into the pieces of a Lambda result."""

from __future__ import annotations

import os
from binascii import b2a_base64

from apig_wsgi.log import get_logger
from apig_wsgi.response import BufferedResponse

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def b64encode(data: bytes) -> str:
    return b2a_base64(data, newline=False).decode("ascii")


# Synchronous invocations return at most 6 MB of JSON.
LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024
ALB_RESPONSE_LIMIT = 1024 * 1024

TOO_LARGE_STATUS = "500 Internal Server Error"
TOO_LARGE_BODY = b"Internal Server Error: the response is too large for AWS Lambda."


class BodyEncoder:
    """Decides, once per handler and format, how response bodies are sent."""

    __slots__ = ("binary_support", "front_decodes_base64", "prefixes")

    def __init__(
        self,
        *,
        binary_support: bool,
        non_binary_prefixes: tuple[str, ...],
        front_decodes_base64: bool,
    ) -> None:
        self.binary_support = binary_support
        self.prefixes = tuple(prefix.lower() for prefix in non_binary_prefixes)
        # REST APIs only decode base64 bodies whose type matches the API's
        # binaryMediaTypes, so there a text fallback is the only safe choice.
        self.front_decodes_base64 = front_decodes_base64

    def is_binary(self, content_type: str, content_encoding: str) -> bool:
        """Whether a body of this type and (comma-separated) coding goes as base64."""
        if content_encoding and any(
            coding.strip().lower() != "identity"
            for coding in content_encoding.split(",")
        ):
            return True
        return not content_type.lower().startswith(self.prefixes)

    def encode(
        self,
        response: BufferedResponse,
        lowered_headers: dict[str, str] | None = None,
    ) -> tuple[str, bool]:
        """Return the body string and whether it is base64.

        ``lowered_headers``, the response headers already folded under
        lower-case names, spares a second pass over the header list.
        """
        chunks = response.chunks
        if not chunks:
            return "", False
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        if self.binary_support:
            if lowered_headers is None:
                content_type, content_encoding = content_headers(response.headers)
            else:
                content_type = lowered_headers.get("content-type", "")
                content_encoding = lowered_headers.get("content-encoding", "")
            if self.is_binary(content_type, content_encoding):
                return b64encode(body), True
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError as exc:
            if self.front_decodes_base64:
                return b64encode(body), True
            get_logger().warning(
                "Response body is not valid UTF-8 (%s) and binary support is off, "
                "so invalid bytes were replaced with U+FFFD. Turn on binary_support "
                "and add the content type to the API's binaryMediaTypes to send it "
                "unchanged.",
                exc,
            )
            return body.decode("utf-8", "replace"), False


def content_headers(headers: list[tuple[str, str]]) -> tuple[str, str]:
    """Content-Type (the last one) and every Content-Encoding, comma-joined."""
    content_type = content_encoding = ""
    for name, value in headers:
        lower_name = name.lower()
        if lower_name == "content-type":
            content_type = value
        elif lower_name == "content-encoding":
            content_encoding += ", " + value if content_encoding else value
    return content_type, content_encoding


def multi_value_headers(headers: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in headers:
        values = grouped.get(name)
        if values is None:
            grouped[name] = [value]
        else:
            values.append(value)
    return grouped


def single_value_headers(
    headers: list[tuple[str, str]], format_name: str, remedy: str
) -> dict[str, str]:
    """Fold repeats with ", "; Set-Cookie cannot be folded, so keep the last."""
    folded: dict[str, str] = {}
    case_of: dict[str, str] = {}
    dropped_cookies: list[str] = []
    for name, value in headers:
        lower_name = name.lower()
        existing_name = case_of.get(lower_name)
        if existing_name is None:
            case_of[lower_name] = name
            folded[name] = value
        elif lower_name == "set-cookie":
            dropped_cookies.append(folded[existing_name].partition("=")[0])
            folded[existing_name] = value
        else:
            folded[existing_name] += ", " + value
    if dropped_cookies:
        get_logger().warning(
            "%s responses carry one Set-Cookie header only: dropped the "
            "cookies %s and kept the last one. %s",
            format_name,
            ", ".join(repr(cookie) for cookie in dropped_cookies),
            remedy,
        )
    return folded


# Room left for status and headers when only the body is estimated.
HEADER_ALLOWANCE = 65536


def enforce_size_limit(result: dict[str, Any], limit: int, format_name: str) -> bool:
    """Return whether ``result`` fits in ``limit``; log an error if not."""
    size = json_size(result)
    if size <= limit:
        return True
    get_logger().error(
        "The %s response is %d bytes of JSON, over the %d-byte limit AWS "
        "accepts; sent a %s response instead.",
        format_name,
        size,
        limit,
        TOO_LARGE_STATUS,
    )
    return False


def json_size(result: dict[str, Any]) -> int:
    """The size of ``result`` as the Lambda runtime will serialise it."""
    # The runtime escapes non-ASCII text as \uXXXX, except on python3.12:
    # https://github.com/aws/aws-lambda-python-runtime-interface-client/blob/main/awslambdaric/lambda_runtime_marshaller.py
    import json

    if os.environ.get("AWS_EXECUTION_ENV") == "AWS_Lambda_python3.12":
        return len(json.dumps(result, ensure_ascii=False).encode("utf-8"))
    return len(json.dumps(result))


def too_large_response() -> BufferedResponse:
    return BufferedResponse.complete(
        TOO_LARGE_STATUS,
        [("Content-Type", "text/plain; charset=utf-8")],
        TOO_LARGE_BODY,
    )
