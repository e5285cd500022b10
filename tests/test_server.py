from __future__ import annotations

import base64
import http.client
import json
import logging
import math
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import pytest

from apig_wsgi.server import DEFAULT_READ_TIMEOUT
from apig_wsgi.server import MAX_REQUEST_BODY
from apig_wsgi.server import LocalServer
from apig_wsgi.streaming import make_streaming_handler
from apig_wsgi.testing.client import LambdaContext
from apig_wsgi.testing.events import FORMATS
from apig_wsgi.testing.responses import decode_result
from tests.testing.apps import BINARY
from tests.testing.apps import huge_handler
from tests.testing.apps import lambda_handler as echo_handler
from tests.testing.apps import malformed_handler
from tests.testing.apps import raw_base64_handler
from tests.testing.apps import reflecting_handler
from tests.testing.corpus import front


@contextmanager
def running(handler: Any = echo_handler, **kwargs: Any) -> Iterator[LocalServer]:
    server = LocalServer(("127.0.0.1", 0), handler, **kwargs)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,))
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def urlopen(request: urllib.request.Request | str) -> Any:
    return urllib.request.urlopen(request, timeout=30)


def fetch(url: str) -> bytes:
    with urlopen(url) as response:
        body: bytes = response.read()
    return body


def connect(server: LocalServer) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=30)


@pytest.mark.parametrize(
    "case", ["rest", "http-v2", "function-url", "alb-multi", "edge"]
)
def test_urllib_post_echo(case: str) -> None:
    with running(**front(case), binary_media_types=["*/*"]) as server:
        request = urllib.request.Request(
            server.url + "caf%C3%A9/x?q=caf%C3%A9&r=a%2Bb%26c",
            data=BINARY,
            headers={"Content-Type": "application/octet-stream", "Cookie": "s=1"},
            method="POST",
        )
        with urlopen(request) as response:
            assert response.status == 201
            assert response.reason == "Created"
            assert response.headers.get_all("Set-Cookie") == [
                "c1=1; Path=/",
                "c2=2; Path=/",
            ]
            echo = json.loads(response.read())
    assert echo["path_info"] == "/caf\u00c3\u00a9/x"
    assert sorted(echo["query_string"].split("&")) == ["q=caf%C3%A9", "r=a%2Bb%26c"]
    assert base64.b64decode(echo["body"]) == BINARY
    assert echo["headers"]["HTTP_COOKIE"] == "s=1"
    assert echo["remote_addr"] == "127.0.0.1"
    assert echo["url_scheme"] == ("https" if case == "edge" else "http")


def test_host_and_port_reach_the_app() -> None:
    with running(format="http-v2") as server, urlopen(server.url) as response:
        echo = json.loads(response.read())
    assert echo["headers"]["HTTP_HOST"] == f"127.0.0.1:{server.server_port}"
    assert echo["headers"]["HTTP_X_FORWARDED_PORT"] == str(server.server_port)


@pytest.mark.parametrize(
    "method", ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
)
def test_methods_with_http_client(method: str) -> None:
    with running() as server:
        connection = connect(server)
        connection.request(method, "/m", body=b"x" if method != "GET" else None)
        response = connection.getresponse()
        body = response.read()
        connection.close()
    assert response.status == 201
    if method == "HEAD":
        assert body == b""
        assert int(response.headers["Content-Length"]) > 0
    else:
        assert json.loads(body)["method"] == method


def test_repeated_request_headers_and_response_headers() -> None:
    with running(format="rest") as server:
        connection = connect(server)
        connection.putrequest("GET", "/prod/h")
        connection.putheader("X-Repeat", "one")
        connection.putheader("X-Repeat", "two")
        connection.endheaders()
        response = connection.getresponse()
        echo = json.loads(response.read())
        connection.close()
    assert echo["headers"]["HTTP_X_REPEAT"] == "one,two"
    assert response.headers.get_all("X-Multi") == ["a", "b"]


def test_unicode_and_reserved_query_string() -> None:
    query = "q=" + quote("caf\u00e9 & co/?#=", safe="") + "&empty=&x=%2B"
    with (
        running(format="http-v2") as server,
        urlopen(server.url + "?" + query) as response,
    ):
        echo = json.loads(response.read())
    assert echo["query_string"] == query


