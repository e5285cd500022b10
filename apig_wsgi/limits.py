"""The size limits AWS puts on a result, and the size the runtime will send."""

from __future__ import annotations

import os
from json.encoder import encode_basestring
from json.encoder import encode_basestring_ascii
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

# Synchronous invocations return at most 6 MB of JSON:
# https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
ALB_RESPONSE_LIMIT = 1024 * 1024
# Generated responses, headers included, for each kind of trigger:
# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html
EDGE_VIEWER_RESPONSE_LIMIT = 40 * 1024
EDGE_ORIGIN_RESPONSE_LIMIT = 1024 * 1024

# The most bytes one character of a string can become in the runtime's JSON:
# an astral character escaped as a surrogate pair, \ud83d\ude00.
MAX_BYTES_PER_CHARACTER = 12

# Long strings are measured in slices, so that no full escaped copy is made.
_SLICE = 65536


def runtime_escapes_non_ascii() -> bool:
    """Whether the Lambda runtime writes non-ASCII characters as \\uXXXX escapes.

    The Python 3.12 and later managed runtimes send UTF-8 instead
    (``ensure_ascii=False`` in awslambdaric's encoder). Elsewhere, including
    container images, escaping is assumed: it is never the smaller size.
    """
    runtime = os.environ.get("AWS_EXECUTION_ENV", "")
    prefix = "AWS_Lambda_python3."
    if not runtime.startswith(prefix):
        return True
    minor = runtime[len(prefix) :]
    return not (minor.isdigit() and int(minor) >= 12)


def serialised_size(value: Any, escape_non_ascii: bool) -> int:
    """The bytes of ``value`` as JSON with the runtime's separators.

    Exact for the types a result holds (dicts, lists, strings, integers,
    booleans and None), without building the JSON text.
    """
    if isinstance(value, str):
        return string_size(value, escape_non_ascii)
    if isinstance(value, dict):
        # "{" key ": " value ", " ... "}"
        return (
            2
            + sum(
                string_size(key, escape_non_ascii)
                + 2
                + serialised_size(item, escape_non_ascii)
                for key, item in value.items()
            )
            + 2 * max(len(value) - 1, 0)
        )
    if isinstance(value, list):
        return (
            2
            + sum(serialised_size(item, escape_non_ascii) for item in value)
            + 2 * max(len(value) - 1, 0)
        )
    if value is None or value is True:
        return 4
    if value is False:
        return 5
    if isinstance(value, int):
        return len(str(value))
    raise TypeError(f"Cannot measure a {type(value).__name__} as JSON: {value!r:.60}")


def string_size(text: str, escape_non_ascii: bool) -> int:
    """The bytes of ``text`` as a JSON string, quotes included."""
    if escape_non_ascii:
        return 2 + sum(
            len(encode_basestring_ascii(text[start : start + _SLICE])) - 2
            for start in range(0, len(text), _SLICE)
        )
    return 2 + sum(
        len(encode_basestring(text[start : start + _SLICE]).encode("utf-8")) - 2
        for start in range(0, len(text), _SLICE)
    )


def size_bound(
    status: str,
    headers: list[tuple[str, str]],
    body: str,
    is_base64: bool,
    source_bytes: int,
) -> int:
    """A cheap upper bound on the size of any result holding these pieces.

    ``source_bytes`` is the length of the response body that ``body`` was
    decoded from. Every format writes the status, each header name at most
    twice (CloudFront keeps a lower-case copy), each value once, the body and
    a few keys.
    """
    header_characters = sum(2 * len(name) + len(value) for name, value in headers)
    # Text gives per character at most two bytes of JSON per source byte plus
    # four: \u0001 for a one-byte control character, a twelve-byte escape for
    # a four-byte emoji, six bytes for U+FFFD in place of an invalid byte.
    body_bound = len(body) if is_base64 else 2 * source_bytes + 4 * len(body)
    return (
        body_bound
        + MAX_BYTES_PER_CHARACTER * (len(status) + header_characters)
        + 64 * len(headers)
        + 256
    )
