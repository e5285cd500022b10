"""Building blocks for turning an event into a PEP 3333 environ."""

from __future__ import annotations

from binascii import Error as BinasciiError
from binascii import a2b_base64
from io import BytesIO

from apig_wsgi import environ_keys
from apig_wsgi.errors import InvalidEventError
from apig_wsgi.log import logger
from apig_wsgi.text import is_request_header_name
from apig_wsgi.text import is_token

# typing is imported only by type checkers: importing it would double the
# time ``import apig_wsgi`` takes (bench/run.py's import row).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from collections.abc import Mapping
    from typing import Any

BASE_ENVIRON: dict[str, Any] = {
    "SCRIPT_NAME": "",
    "SERVER_PROTOCOL": "HTTP/1.1",
    "REMOTE_ADDR": "127.0.0.1",
    "wsgi.version": (1, 0),
    "wsgi.multithread": False,
    "wsgi.multiprocess": False,
    "wsgi.run_once": False,
    environ_keys.MULTI_VALUE_HEADERS: False,
}

DEFAULT_SERVER_NAME = "localhost"


# The environ key of each header name seen, None for names that are dropped:
# a third of the 60-header benchmark row is saved, looked up inline. Header
# names come from clients, so it is bounded.
_KEYS: dict[str, str | None] = {}
_KEYS_LIMIT = 512


def environ_key(header_name: str) -> str | None:
    """The environ key of a request header, or None for a name that is dropped.

    A name must be a token without "_": "X-Auth_User" would otherwise become
    HTTP_X_AUTH_USER, the key of "X-Auth-User", and a client could forge a
    header that a proxy sets. nginx, gunicorn 22 and Django's runserver drop
    such names too.
    """
    key: str | None = None
    if is_request_header_name(header_name):
        key = header_name.upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
    if len(_KEYS) < _KEYS_LIMIT:
        _KEYS[header_name] = key
    return key


def to_wsgi_str(value: str) -> str:
    """Carry the UTF-8 bytes of ``value`` as latin-1 code points (PEP 3333)."""
    if value.isascii():
        return value
    return value.encode("utf-8").decode("latin-1")