def test_binary_download() -> None:
    with (
        running(format="http-v2") as server,
        urlopen(server.url + "binary") as response,
    ):
        assert response.read() == BINARY


def test_rest_base64_body_without_binary_media_type_is_text() -> None:
    with running(raw_base64_handler, format="rest") as server:
        assert fetch(server.url) == base64.b64encode(b"\x89PNG")


def test_rest_base64_body_with_binary_media_type_is_decoded() -> None:
    with (
        running(
            raw_base64_handler, format="rest", binary_media_types=["image/png"]
        ) as server,
        urlopen(server.url) as response,
    ):
        assert response.read() == b"\x89PNG"


def test_large_upload_and_download() -> None:
    size = 3 * 1024 * 1024
    with running(format="http-v2") as server:
        request = urllib.request.Request(server.url, data=b"\xff" * size, method="PUT")
        with urlopen(request) as response:
            assert len(base64.b64decode(json.loads(response.read())["body"])) == size
        with urlopen(server.url + f"large?size={size}") as response:
            assert response.read() == b"a" * size


@pytest.mark.parametrize(("format", "status"), [("rest", 500), ("function-url", 413)])
def test_request_over_lambda_limit_is_refused(
    format: str, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    with running(format=format) as server:
        request = urllib.request.Request(
            server.url, data=b"\xff" * (5 * 1024 * 1024), method="PUT"
        )
        with pytest.raises(urllib.error.HTTPError) as excinfo:
            urlopen(request)
    assert excinfo.value.code == status
    excinfo.value.close()
    # The size counts the event, whose Host header holds the server's port.
    [message] = [record.getMessage() for record in caplog.records]
    assert message.startswith(f"The {format} integration refuses: the request is ")
    assert message.endswith(" bytes, over the limit of 6291456 bytes.")


def test_malformed_result_is_502(caplog: pytest.LogCaptureFixture) -> None:
    with running(malformed_handler, format="rest") as server:
        with pytest.raises(urllib.error.HTTPError) as excinfo:
            urlopen(server.url)
        assert excinfo.value.code == 502
        assert excinfo.value.read() == b'{"message": "Internal server error"}'
        excinfo.value.close()
    assert [record.getMessage() for record in caplog.records] == [
        "The rest integration would answer 502: statusCode must be an HTTP status "
        "code, not 'twelve'."
    ]


@pytest.mark.parametrize(
    ("format", "status", "reason"),
    [
        ("rest", 502, "7340089 bytes, over the Lambda limit of 6291456 bytes"),
        ("http-v2", 500, "7340089 bytes, over the Lambda limit of 6291456 bytes"),
        ("alb", 502, "2097209 bytes, over the ALB limit of 1048576 bytes"),
    ],
)
def test_oversized_result_fails_like_aws(
    format: str, status: int, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    size = 2 * 1024 * 1024 if format == "alb" else 7 * 1024 * 1024
    with running(huge_handler, format=format) as server:
        with pytest.raises(urllib.error.HTTPError) as excinfo:
            urlopen(server.url + f"?size={size}")
        assert excinfo.value.code == status
        excinfo.value.close()
    assert [record.getMessage() for record in caplog.records] == [
        f"The {format} integration would answer {status}: the response is {reason}."
    ]


def test_handler_exception_is_502_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    with running(format="alb") as server:
        with pytest.raises(urllib.error.HTTPError) as excinfo:
            urlopen(server.url + "error")
        assert excinfo.value.code == 502
        excinfo.value.close()
    assert [
        (record.getMessage(), record.exc_info and str(record.exc_info[1]))
        for record in caplog.records
    ] == [("The Lambda handler raised an exception.", "the app failed")]


def test_concurrent_requests() -> None:
    def fetch(number: int) -> tuple[int, str]:
        with urlopen(server.url + f"n?i={number}") as response:
            return number, json.loads(response.read())["query_string"]

    with running(format="http-v2") as server, ThreadPoolExecutor(8) as pool:
        results = list(pool.map(fetch, range(40)))
    assert results == [(number, f"i={number}") for number in range(40)]


def test_multipart_form_upload() -> None:
    body = (
        b"--frontier\r\n"
        b'Content-Disposition: form-data; name="name"\r\n\r\nAda\r\n'
        b"--frontier\r\n"
        b'Content-Disposition: form-data; name="file"; filename="a.bin"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n" + BINARY + b"\r\n"
        b"--frontier--\r\n"
    )
    content_type = "multipart/form-data; boundary=frontier"
    with running(format="http-v2") as server:
        connection = connect(server)
        connection.request(
            "POST", "/", body=body, headers={"Content-Type": content_type}
        )
        response = connection.getresponse()
        echo = json.loads(response.read())
        connection.close()
    assert response.status == 201
    assert echo["headers"]["CONTENT_TYPE"] == content_type
    assert base64.b64decode(echo["body"]) == body


def test_chunked_upload() -> None:
    with running(format="http-v2") as server:
        connection = connect(server)
        connection.request(
            "POST", "/", body=iter([b"abc", b"", b"def"]), encode_chunked=True
        )
        echo = json.loads(connection.getresponse().read())
        connection.close()
    assert base64.b64decode(echo["body"]) == b"abcdef"
    assert echo["headers"]["CONTENT_LENGTH"] == "6"


def raw_exchange(
    server: LocalServer, request: bytes, *, half_close: bool = False
) -> bytes:
    """Send ``request`` and read until the server closes the connection.

    ``half_close`` ends the client's side after sending, as a client that
    has nothing more to send does.
    """
    with socket.create_connection(
        ("127.0.0.1", server.server_port), timeout=30
    ) as sock:
        sock.sendall(request)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


TOO_LARGE_LENGTH = f"Content-Length: {MAX_REQUEST_BODY + 1}\r\n\r\n".encode()


def status_line(answer: bytes) -> bytes:
    return answer.split(b"\r\n")[0]


@pytest.mark.parametrize(
    ("request_bytes", "expected"),
    [
        (
            b"GET http://example.com/ HTTP/1.1\r\nConnection: close\r\n\r\n",
            b"HTTP/1.1 400 Unsupported request target 'http://example.com/'",
        ),
        (
            b"POST / HTTP/1.1\r\nContent-Length: x\r\nConnection: close\r\n\r\n",
            b"HTTP/1.1 400 Invalid Content-Length 'x'",
        ),
        # A superscript two is a digit to str.isdigit() but not to int().
        (
            b"POST / HTTP/1.1\r\nContent-Length: \xb2\r\n\r\n",
            b"HTTP/1.1 400 Invalid Content-Length '\xb2'",
        ),
        (
            b"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
            b"HTTP/1.1 400 Conflicting Content-Length values ['3', '4']",
        ),
        (
            (
                b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
                b"Content-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
            ),
            b"HTTP/1.1 400 Both Transfer-Encoding and Content-Length are set",
        ),
        (
            b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
            b"HTTP/1.1 501 Unsupported Transfer-Encoding 'gzip, chunked'",
        ),
        (
            (
                b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
                b"Connection: close\r\n\r\nzz\r\n"
            ),
            b"HTTP/1.1 400 Invalid chunk size b'zz'",
        ),
        # int() takes all three; a negative size used to read until the
        # client closed the connection.
        (
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nabc",
            b"HTTP/1.1 400 Invalid chunk size b'-5'",
        ),
        (
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0x3\r\nabc",
            b"HTTP/1.1 400 Invalid chunk size b'0x3'",
        ),
        (
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1_0\r\nabc",
            b"HTTP/1.1 400 Invalid chunk size b'1_0'",
        ),
        (
            (
                b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"3\r\nabcdef\r\n0\r\n\r\n"
            ),
            b"HTTP/1.1 400 Chunk data is not followed by a line end",
        ),
        (
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + b"1" * 70000,
            b"HTTP/1.1 400 Chunked body line too long",
        ),
        # An obsolete folded line would put CR LF into the event.
        (
            b"GET / HTTP/1.1\r\nX-Folded: a\r\n b\r\n\r\n",
            b"HTTP/1.1 400 Invalid value for header 'X-Folded'",
        ),
        (
            b"GET / HTTP/1.1\r\nX-Nul: a\x00b\r\n\r\n",
            b"HTTP/1.1 400 Invalid value for header 'X-Nul'",
        ),
        # A bare CR ended the header section early: X-Next was lost.
        (
            b"GET / HTTP/1.1\r\nX-Cr: a\rb\r\nX-Next: 1\r\n\r\n",
            b"HTTP/1.1 400 Malformed header section",
        ),
        (
            b"GET / HTTP/1.1\r\nBad Name: 1\r\n\r\n",
            b"HTTP/1.1 400 Malformed header section",
        ),
        # Lines the parser would drop: no name, or a continuation first.
        (
            b"GET / HTTP/1.1\r\n: 1\r\n\r\n",
            b"HTTP/1.1 400 Malformed header section",
        ),
        (
            b"GET / HTTP/1.1\r\n X-Indented: 1\r\n\r\n",
            b"HTTP/1.1 400 Malformed header section",
        ),
        (
            b"POST / HTTP/1.1\r\n" + TOO_LARGE_LENGTH,
            f"HTTP/1.1 413 Request body over {MAX_REQUEST_BODY} bytes".encode(),
        ),
        (
            (
                b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"3\r\nabc\r\n" + f"{MAX_REQUEST_BODY - 2:x}\r\n".encode()
            ),
            f"HTTP/1.1 413 Request body over {MAX_REQUEST_BODY} bytes".encode(),
        ),
    ],
)
def test_malformed_framing_is_answered(request_bytes: bytes, expected: bytes) -> None:
    with running() as server:
        answer = raw_exchange(server, request_bytes)
    head = answer.partition(b"\r\n\r\n")[0].split(b"\r\n")
    assert head[0] == expected
    # The rest of what the client sent cannot be trusted to frame a request.
    assert b"Connection: close" in head


@pytest.mark.parametrize(
    ("request_bytes", "expected"),
    [
        (
            b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc",
            b"HTTP/1.1 400 The request body ended early",
        ),
        (
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabc",
            b"HTTP/1.1 400 The request body ended early",
        ),
        (
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5",
            b"HTTP/1.1 400 The request body ended early",
        ),
        (
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc",
            b"HTTP/1.1 400 The request body ended early",
        ),
        (
            (
                b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"3\r\nabc\r\n0\r\nX-Trailer: 1"
            ),
            b"HTTP/1.1 400 The request body ended early",
        ),
    ],
)
def test_body_cut_short_by_the_client_is_400(
    request_bytes: bytes, expected: bytes
) -> None:
    with running() as server:
        answer = raw_exchange(server, request_bytes, half_close=True)
    assert status_line(answer) == expected


def test_body_too_large_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with running() as server:
        raw_exchange(
            server,
            b"PUT / HTTP/1.1\r\n" + TOO_LARGE_LENGTH,
        )
    assert caplog.messages == [
        "Every AWS front refuses a request body over 10485760 bytes."
    ]


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: 1",
    ],
)
def test_stalled_body_is_408(request_bytes: bytes) -> None:
    with running(read_timeout=0.2) as server:
        answer = raw_exchange(server, request_bytes)
    assert status_line(answer) == (
        b"HTTP/1.1 408 The request body did not arrive in time"
    )


