"""Pieces of the runtime that a subprocess cannot easily reach."""

from __future__ import annotations

import io
import logging
import socket
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from apig_wsgi.runtime.client import RuntimeClient
from apig_wsgi.runtime.client import send_chunk
from apig_wsgi.runtime.loading import InitError
from apig_wsgi.runtime.loading import is_wsgi_app
from apig_wsgi.runtime.loading import load_handler
from apig_wsgi.runtime.loading import load_object
from apig_wsgi.runtime.loop import configure_logging
from tests.runtime import apps


def test_callable_without_a_signature_is_a_handler() -> None:
    # Some C callables have no signature; the runtime calls them as handlers.
    assert is_wsgi_app(dict) is False


def test_either_wsgi_parameter_name_marks_a_wsgi_app() -> None:
    def named_environ(environ: Any, respond: Any) -> Any: ...

    def named_start_response(env: Any, start_response: Any) -> Any: ...

    def handler(event: Any, context: Any) -> Any: ...

    assert [is_wsgi_app(f) for f in (named_environ, named_start_response, handler)] == [
        True,
        True,
        False,
    ]


def test_attribute_after_a_colon_may_be_dotted() -> None:
    assert load_object("tests.runtime.apps:Closing.close") is apps.Closing.close


def test_missing_part_of_a_dotted_attribute_is_named() -> None:
    with pytest.raises(InitError) as caught:
        load_object("tests.runtime.apps:Closing.open")
    assert (caught.value.error_type, str(caught.value)) == (
        "Runtime.HandlerNotFound",
        "Handler 'Closing.open' missing on module 'tests.runtime.apps'.",
    )


def test_fronts_of_the_environment_variable_may_have_spaces() -> None:
    handler = load_handler("tests.testing.apps.app", " function-url , rest ,")
    assert handler.fronts == frozenset({"function-url", "rest"})


def test_logging_already_set_up_is_left_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stdout = io.StringIO()
    monkeypatch.setattr(sys, "stdout", stdout)
    handlers = list(logging.getLogger().handlers)
    assert handlers  # pytest's own capture handlers
    configure_logging()
    assert logging.getLogger().handlers == handlers


@pytest.fixture
def runtime_api() -> Iterator[socket.socket]:
    """A listening socket on 127.0.0.1 that plays the Runtime API by hand."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(5)
        yield server


def test_small_chunks_leave_without_waiting_for_an_ack(
    runtime_api: socket.socket,
) -> None:
    client = RuntimeClient(f"127.0.0.1:{runtime_api.getsockname()[1]}")
    connection = client.connect()
    try:
        nodelay = connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        client.close()
    assert nodelay != 0


def test_stream_ends_by_closing_the_connection(runtime_api: socket.socket) -> None:
    client = RuntimeClient(f"127.0.0.1:{runtime_api.getsockname()[1]}")
    send_chunk(client.open_stream("request-1"), b"body")
    accepted, _ = runtime_api.accept()
    with accepted:
        accepted.settimeout(5)
        # An answer that keeps the connection open: the runtime closes it anyway.
        accepted.sendall(b"HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n{}")
        reply = client.end_stream([])
        received = b""
        while chunk := accepted.recv(65536):
            received += chunk
    assert (reply.status, reply.body) == (202, b"{}")
    assert received.endswith(b"\r\n\r\n4\r\nbody\r\n0\r\n\r\n")