def wsgi_header_value(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidEventError(
            f"Header {name!r:.60} has a value of type {type(value).__name__}, "
            f"expected a string: {value!r:.60}"
        )
    return to_wsgi_str(value)


def log_dropped_headers(names: list[str]) -> None:
    logger(__name__).warning(
        "Dropped the request headers %s: header names may only hold letters, "
        "digits and !#$%%&'*+-.^`|~ (no underscores), so that they cannot pose "
        "as the headers the front sets.",
        ", ".join(f"{name!r:.60}" for name in names),
    )


def add_headers(
    environ: dict[str, Any],
    headers: Iterable[tuple[str, object]],
    *,
    multi_value: bool = False,
) -> None:
    """Add the ``(name, value)`` headers, joining repeated names with commas.

    With ``multi_value``, each value is a list of the header's values.
    """
    dropped = []
    for name, value in headers:
        try:
            key = _KEYS[name]
        except KeyError:
            key = environ_key(name)
        if key is None:
            dropped.append(name)
            continue
        if multi_value:
            # Most headers have one value: 6% of a small REST request inline.
            if isinstance(value, list) and len(value) == 1:
                value = value[0]
            else:
                value = joined_header_values(name, value)
                if value is None:
                    continue
        # Inline for ASCII text, as nearly every value is: 8% of a small request.
        if not (isinstance(value, str) and value.isascii()):
            value = wsgi_header_value(name, value)
        if key in environ:
            environ[key] += "," + value
        else:
            environ[key] = value
    if dropped:
        log_dropped_headers(dropped)


def joined_header_values(name: str, values: object) -> str | None:
    """The values of a multi-value header joined with commas, as PEP 3333 does.

    None for an empty list, which sends no header.
    """
    if isinstance(values, str):
        # Some published VPC Lattice samples give a lone string here.
        return values
    if not isinstance(values, list):
        raise not_a_list(values, name)
    if not values:
        return None
    for value in values:
        if not isinstance(value, str):
            wsgi_header_value(name, value)  # raises, naming the header
    return ",".join(values)


def encode_query(parameters: dict[str, Any]) -> str:
    """Encode decoded parameters (``name: value`` or ``name: [values]``) once."""
    if not parameters:
        return ""
    parts = []
    for name, values in parameters.items():
        # Letters and digits, as most names and values are, need no call to
        # quote: 20% of the 20-parameter benchmark row.
        # Names are JSON object keys, strings.
        if not (name.isalnum() and name.isascii()):
            name = quote_query_part(name)
        for value in values if isinstance(values, list) else [values]:
            if not (isinstance(value, str) and value.isalnum() and value.isascii()):
                value = quote_query_part(value)
            parts.append(f"{name}={value}")
    return "&".join(parts)


def quote_query_part(text: object) -> str:
    """Percent-encode a query name or value as an HTML form would."""
    text = string(text, "a query string name or value")
    # One character per UTF-8 byte, each quoted by the table.
    return to_wsgi_str(text).translate(_QUOTED_BYTES)


_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~"
# quote_plus(text, safe=""), a byte at a time: quote_plus costs twice the rest
# of the 20-parameter benchmark row.
_QUOTED_BYTES = tuple(
    chr(byte) if chr(byte) in _SAFE else "+" if byte == 0x20 else f"%{byte:02X}"
    for byte in range(256)
)


def describe(value: object) -> str:
    """A value's type and the start of its repr, for error messages."""
    return f"{type(value).__name__}: {value!r:.60}"


def mapping(value: object, what: str) -> dict[str, Any]:
    """An object of the event, where AWS may also send null."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    raise InvalidEventError(
        f"Expected {what} to be an object or null, got {describe(value)}"
    )


def required_mapping(value: object, what: str) -> dict[str, Any]:
    """An object of the event that AWS always sends."""
    if isinstance(value, dict):
        return value
    raise InvalidEventError(f"Expected {what} to be an object, got {describe(value)}")


def sequence(value: object, what: str) -> list[Any]:
    if isinstance(value, list):
        return value
    raise not_a_list(value, what)


def not_a_list(value: object, what: str) -> InvalidEventError:
    return InvalidEventError(
        f"Expected the values of {what!r:.60} to be a list, got {describe(value)}"
    )


def string(value: object, what: str) -> str:
    if isinstance(value, str):
        return value
    raise InvalidEventError(f"Expected {what} to be a string, got {describe(value)}")


def native_string(value: object, what: str) -> str:
    """An optional string of the event in PEP 3333's latin-1 form; "" if absent."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value if value.isascii() else to_wsgi_str(value)
    return string(value, what)


def optional_string(value: object, what: str) -> str:
    """A string of the event that AWS may leave out or send as null; "" then."""
    if value is None:
        return ""
    return string(value, what)


def request_method(value: object, what: str) -> str:
    """The HTTP method of the event, which PEP 3333 never allows to be empty."""
    if isinstance(value, str) and (
        (value.isalpha() and value.isascii()) or is_token(value)
    ):
        return value
    raise InvalidEventError(
        f"Expected {what} to be an HTTP method, got {describe(value)}"
    )


def flag(value: object, what: str) -> bool:
    """A boolean of the event; null or absent means false."""
    if value is None or value is False:
        return False
    if value is True:
        return True
    raise InvalidEventError(
        f"Expected {what} to be true, false or null, got {describe(value)}"
    )


def decode_path(path: str) -> str:
    """Percent-decode a raw path into PATH_INFO's latin-1 form."""
    if not path.startswith("/"):
        path = "/" + path
    if "%" not in path:
        return to_wsgi_str(path)
    from urllib.parse import unquote_to_bytes

    return unquote_to_bytes(path).decode("latin-1")


def named_stage_prefix(stage: str, path: str) -> tuple[str, bool]:
    """The stage at the start of an HTTP API's path, decoded, and True; or "", False.

    HTTP APIs keep a named stage (not ``$default``) in the path they send.
    """
    if stage and stage != "$default":
        prefix = "/" + stage
        if path == prefix or path.startswith(prefix + "/"):
            return decode_path(prefix), True
    return "", False


def strict_b64decode(text: str) -> bytes:
    """Decode base64, refusing anything ``base64.b64encode`` would not make.

    As ``base64.b64decode(text, validate=True)`` does on Python 3.11 and
    later, on every version, and without importing ``base64``, which imports
    ``re`` (bench/run.py's import row).
    """
    try:
        data = a2b_base64(text)
    except ValueError:  # binascii.Error, or text that is not ASCII
        raise BinasciiError("Only base64 data is allowed") from None
    # a2b_base64 skips characters outside the alphabet, so any such character
    # shows as a shorter result: padded text gives 3 bytes per 4 characters.
    length = len(text)
    padding = length - len(text.rstrip("="))
    if length % 4 or padding > 2 or len(data) != length // 4 * 3 - padding:
        raise BinasciiError("Only base64 data is allowed")
    return data


def decode_body(body: object, is_base64: bool, what: str) -> bytes:
    if not isinstance(body, str):
        raise InvalidEventError(
            f"Expected {what} to be a string or null, got {describe(body)}"
        )
    if is_base64:
        try:
            return strict_b64decode(body)
        except BinasciiError as exc:
            raise InvalidEventError(
                f"The {what} is marked as base64 but does not decode: {exc}"
            ) from None
    return body.encode("utf-8")


def set_body(
    environ: dict[str, Any],
    body: object,
    is_base64: object,
    what: str = "body",
    flag_name: str = "isBase64Encoded",
) -> None:
    """Decode the event's body into ``wsgi.input`` and ``CONTENT_LENGTH``."""
    base64 = flag(is_base64, flag_name)
    if body is None or body == "":
        environ["CONTENT_LENGTH"] = "0"
        environ["wsgi.input"] = BytesIO()
        return
    data = decode_body(body, base64, what)
    environ["CONTENT_LENGTH"] = str(len(data))
    environ["wsgi.input"] = BytesIO(data)


def set_server(
    environ: dict[str, Any], fallback_host: str, default_scheme: str
) -> None:
    """Fill wsgi.url_scheme, SERVER_NAME and SERVER_PORT, never leaving them empty."""
    scheme = environ.get("HTTP_X_FORWARDED_PROTO", default_scheme)
    if scheme not in ("https", "http"):
        scheme = scheme.partition(",")[0].strip().lower()
        if scheme not in ("https", "http"):
            scheme = default_scheme
    environ["wsgi.url_scheme"] = scheme

    host: str = environ.get("HTTP_HOST", "")
    host_port = ""
    if ":" in host and not host.endswith("]"):  # "]" ends an IPv6 address
        host, _, host_port = host.rpartition(":")
    # A Host of ":80" leaves no name; PEP 3333 wants one.
    environ["SERVER_NAME"] = host or to_wsgi_str(fallback_host) or DEFAULT_SERVER_NAME

    port = environ.get("HTTP_X_FORWARDED_PORT", "")
    if not port.isdigit():
        port = port.partition(",")[0].strip()
        if not port.isdigit():
            port = host_port if host_port.isdigit() else ""
    environ["SERVER_PORT"] = port or ("443" if scheme == "https" else "80")


def last_forwarded_for(environ: Mapping[str, Any]) -> str | None:
    """Return the rightmost X-Forwarded-For entry.

    The AWS front appended that one itself; everything to its left was sent
    by the client or by proxies in front of AWS, and can be forged.
    """
    header = environ.get("HTTP_X_FORWARDED_FOR")
    if not header:
        return None
    address: str = header.rpartition(",")[2].strip()
    return address or None


def request_path(environ: dict[str, Any]) -> str:
    """The URL path as the client sent it, decoded for people to read."""
    path: str = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    return path.encode("latin-1").decode("utf-8", "replace")


def trusted_client_address(environ: dict[str, Any], trusted_proxies: int) -> str:
    """Walk ``trusted_proxies`` X-Forwarded-For entries left of the AWS-observed one."""
    observed: str = environ["REMOTE_ADDR"]
    header = environ.get("HTTP_X_FORWARDED_FOR", "")
    entries: list[str] = (
        [entry.strip() for entry in header.split(",")] if header else []
    )
    # The observed address is usually the last entry; where the front did not
    # append it (API Gateway behind its own CloudFront) it counts as next.
    position = len(entries)
    for index in range(len(entries) - 1, -1, -1):
        if entries[index] == observed:
            position = index
            break
    index = position - trusted_proxies
    if index < 0 or not entries[index]:
        logger(__name__).warning(
            "trusted_proxies is %d but X-Forwarded-For %r has no entry that far "
            "left of the address AWS observed; using %s. Check the number of "
            "proxies in front of AWS.",
            trusted_proxies,
            header,
            observed,
        )
        return observed
    return entries[index]