@pytest.mark.parametrize(
    "request_bytes",
    [
        # Nothing at all, part of a request line, part of the headers.
        b"",
        b"GET / HT",
        b"GET / HTTP/1.1\r\nHost: x",
    ],
)
def test_idle_or_incomplete_request_is_closed(
    request_bytes: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="apig_wsgi.server")
    with running(read_timeout=0.2) as server:
        assert raw_exchange(server, request_bytes) == b""
    [message] = caplog.messages
    assert message.startswith("127.0.0.1 Request timed out: ")


def test_kept_alive_connection_is_closed_when_idle() -> None:
    with running(read_timeout=0.2) as server:
        answer = raw_exchange(server, b"GET /one HTTP/1.1\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert status_line(head) == b"HTTP/1.1 201 Created"
    assert json.loads(body)["path_info"] == "/one"


def test_read_timeout_default() -> None:
    server = LocalServer(("127.0.0.1", 0), echo_handler)
    server.server_close()
    assert server.read_timeout == DEFAULT_READ_TIMEOUT == 60.0


@pytest.mark.parametrize("value", [0, -1.0, math.nan, math.inf])
def test_read_timeout_must_be_positive(value: float) -> None:
    with pytest.raises(ValueError) as excinfo:
        LocalServer(("127.0.0.1", 0), echo_handler, read_timeout=value)
    assert str(excinfo.value) == (
        f"read_timeout must be a positive number of seconds, not {value!r}."
    )


@pytest.mark.parametrize("value", ["5", True, None])
def test_read_timeout_must_be_a_number(value: Any) -> None:
    with pytest.raises(TypeError) as excinfo:
        LocalServer(("127.0.0.1", 0), echo_handler, read_timeout=value)
    assert str(excinfo.value) == (
        f"read_timeout must be a number of seconds, not {value!r}."
    )


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        (
            "X-Reflected=a%0D%0ASet-Cookie:%20admin=1",
            "the value of header 'X-Reflected' has a control character: "
            "'a\\r\\nSet-Cookie: admin=1'",
        ),
        (
            "X-Reflected%0D%0ASet-Cookie:%20admin=1",
            "the header name 'X-Reflected\\r\\nSet-Cookie: admin' is not an HTTP token",
        ),
        (
            "X%20Reflected=1",
            "the header name 'X Reflected' is not an HTTP token",
        ),
        (
            "status=200%20OK%0D%0ASet-Cookie:%20admin=1",
            "the status reason 'OK\\r\\nSet-Cookie: admin=1' has a control character",
        ),
        (
            "X-Long=" + "a" * 100 + "%0A",
            "the value of header 'X-Long' has a control character: "
            f"'{'a' * 80}'... (101 characters)",
        ),
    ],
)
def test_response_that_would_split_is_500(
    query: str, problem: str, caplog: pytest.LogCaptureFixture
) -> None:
    with running(reflecting_handler, format="alb") as server:
        answer = raw_exchange(
            server, f"GET /?{query} HTTP/1.1\r\nConnection: close\r\n\r\n".encode()
        )
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == b"HTTP/1.1 500 Internal Server Error"
    assert [line.partition(b":")[0] for line in lines[1:]] == [
        b"Server",
        b"Date",
        b"Content-Type",
        b"Content-Length",
    ]
    assert body == b"Internal Server Error"
    assert caplog.messages == [
        f"The response cannot be sent: {problem}. Answering 500 instead."
    ]


