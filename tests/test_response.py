from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest

from apig_wsgi import make_lambda_handler
from tests.utils import load_event

EVENT = load_event("aws-lambda-go/apigw-v2-request-no-authorizer.json")
StartResponse = Any


class ClosingBody:
    """A response iterable that records whether close() was called."""

    def __init__(self, chunks: list[bytes], fail_at: int | None = None) -> None:
        self.chunks = chunks
        self.fail_at = fail_at
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        for index, chunk in enumerate(self.chunks):
            if index == self.fail_at:
                raise RuntimeError("boom while iterating")
            yield chunk

    def close(self) -> None:
        self.closed = True


def call(app: Any) -> dict[str, Any]:
    result: dict[str, Any] = make_lambda_handler(app)(EVENT, None)
    return result


def text_result(body: str) -> dict[str, Any]:
    return {
        "statusCode": 200,
        "headers": {"content-type": "text/plain"},
        "cookies": [],
        "body": body,
        "isBase64Encoded": False,
    }


def test_write_callable_and_iterable_are_joined() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"from write, ")
        write(b"")
        return [b"from ", b"iterable"]

    assert call(app) == text_result("from write, from iterable")


def test_generator_app_calls_start_response_lazily() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterator[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        yield b"lazy"

    assert call(app) == text_result("lazy")


def test_close_is_called() -> None:
    body = ClosingBody([b"a", b"b"])

    def app(environ: dict[str, Any], start_response: StartResponse) -> ClosingBody:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return body

    call(app)
    assert body.closed is True


def test_close_is_called_when_iteration_fails() -> None:
    body = ClosingBody([b"a", b"b"], fail_at=1)

    def app(environ: dict[str, Any], start_response: StartResponse) -> ClosingBody:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return body

    with pytest.raises(RuntimeError):
        call(app)
    assert body.closed is True


def test_exc_info_before_body_replaces_status_and_headers() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain"), ("X-Old", "1")])
        try:
            raise ValueError("failed while rendering")
        except ValueError:
            start_response(
                "500 Internal Server Error",
                [("Content-Type", "text/plain")],
                sys.exc_info(),
            )
        return [b"error page"]

    assert call(app) == {
        "statusCode": 500,
        "headers": {"content-type": "text/plain"},
        "cookies": [],
        "body": "error page",
        "isBase64Encoded": False,
    }


def test_exc_info_after_body_reraises() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterator[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        yield b"partial"
        try:
            raise ValueError("failed after the body started")
        except ValueError:
            start_response("500 Internal Server Error", [], sys.exc_info())
        yield b"never"

    with pytest.raises(ValueError) as excinfo:
        call(app)
    assert str(excinfo.value) == "failed after the body started"


def test_exc_info_before_any_start_response() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        try:
            raise KeyError("x")
        except KeyError:
            start_response("500 Internal Server Error", [], sys.exc_info())
        return [b"oops"]

    assert call(app) == {
        "statusCode": 500,
        "headers": {},
        "cookies": [],
        # No content type: binary, so base64.
        "body": "b29wcw==",
        "isBase64Encoded": True,
    }


def test_second_start_response_without_exc_info_is_an_error() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        start_response("200 OK", [])
        start_response("404 Not Found", [])
        return []

    with pytest.raises(RuntimeError) as excinfo:
        call(app)
    assert str(excinfo.value) == (
        "start_response() was called a second time without exc_info."
    )


def test_start_response_never_called() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        return []

    with pytest.raises(RuntimeError) as excinfo:
        call(app)
    assert str(excinfo.value) == (
        "The WSGI application returned without calling start_response()."
    )


def test_body_before_start_response() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        return [b"early"]

    with pytest.raises(RuntimeError) as excinfo:
        call(app)
    assert str(excinfo.value) == (
        "The WSGI application sent body data before calling start_response()."
    )


def test_str_body_chunk_is_rejected() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[str]:
        start_response("200 OK", [])
        return ["text"]

    with pytest.raises(TypeError) as excinfo:
        call(app)
    assert str(excinfo.value) == (
        "The WSGI application sent body data of type str, not bytes: 'text'"
    )


@pytest.mark.parametrize(
    "status",
    [
        "200",
        "OK",
        "2000 OK",
        "abc OK",
        "200 ",
        "999 Weird",
        "099 Too low",
        "\u00b200 OK",
        "200 OK\r\nX-Injected: 1",
        "200 OK\n",
        "200 \u2603",
    ],
)
def test_invalid_status(status: str) -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        start_response(status, [])
        return []

    with pytest.raises(ValueError) as excinfo:
        call(app)
    assert str(excinfo.value) == (
        f"Invalid WSGI status {status!r}: expected three digits from 100 to 599, "
        "a space and a reason without control characters, e.g. '200 OK'."
    )


@pytest.mark.parametrize("status", ["100 Continue", "599 Custom", "200 Ok\tthen"])
def test_status_edges_are_accepted(status: str) -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        start_response(status, [])
        return []

    assert call(app) == {
        "statusCode": int(status[:3]),
        "headers": {},
        "cookies": [],
        "body": "",
        "isBase64Encoded": False,
    }


def test_many_distinct_status_lines_are_accepted() -> None:
    # More than the checked status lines the response module remembers.
    statuses = [f"{code} Reason {index}" for index in range(300) for code in (201, 404)]
    codes = []
    for status in statuses:

        def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
            start_response(status, [])  # noqa: B023
            return []

        codes.append(call(app)["statusCode"])
    assert codes == [201, 404] * 300


def test_status_not_a_string() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        start_response(200, [])
        return []

    with pytest.raises(TypeError) as excinfo:
        call(app)
    assert str(excinfo.value) == (
        "The WSGI status must be a str such as '200 OK', not 200."
    )


def call_with_headers(headers: Any) -> dict[str, Any]:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        start_response("200 OK", headers)
        return [b"body"]

    return call(app)


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (
            {"Content-Type": "text/plain"},
            "The WSGI response headers must be a list of (name, value) tuples, "
            "not dict: {'Content-Type': 'text/plain'}",
        ),
        (
            "Content-Type: text/plain",
            "The WSGI response headers must be a list of (name, value) tuples, "
            "not str: 'Content-Type: text/plain'",
        ),
        (
            ["Content-Type"],
            "Each WSGI response header must be a (name, value) tuple, "
            "not 'Content-Type'",
        ),
        (
            [("Content-Type", "text/plain", "extra")],
            "Each WSGI response header must be a (name, value) tuple, "
            "not ('Content-Type', 'text/plain', 'extra')",
        ),
        (
            [(b"Content-Type", "text/plain")],
            "The WSGI response header name b'Content-Type' is a bytes; "
            "PEP 3333 requires a str.",
        ),
        (
            [(5, "text/plain")],
            "The WSGI response header name 5 is a int; PEP 3333 requires a str.",
        ),
        (
            [("Content-Type", b"text/plain")],
            "The WSGI response header 'Content-Type' has a value of type bytes; "
            "PEP 3333 requires a str: b'text/plain'",
        ),
        (
            [("X-Count", 5)],
            "The WSGI response header 'X-Count' has a value of type int; "
            "PEP 3333 requires a str: 5",
        ),
    ],
)
def test_headers_of_wrong_type_are_refused(headers: Any, message: str) -> None:
    with pytest.raises(TypeError) as excinfo:
        call_with_headers(headers)
    assert str(excinfo.value) == message


