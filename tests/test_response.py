from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest

from apig_wsgi import make_lambda_handler
from apig_wsgi import response as response_module
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


def test_write_callable_and_iterable_are_joined() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"from write, ")
        write(b"")
        return [b"from ", b"iterable"]

    assert call(app)["body"] == "from write, from iterable"


def test_generator_app_calls_start_response_lazily() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterator[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        yield b"lazy"

    assert call(app)["body"] == "lazy"


def test_close_is_called() -> None:
    body = ClosingBody([b"a", b"b"])

    def app(environ: dict[str, Any], start_response: StartResponse) -> ClosingBody:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return body

    assert call(app)["body"] == "ab"
    assert body.closed


def test_close_is_called_when_iteration_fails() -> None:
    body = ClosingBody([b"a", b"b"], fail_at=1)

    def app(environ: dict[str, Any], start_response: StartResponse) -> ClosingBody:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return body

    with pytest.raises(RuntimeError, match="boom while iterating"):
        call(app)
    assert body.closed


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

    with pytest.raises(ValueError, match="failed after the body started"):
        call(app)


def test_exc_info_before_any_start_response() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        try:
            raise KeyError("x")
        except KeyError:
            start_response("500 Internal Server Error", [], sys.exc_info())
        return [b"oops"]

    assert call(app)["statusCode"] == 500


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


@pytest.mark.parametrize("status", ["200", "OK", "2000 OK", "abc OK", "200 "])
def test_invalid_status(status: str) -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        start_response(status, [])
        return []

    with pytest.raises(ValueError, match="Invalid WSGI status"):
        call(app)


def test_status_not_a_string() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        start_response(200, [])
        return []

    with pytest.raises(TypeError) as excinfo:
        call(app)
    assert str(excinfo.value) == (
        "The WSGI status must be a str such as '200 OK', not 200."
    )


def test_invalid_status_message() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        start_response("OK", [])
        return []

    with pytest.raises(ValueError) as excinfo:
        call(app)
    assert str(excinfo.value) == "Invalid WSGI status 'OK': expected e.g. '200 OK'."


def test_application_exception_propagates() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        raise ZeroDivisionError("app bug")

    with pytest.raises(ZeroDivisionError, match="app bug"):
        call(app)


def test_tuple_result_without_close() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> tuple[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return (b"from a tuple",)

    assert call(app)["body"] == "from a tuple"


def test_status_cache_is_bounded() -> None:
    limit = response_module._STATUS_CODES_LIMIT
    for index in range(limit + 10):
        status = f"299 Custom {index}"

        def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
            start_response(status, [("Content-Type", "text/plain")])  # noqa: B023
            return [b""]

        assert call(app)["statusCode"] == 299
    assert len(response_module._STATUS_CODES) == limit