def test_non_ascii_response_header_is_sent_as_utf8() -> None:
    with running(reflecting_handler, format="alb") as server:
        answer = raw_exchange(
            server,
            b"GET /?X-Price=%E2%82%AC5&status=200%20D%C3%A9j%C3%A0%20vu HTTP/1.1\r\n"
            b"Connection: close\r\n\r\n",
        )
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == "HTTP/1.1 200 Déjà vu".encode()
    assert "X-Price: €5".encode() in lines
    assert body == b"reflected"


def event_header(event: dict[str, Any], name: str) -> list[str]:
    """All values of header ``name`` (lower case) in an event of any format."""
    if "Records" in event:
        entries = event["Records"][0]["cf"]["request"]["headers"][name]
        return [entry["value"] for entry in entries]
    headers = event.get("multiValueHeaders") or event["headers"]
    values = next(value for key, value in headers.items() if key.lower() == name)
    return values if isinstance(values, list) else [values]


@pytest.mark.parametrize("format", FORMATS)
def test_raw_non_ascii_request_bytes(format: str) -> None:
    events: list[dict[str, Any]] = []

    def recording_handler(event: dict[str, Any], context: Any) -> Any:
        events.append(event)
        return echo_handler(event, context)

    with running(recording_handler, format=format) as server:
        answer = raw_exchange(
            server,
            f"GET {server.stage_prefix}/café?q=ü HTTP/1.1\r\n".encode()
            + b"X-Name: \xc3\xbc\r\nX-Latin: caf\xe9\r\nCookie: a=\xc3\xbc\r\n"
            + b"Connection: close\r\n\r\n",
        )
    [event] = events
    # The event holds text, as the front sends it: UTF-8 decoded, and U+FFFD
    # for bytes that are not UTF-8.
    assert event_header(event, "x-name") == ["ü"]
    assert event_header(event, "x-latin") == ["caf\ufffd"]
    assert "\u00c3" not in json.dumps(event)
    echo = json.loads(answer.partition(b"\r\n\r\n")[2])

    def native(text: str) -> str:
        return text.encode("utf-8").decode("latin-1")

    assert echo["path_info"] == native("/café")
    assert echo["query_string"] == "q=%C3%BC"
    assert echo["headers"]["HTTP_X_NAME"] == native("ü")
    assert echo["headers"]["HTTP_X_LATIN"] == native("caf\ufffd")
    assert echo["headers"]["HTTP_COOKIE"] == native("a=ü")
    # The app saw what the real handler makes of that event.
    direct = decode_result(echo_handler(event, LambdaContext()), format).json()
    assert echo == direct