@pytest.mark.parametrize(
    "name", ["X-Injected\r\nSet-Cookie", "X Space", "X:Colon", "", "X-\u00e9"]
)
def test_invalid_header_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        call_with_headers([(name, "1")])
    assert str(excinfo.value) == (
        f"Invalid WSGI response header name {name!r}: a header name is letters, "
        "digits and !#$%&'*+-.^_`|~ only."
    )


@pytest.mark.parametrize(
    "value",
    [
        "a\r\nSet-Cookie: admin=1",
        "a\nb",
        "a\rb",
        "nul\x00",
        "del\x7f",
        "snowman \u2603",
        "lone \ud800",
    ],
)
def test_invalid_header_values_are_refused(value: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        call_with_headers([("X-Reflected", value)])
    assert str(excinfo.value) == (
        f"Invalid value for the WSGI response header 'X-Reflected': {value!r}. "
        "PEP 3333 allows no control characters (such as CR or LF) and only "
        "latin-1 characters."
    )


def test_valid_headers_pass_unchanged() -> None:
    headers = [
        ("Content-Type", "text/plain"),
        ("X_Underscore", "tab\tand latin-1 caf\u00e9"),
        ("X-Empty", ""),
    ]
    assert call_with_headers(tuple(headers)) == {
        **text_result("body"),
        "headers": {
            "content-type": "text/plain",
            "x_underscore": "tab\tand latin-1 caf\u00e9",
            "x-empty": "",
        },
    }


def test_many_distinct_header_names_are_accepted() -> None:
    # More than the checked header names the response module remembers.
    headers = [("Content-Type", "text/plain")]
    headers += [(f"X-Name-{index}", str(index)) for index in range(600)]
    result = call_with_headers(headers)
    assert result == {
        **text_result("body"),
        "headers": {name.lower(): value for name, value in headers},
    }
    assert call_with_headers(headers) == result


def test_list_headers_are_accepted() -> None:
    result = call_with_headers([["Content-Type", "text/plain"]])
    assert result == text_result("body")


def injecting_app(
    environ: dict[str, Any], start_response: StartResponse
) -> list[bytes]:
    start_response("200 OK", [("Location", "/next\r\nX-Injected: 1")])
    return [b""]


def test_invalid_header_becomes_500_with_catch_exceptions() -> None:
    result = make_lambda_handler(injecting_app, catch_exceptions=True)(EVENT, None)
    assert result == {
        "statusCode": 500,
        "headers": {"content-type": "text/plain; charset=utf-8"},
        "cookies": [],
        "body": "Internal Server Error",
        "isBase64Encoded": False,
    }


def test_invalid_header_caught_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    make_lambda_handler(injecting_app, catch_exceptions=True)(EVENT, None)
    assert [
        (record.getMessage(), record.exc_info and str(record.exc_info[1]))
        for record in caplog.records
    ] == [
        (
            "Exception in the WSGI application for GET /; sent a 500 response.",
            "Invalid value for the WSGI response header 'Location': "
            "'/next\\r\\nX-Injected: 1'. PEP 3333 allows no control characters "
            "(such as CR or LF) and only latin-1 characters.",
        )
    ]


def test_application_exception_propagates() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        raise ZeroDivisionError("app bug")

    with pytest.raises(ZeroDivisionError) as excinfo:
        call(app)
    assert str(excinfo.value) == "app bug"


def test_tuple_result_without_close() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> tuple[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return (b"from a tuple",)

    assert call(app) == text_result("from a tuple")
