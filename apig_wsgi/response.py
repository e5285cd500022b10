"""Running a WSGI application and buffering its whole response (PEP 3333)."""

from __future__ import annotations

from apig_wsgi.text import is_field_value
from apig_wsgi.text import is_token

# typing is imported only by type checkers: importing it would double the
# time ``import apig_wsgi`` takes (bench/run.py's import row).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from types import TracebackType
    from typing import Any
    from typing import Callable
    from typing import Union

    ExcInfo = Union[
        tuple[type[BaseException], BaseException, Union[TracebackType, None]],
        tuple[None, None, None],
    ]
    WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


# Apps send the same few status lines: checking each once saves 6% of a
# small request. Status lines come from the application, so it is bounded.
_STATUS_CODES: dict[str, int] = {}
_STATUS_CODES_LIMIT = 256


def parse_status(status: object) -> int:
    """Return the code of a PEP 3333 status line, or raise naming the problem."""
    if isinstance(status, str):
        code = _STATUS_CODES.get(status)
        if code is not None:
            return code
    else:
        raise TypeError(
            f"The WSGI status must be a str such as '200 OK', not {status!r:.80}."
        )
    # PEP 3333: "three digits, a space and a reason"; the fronts take 100-599.
    digits, space, reason = status[:3], status[3:4], status[4:]
    if not (
        "100" <= digits <= "599"
        and digits.isdigit()
        and digits.isascii()
        and space == " "
        and reason
        and ((reason.isascii() and reason.isprintable()) or is_field_value(reason))
    ):
        raise ValueError(
            f"Invalid WSGI status {status!r:.80}: expected three digits from 100 "
            "to 599, a space and a reason without control characters, e.g. '200 OK'."
        )
    code = int(digits)
    if len(_STATUS_CODES) < _STATUS_CODES_LIMIT:
        _STATUS_CODES[status] = code
    return code


# The response header names already checked: apps send the same few, and
# testing each with is_token every time costs 7% of a small request. The
# names come from the application, so it is bounded.
_HEADER_NAMES: set[str] = set()
_HEADER_NAMES_LIMIT = 256


def check_header_name(name: str) -> None:
    if not is_token(name):
        raise ValueError(
            f"Invalid WSGI response header name {name!r:.80}: a header name "
            "is letters, digits and !#$%&'*+-.^_`|~ only."
        )
    if len(_HEADER_NAMES) < _HEADER_NAMES_LIMIT:
        _HEADER_NAMES.add(name)


def check_headers(headers: object) -> int:
    """Raise unless ``headers`` are PEP 3333 response headers; return their size.

    A name that is not a token or a value with CR, LF or another control
    character would let the application split the response or forge headers.
    The size, each name counted twice and each value once, bounds what the
    headers take in any front's result (see ``limits.size_bound``).
    """
    if not isinstance(headers, (list, tuple)):
        raise TypeError(
            "The WSGI response headers must be a list of (name, value) tuples, "
            f"not {type(headers).__name__}: {headers!r:.80}"
        )
    size = 0
    for header in headers:
        if not isinstance(header, (tuple, list)) or len(header) != 2:
            raise TypeError(
                "Each WSGI response header must be a (name, value) tuple, "
                f"not {header!r:.80}"
            )
        name, value = header
        if not isinstance(name, str):
            raise TypeError(
                f"The WSGI response header name {name!r:.80} is a "
                f"{type(name).__name__}; PEP 3333 requires a str."
            )
        if name not in _HEADER_NAMES:
            check_header_name(name)
        if not isinstance(value, str):
            raise TypeError(
                f"The WSGI response header {name!r} has a value of type "
                f"{type(value).__name__}; PEP 3333 requires a str: {value!r:.80}"
            )
        if not (value.isascii() and value.isprintable()) and not is_field_value(value):
            raise ValueError(
                f"Invalid value for the WSGI response header {name!r}: "
                f"{value!r:.80}. PEP 3333 allows no control characters (such "
                "as CR or LF) and only latin-1 characters."
            )
        size += 2 * len(name) + len(value)
    return size


class BufferedResponse:
    """Collects status, headers and body; Lambda can only return them whole."""

    __slots__ = (
        "body_size",
        "body_started",
        "chunks",
        "header_size",
        "headers",
        "status",
        "status_code",
    )

    def __init__(self) -> None:
        self.status = ""
        self.status_code = 0
        self.headers: list[tuple[str, str]] = []
        self.header_size = 0
        self.chunks: list[bytes] = []
        self.body_size = 0
        # PEP 3333 counts headers as sent from the first non-empty body chunk.
        self.body_started = False

    @classmethod
    def complete(
        cls, status: str, headers: list[tuple[str, str]], body: bytes
    ) -> BufferedResponse:
        """A response made here rather than by the application."""
        response = cls()
        response.start_response(status, headers)
        response.write(body)
        return response

    def start_response(
        self,
        status: str,
        headers: list[tuple[str, str]],
        exc_info: ExcInfo | None = None,
    ) -> Callable[[bytes], None]:
        if exc_info is not None:
            if self.body_started:
                raise exc_info[1].with_traceback(exc_info[2])  # type: ignore[union-attr]
        elif self.status:
            raise RuntimeError(
                "start_response() was called a second time without exc_info."
            )
        status_code = parse_status(status)
        self.header_size = check_headers(headers)
        self.headers = headers
        self.status = status
        self.status_code = status_code
        return self.write

    def write(self, data: bytes) -> None:
        if not self.status:
            raise RuntimeError(
                "The WSGI application sent body data before calling start_response()."
            )
        if not isinstance(data, bytes):
            raise TypeError(
                "The WSGI application sent body data of type "
                f"{type(data).__name__}, not bytes: {data!r:.50}"
            )
        if data:
            self.body_started = True
            self.chunks.append(data)
            self.body_size += len(data)


def run_wsgi_app(app: WSGIApp, environ: dict[str, Any]) -> BufferedResponse:
    """Call ``app`` and consume its iterable, always calling ``close()``."""
    response = BufferedResponse()
    result = app(environ, response.start_response)
    try:
        for chunk in result:
            response.write(chunk)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    if not response.status:
        raise RuntimeError(
            "The WSGI application returned without calling start_response()."
        )
    return response