def test_chunked_upload_with_trailer() -> None:
    with running(format="http-v2") as server:
        answer = raw_exchange(
            server,
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close"
            b"\r\n\r\n3;ext=1\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n",
        )
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0] == b"HTTP/1.1 201 Created"
    assert base64.b64decode(json.loads(body)["body"]) == b"abc"


def test_one_log_line_per_request(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="apig_wsgi.server")
    with running() as server, urlopen(server.url + "logged?x=1") as response:
        size = len(response.read())
        answer = raw_exchange(server, b"GET x HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400 ")
    lines = [r.getMessage() for r in caplog.records if r.name == "apig_wsgi.server"]
    assert lines == [
        f'127.0.0.1 "GET /logged?x=1 HTTP/1.1" 201 {size}',
        "127.0.0.1 code 400, message Unsupported request target 'x'",
    ]


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^Unknown event format 'soap', expected"):
        LocalServer(("127.0.0.1", 0), echo_handler, format="soap")


def test_stage_for_a_format_without_stages_is_refused() -> None:
    with pytest.raises(
        ValueError, match=r"^Format 'alb' has no stages, got stage 'v1'\.$"
    ):
        LocalServer(("127.0.0.1", 0), echo_handler, format="alb", stage="v1")


def test_url() -> None:
    with running() as server:
        assert server.url == f"http://127.0.0.1:{server.server_port}/"


