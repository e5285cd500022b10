"""Turning a buffered WSGI response into the pieces of a Lambda result."""

from __future__ import annotations

import logging
from binascii import b2a_base64

from apig_wsgi.response import BufferedResponse

logger = logging.getLogger(__name__)

# A multiple of 3, so that the pieces join into one valid base64 text.
_BASE64_PIECE = 3 * 65536


def b64encode(data: bytes) -> str:
    """The base64 text of ``data``.

    Large data is encoded in pieces appended to one str, which CPython grows
    in place: encoded whole, the text would exist twice at once, as bytes and
    as str (the memory row of bench/run.py).
    """
    if len(data) <= _BASE64_PIECE:
        return b2a_base64(data, newline=False).decode("ascii")
    view = memoryview(data)
    text = ""
    for start in range(0, len(data), _BASE64_PIECE):
        piece = view[start : start + _BASE64_PIECE]
        text += b2a_base64(piece, newline=False).decode("ascii")
    return text


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
            logger.warning(
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
        logger.warning(
            "%s responses carry one Set-Cookie header only: dropped the "
            "cookies %s and kept the last one. %s",
            format_name,
            ", ".join(repr(cookie) for cookie in dropped_cookies),
            remedy,
        )
    return folded


def too_large_response() -> BufferedResponse:
    return BufferedResponse.complete(
        TOO_LARGE_STATUS,
        [("Content-Type", "text/plain; charset=utf-8")],
        TOO_LARGE_BODY,
    )
