"""Running a WSGI application and buffering its whole response (PEP 3333)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable
    from types import TracebackType
    from typing import Any
    from typing import Callable
    from typing import Union

    ExcInfo = Union[
        tuple[type[BaseException], BaseException, TracebackType | None],
        tuple[None, None, None],
    ]
    WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


# Apps send the same few status lines; parsing each once is enough.
_STATUS_CODES: dict[str, int] = {}
_STATUS_CODES_LIMIT = 256

# PEP 3333: "three digits, a space and a reason"; the fronts accept 100-599.
_STATUS_LINE = re.compile(r"[1-5][0-9][0-9] [\t\x20-\x7e\x80-\xff]+")
# An RFC 9110 token.
_HEADER_NAME = re.compile(r"[-!#$%&'*+.^_`|~0-9A-Za-z]+")
# A control character (tab aside) or a code point outside latin-1, which a
# PEP 3333 native string cannot hold.
_BAD_HEADER_VALUE = re.compile(r"[^\t\x20-\x7e\x80-\xff]")


def parse_status(status: object) -> int:
    """Return the code of a PEP 3333 status line, or raise naming the problem."""
    if type(status) is not str:
        raise TypeError(
            f"The WSGI status must be a str such as '200 OK', not {status!r:.80}."
        )
    if _STATUS_LINE.fullmatch(status) is None:
        raise ValueError(
            f"Invalid WSGI status {status!r:.80}: expected three digits from 100 "
            "to 599, a space and a reason without control characters, e.g. '200 OK'."
        )
    status_code = int(status[:3])
    if len(_STATUS_CODES) < _STATUS_CODES_LIMIT:
        _STATUS_CODES[status] = status_code
    return status_code


def check_headers(headers: object) -> list[tuple[str, str]]:
    """Return ``headers`` if they are PEP 3333 response headers, else raise.

    A name that is not a token or a value with CR, LF or another control
    character would let the application split the response or forge headers.
    """
    if type(headers) is not list and type(headers) is not tuple:
        raise TypeError(
            "The WSGI response headers must be a list of (name, value) tuples, "
            f"not {type(headers).__name__}: {headers!r:.80}"
        )
    for header in headers:
        if (type(header) is not tuple and type(header) is not list) or len(header) != 2:
            raise TypeError(
                "Each WSGI response header must be a (name, value) tuple, "
                f"not {header!r:.80}"
            )
        name, value = header
        if type(name) is not str:
            raise TypeError(
                f"The WSGI response header name {name!r:.80} is a "
                f"{type(name).__name__}; PEP 3333 requires a str."
            )
        if _HEADER_NAME.fullmatch(name) is None:
            raise ValueError(
                f"Invalid WSGI response header name {name!r:.80}: a header name "
                "is letters, digits and !#$%&'*+-.^_`|~ only."
            )
        if type(value) is not str:
            raise TypeError(
                f"The WSGI response header {name!r} has a value of type "
                f"{type(value).__name__}; PEP 3333 requires a str: {value!r:.80}"
            )
        if _BAD_HEADER_VALUE.search(value) is not None:
            raise ValueError(
                f"Invalid value for the WSGI response header {name!r}: "
                f"{value!r:.80}. PEP 3333 allows no control characters (such "
                "as CR or LF) and only latin-1 characters."
            )
    return headers  # type: ignore[return-value]


class BufferedResponse:
    """Collects status, headers and body; Lambda can only return them whole."""

    __slots__ = ("body_started", "chunks", "headers", "status", "status_code")

    def __init__(self) -> None:
        self.status = ""
        self.status_code = 0
        self.headers: list[tuple[str, str]] = []
        self.chunks: list[bytes] = []
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
        status_code = _STATUS_CODES.get(status) if status.__class__ is str else None
        if status_code is None:
            status_code = parse_status(status)
        self.headers = check_headers(headers)
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


def run_wsgi_app(app: WSGIApp, environ: dict[str, Any]) -> BufferedResponse:
    """Call ``app`` and consume its iterable, always calling ``close()``."""
    response = BufferedResponse()
    result = app(environ, response.start_response)
    try:
        chunks = response.chunks
        for chunk in result:
            # The common case inline; write() handles the rest and the errors.
            if chunk.__class__ is bytes and chunk and response.status:
                chunks.append(chunk)
                response.body_started = True
            else:
                response.write(chunk)
    finally:
        # Looking for close() on a list, the usual result, costs an exception.
        if result.__class__ is not list:
            close = getattr(result, "close", None)
            if close is not None:
                close()
    if not response.status:
        raise RuntimeError(
            "The WSGI application returned without calling start_response()."
        )
    return response