def test_url_includes_the_stage() -> None:
    with running(format="rest", stage="live") as server:
        assert server.url == f"http://127.0.0.1:{server.server_port}/live/"
    with running(format="http-v2", stage="beta") as server:
        assert server.url == f"http://127.0.0.1:{server.server_port}/beta/"


@pytest.mark.parametrize(
    ("format", "stage", "path"),
    [
        ("rest", None, "/prod/a/b"),
        ("rest", "live", "/live"),
        ("http-v2", "beta", "/beta/a"),
    ],
)
def test_stage_is_taken_off_the_url_path(
    format: str, stage: str | None, path: str
) -> None:
    with running(format=format, stage=stage) as server:
        echo = json.loads(fetch(f"http://127.0.0.1:{server.server_port}{path}?x=1"))
    app_path = path.partition("/")[2].partition("/")[2]
    assert echo["path_info"].endswith("/" + app_path)
    assert echo["query_string"] == "x=1"


def test_path_outside_the_stage_is_forbidden(caplog: pytest.LogCaptureFixture) -> None:
    with running(format="rest", stage="live") as server:
        with pytest.raises(urllib.error.HTTPError) as excinfo:
            urlopen(f"http://127.0.0.1:{server.server_port}/other/x")
        assert excinfo.value.code == 403
        assert excinfo.value.read() == b'{"message":"Forbidden"}'
        excinfo.value.close()
    assert (
        "API Gateway would answer 403: '/other/x' is not under the stage '/live'."
        in caplog.text
    )


