"""What HTTP allows in methods, header names and header values (RFC 9110).

The tests use str methods rather than the re module, whose import would add
half again to the time ``import apig_wsgi`` takes (bench/run.py's import row).
"""

from __future__ import annotations

_TOKEN_CHARACTERS = (
    "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)
# A request header name with "_" could pose as a dashed one (environ_key).
_HEADER_NAME_CHARACTERS = _TOKEN_CHARACTERS.replace("_", "")
# Tab, visible ASCII and obs-text: the characters of a PEP 3333 header value.
_FIELD_VALUE_CHARACTERS = dict.fromkeys((9, *range(0x20, 0x7F), *range(0x80, 0x100)))


def is_token(text: str) -> bool:
    """Whether ``text`` is an RFC 9110 token, as methods and header names are."""
    return bool(text) and not text.strip(_TOKEN_CHARACTERS)


def is_request_header_name(text: str) -> bool:
    """Whether a request header may have this name: a token without "_"."""
    return bool(text) and not text.strip(_HEADER_NAME_CHARACTERS)


def is_field_value(text: str) -> bool:
    """Whether ``text`` is latin-1 with no control character but tab."""
    return not text.translate(_FIELD_VALUE_CHARACTERS)