class TestStreaming:
    """A streaming handler's responses reach the client chunk by chunk."""

    @staticmethod
    def feed(released: threading.Event, fail: bool = False) -> Any:
        def app(environ: dict[str, Any], start_response: Any) -> Any:
            start_response(
                "200 OK",
                [
                    ("Content-Type", "text/event-stream"),
                    ("Content-Length", "999"),
                    ("Set-Cookie", "a=1"),
                    ("Set-Cookie", "b=2"),
                ],
            )
            yield b"data: one\n\n"
            if fail:
                raise RuntimeError("the feed broke")
            released.wait(30)
            yield b"data: two\n\n"

        return app

    def test_chunks_reach_the_client_while_the_app_produces(self) -> None:
        released = threading.Event()
        handler = make_streaming_handler(self.feed(released))
        with running(handler, format="function-url") as server:
            connection = connect(server)
            connection.request("GET", "/feed")
            response = connection.getresponse()
            assert response.status == 200
            assert response.getheader("Transfer-Encoding") == "chunked"
            assert response.getheader("Content-Length") is None
            assert response.getheader("Content-Type") == "text/event-stream"
            assert response.headers.get_all("Set-Cookie") == ["a=1", "b=2"]
            # The second event waits for this test to have read the first.
            assert response.read1() == b"data: one\n\n"
            released.set()
            assert response.read() == b"data: two\n\n"
            connection.close()

    def test_rest_prelude_headers(self) -> None:
        released = threading.Event()
        released.set()
        handler = make_streaming_handler(self.feed(released), stream=["rest"])
        with running(handler, format="rest") as server:
            connection = connect(server)
            connection.request("GET", "/prod/feed")
            response = connection.getresponse()
            assert response.headers.get_all("Set-Cookie") == ["a=1", "b=2"]
            assert response.read() == b"data: one\n\ndata: two\n\n"
            connection.close()

    def test_head_sends_no_body(self) -> None:
        released = threading.Event()
        released.set()
        handler = make_streaming_handler(self.feed(released))
        with running(handler, format="function-url") as server:
            connection = connect(server)
            connection.request("HEAD", "/feed")
            response = connection.getresponse()
            assert response.status == 200
            assert response.read() == b""
            connection.request("HEAD", "/feed")
            assert connection.getresponse().status == 200
            connection.close()

    def test_error_mid_stream_cuts_the_response_short(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        handler = make_streaming_handler(self.feed(threading.Event(), fail=True))
        with running(handler, format="function-url") as server:
            connection = connect(server)
            connection.request("GET", "/feed")
            response = connection.getresponse()
            with pytest.raises(http.client.IncompleteRead) as excinfo:
                response.read()
            assert excinfo.value.partial == b"data: one\n\n"
            connection.close()
        assert (
            "The streamed response ended early: RuntimeError('the feed broke')."
            in caplog.messages
        )

    def test_fronts_that_do_not_stream_are_buffered(self) -> None:
        released = threading.Event()
        released.set()
        handler = make_streaming_handler(self.feed(released))
        with running(handler, format="http-v2") as server:
            connection = connect(server)
            connection.request("GET", "/feed")
            response = connection.getresponse()
            assert response.getheader("Content-Length") == "22"
            assert response.read() == b"data: one\n\ndata: two\n\n"
            connection.close()


@pytest.mark.parametrize(
    ("caller", "name"),
    [
        ({"claims": {"sub": "alice"}}, b"'alice'"),
        ({"iam": "arn:aws:iam::1:user/bob"}, b"'arn:aws:iam::1:user/bob'"),
        ({"authorizer": {"lambda": {"sub": "carol"}}}, b"'carol'"),
        ({}, b"None"),
    ],
)
def test_every_request_comes_from_the_caller(
    caller: dict[str, Any], name: bytes
) -> None:
    from apig_wsgi import make_lambda_handler
    from tests.testing.apps import whoami

    handler = make_lambda_handler(whoami, remote_user=True)
    with running(handler, **caller) as server:
        assert fetch(server.url) == name
        assert fetch(server.url + "again") == name


def test_caller_the_format_lacks_fails_at_start() -> None:
    with pytest.raises(ValueError) as excinfo:
        LocalServer(
            ("127.0.0.1", 0), echo_handler, format="alb", iam="arn:aws:iam::1:u"
        )

    assert str(excinfo.value) == (
        "Format 'alb' cannot carry iam; the formats that do: rest, http-v1, "
        "http-v2, function-url, lattice-v2."
    )
