from __future__ import annotations

import base64
import io
import json
import os
import re
import runpy
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from apig_wsgi import InvalidEventError
from apig_wsgi.cli import main
from tests.testing.apps import BINARY
from tests.testing.apps import handler

ROOT = Path(__file__).resolve().parent.parent
APP = "tests.testing.apps:app"
SAMPLE = ROOT / "tests/events/aws-lambda-go/apigw-v2-request-no-authorizer.json"


@pytest.fixture(autouse=True)
def _in_project_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def core_message(event: dict[str, Any]) -> str:
    """The core's own InvalidEventError message for ``event``."""
    try:
        handler(event, None)
    except InvalidEventError as exc:
        return str(exc)
    raise AssertionError(f"{event!r} was accepted")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def usage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as excinfo:
        main(list(argv))
    assert excinfo.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    return err.splitlines()[-1]


class TestEvent:
    def test_prints_the_event(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, err = run(
            capsys, "event", "--format", "rest", "/x?a=1", "-H", "X-A: 1", "-d", "hi"
        )
        event = json.loads(out)
        assert (code, err) == (0, "")
        assert event["httpMethod"] == "POST"
        assert event["path"] == "/x"
        assert event["queryStringParameters"] == {"a": "1"}
        assert event["headers"]["X-A"] == "1"
        assert event["body"] == "hi"

    def test_defaults_to_http_get(self, capsys: pytest.CaptureFixture[str]) -> None:
        _code, out, _ = run(capsys, "event")
        event = json.loads(out)
        assert (event["version"], event["rawPath"]) == ("2.0", "/")
        assert event["requestContext"]["http"]["method"] == "GET"

    def test_data_from_file_and_stdin(
        self,
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        (tmp_path / "body.bin").write_bytes(BINARY)
        _, out, _ = run(capsys, "event", "-d", f"@{tmp_path / 'body.bin'}")
        event = json.loads(out)
        assert base64.b64decode(event["body"]) == BINARY
        assert event["isBase64Encoded"] is True
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"from stdin")))
        _code, out, _ = run(
            capsys, "event", "-X", "PUT", "-H", "Content-Type: text/plain", "-d", "@-"
        )
        assert json.loads(out)["body"] == "from stdin"
        assert json.loads(out)["requestContext"]["http"]["method"] == "PUT"

    def test_missing_data_file(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert run(capsys, "event", "-d", "@missing.bin") == (
            1,
            "",
            (
                "Error: cannot read --data file 'missing.bin': No such file or "
                "directory.\n"
            ),
        )

    def test_stage_for_alb(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert run(capsys, "event", "--format", "alb", "--stage", "v1") == (
            1,
            "",
            "Error: Format 'alb' has no stages, got stage 'v1'.\n",
        )

    def test_unknown_format(self, capsys: pytest.CaptureFixture[str]) -> None:
        # The list of choices is quoted differently across Python versions.
        assert usage_error(capsys, "event", "--format", "soap").startswith(
            "apig-wsgi event: error: argument --format: invalid choice: 'soap' "
            "(choose from "
        )

    @pytest.mark.parametrize("header", ["NoColon", ": value", " X: y"])
    def test_bad_header(self, capsys: pytest.CaptureFixture[str], header: str) -> None:
        assert usage_error(capsys, "event", "-H", header) == (
            f"apig-wsgi event: error: argument --header/-H: invalid header "
            f"{header!r}: expected 'Name: value'"
        )


class TestInvoke:
    def test_wsgi_app_prints_lambda_result(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, err = run(capsys, "invoke", APP, "/hello?x=1", "--format", "rest")
        result = json.loads(out)
        assert (code, err) == (0, "")
        assert result["statusCode"] == 201
        echo = json.loads(result["body"])
        assert (echo["path_info"], echo["query_string"]) == ("/hello", "x=1")
        assert result["multiValueHeaders"]["Set-Cookie"] == [
            "c1=1; Path=/",
            "c2=2; Path=/",
        ]

    def test_decoded_response(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, err = run(
            capsys, "invoke", "tests.testing.apps:lambda_handler", "/", "--decoded"
        )
        head, _, body = out.partition("\n\n")
        assert (code, err) == (0, "")
        assert head.splitlines() == [
            "HTTP/1.1 201 Created",
            "content-type: application/json",
            "x-multi: a, b",
            "Set-Cookie: c1=1; Path=/",
            "Set-Cookie: c2=2; Path=/",
        ]
        assert json.loads(body)["method"] == "GET"

    def test_decoded_binary_body_is_summarised(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        _code, out, _ = run(capsys, "invoke", APP, "/binary", "--decoded")
        assert out.endswith("\n\n[256 bytes of binary data]\n")

    def test_decoded_empty_body(self, capsys: pytest.CaptureFixture[str]) -> None:
        _code, out, _ = run(
            capsys,
            "invoke",
            "tests.testing.apps:lambda_handler",
            "-X",
            "HEAD",
            "--decoded",
            "--format",
            "edge",
        )
        assert out.startswith("HTTP/1.1 201 Created\n")

    def test_decoded_malformed_result(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, err = run(
            capsys,
            "invoke",
            "tests.testing.apps:malformed_handler",
            "--format",
            "rest",
            "--decoded",
        )
        assert code == 0
        assert out == (
            "HTTP/1.1 502 Bad Gateway\nContent-Type: application/json\n"
            'Content-Length: 36\n\n{"message": "Internal server error"}\n'
        )
        assert err == (
            "The rest integration would reject this: statusCode must be an HTTP "
            "status code, not 'twelve'.\n"
        )

    def test_result_not_json(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert run(capsys, "invoke", "tests.testing.apps:set_handler") == (
            1,
            "",
            "Error: the handler's result is not JSON serializable: Object of type "
            "set is not JSON serializable\n",
        )

    def test_event_file(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, err = run(capsys, "invoke", APP, "--event", str(SAMPLE), "--decoded")
        assert (code, err) == (0, "")
        assert out.startswith("HTTP/1.1 201 Created\n")
        assert '"path_info": "/"' in out

    def test_event_file_with_format(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, err = run(
            capsys,
            "invoke",
            APP,
            "--event",
            str(SAMPLE),
            "--format",
            "function-url",
            "--decoded",
        )
        assert (code, err) == (0, "")
        assert out.startswith("HTTP/1.1 201 Created\n")

    def test_event_from_stdin(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(SAMPLE.read_text()))
        code, out, err = run(capsys, "invoke", APP, "--event", "-")
        assert (code, err) == (0, "")
        assert json.loads(out)["statusCode"] == 201

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (
                None,
                (
                    "Error: cannot read event file 'event.json': No such file or "
                    "directory.\n"
                ),
            ),
            (
                "{nope",
                (
                    "Error: event file 'event.json' is not valid JSON: Expecting "
                    "property name enclosed in double quotes: line 1 column 2 "
                    "(char 1).\n"
                ),
            ),
            (
                "[1, 2]",
                "Error: event file 'event.json' must hold a JSON object, not list.\n",
            ),
            ('{"foo": 1}', f"Error: invalid event: {core_message({'foo': 1})}\n"),
        ],
    )
    def test_bad_event_file(
        self,
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        content: str | None,
        message: str,
    ) -> None:
        monkeypatch.chdir(tmp_path)
        monkeypatch.syspath_prepend(str(ROOT))
        if content is not None:
            Path("event.json").write_text(content)
        assert run(capsys, "invoke", APP, "--event", "event.json") == (1, "", message)

    def test_event_with_request_options(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert run(
            capsys, "invoke", APP, "/x", "-H", "A: b", "--event", str(SAMPLE)
        ) == (2, "", "Error: --event cannot be combined with path, --header.\n")

    def test_decoded_unknown_event_format(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        (tmp_path / "event.json").write_text('{"custom": true}')
        code, out, err = run(
            capsys,
            "invoke",
            "tests.testing.apps:malformed_handler",
            "--event",
            str(tmp_path / "event.json"),
            "--decoded",
        )
        assert (code, out) == (2, "")
        assert err == (
            "Error: cannot tell the event's format to decode the response: "
            "pass --format.\n"
        )

    def test_script_name(self, capsys: pytest.CaptureFixture[str]) -> None:
        _code, out, _ = run(
            capsys, "invoke", APP, "/api/x", "--script-name", "/api", "--format", "alb"
        )
        echo = json.loads(json.loads(out)["body"])
        assert (echo["script_name"], echo["path_info"]) == ("/api", "/x")

    def test_bad_script_name(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert run(capsys, "invoke", APP, "--script-name", "api") == (
            1,
            "",
            (
                "Error: script_name 'api' must start with '/' and not end with '/'. "
                "Write the base path as '/api', or use 'auto' for the stage.\n"
            ),
        )

    def test_handler_flag_for_unclear_parameters(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run(
            capsys, "invoke", "--handler", "tests.testing.apps:unclear_parameters"
        )
        assert (code, out) == (0, "null\n")

    def test_wsgi_flag(self, capsys: pytest.CaptureFixture[str]) -> None:
        _code, out, _ = run(capsys, "invoke", "--wsgi", APP)
        assert json.loads(out)["statusCode"] == 201

    @pytest.mark.parametrize(
        ("spec", "message"),
        [
            (
                "tests.testing.apps",
                (
                    "Expected MODULE:APP, such as 'myproject.wsgi:application', not "
                    "'tests.testing.apps'."
                ),
            ),
            (
                "no_such_module:app",
                (
                    "Cannot import module 'no_such_module': No module named "
                    "'no_such_module'"
                ),
            ),
            (
                "tests.testing.apps:missing.attr",
                "Module 'tests.testing.apps' has no attribute 'missing.attr'.",
            ),
            (
                "tests.testing.apps:NOT_CALLABLE",
                (
                    "tests.testing.apps:NOT_CALLABLE is 42, which is not callable: "
                    "expected a WSGI application or a Lambda handler."
                ),
            ),
            (
                "tests.testing.apps:three_parameters",
                (
                    "tests.testing.apps:three_parameters is not a WSGI application: it "
                    "takes 3 parameters ('a', 'b', 'c'), a WSGI app takes (environ, "
                    "start_response)."
                ),
            ),
            (
                "tests.testing.apps:unclear_parameters",
                (
                    "Cannot tell whether tests.testing.apps:unclear_parameters is a "
                    "WSGI application or a Lambda handler from its parameters ('a', "
                    "'b'): pass --wsgi or --handler."
                ),
            ),
            (
                "tests.testing.apps:validated_app",
                (
                    "Cannot tell whether tests.testing.apps:validated_app is a WSGI "
                    "application or a Lambda handler from its parameters ('args', "
                    "'kw'): pass --wsgi or --handler."
                ),
            ),
            (
                "tests.testing.apps:NO_SIGNATURE",
                (
                    "Cannot tell whether tests.testing.apps:NO_SIGNATURE is a WSGI "
                    "application or a Lambda handler: its parameters cannot be "
                    "inspected. Pass --wsgi or --handler."
                ),
            ),
        ],
    )
    def test_load_errors(
        self, capsys: pytest.CaptureFixture[str], spec: str, message: str
    ) -> None:
        assert run(capsys, "invoke", spec) == (1, "", f"Error: {message}\n")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class TestServe:
    def test_port_in_use(self, capsys: pytest.CaptureFixture[str]) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            sock.listen()
            port = sock.getsockname()[1]
            assert run(capsys, "serve", APP, "--port", str(port)) == (
                1,
                "",
                (
                    f"Error: port {port} on 127.0.0.1 is already in use: stop the "
                    "other server or pass another --port.\n"
                ),
            )

    def test_bad_host(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, err = run(capsys, "serve", APP, "--host", "no-such-host.invalid")
        assert (code, out) == (1, "")
        assert err.startswith("Error: cannot listen on no-such-host.invalid:8000: ")

    def test_stage_for_alb(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert run(capsys, "serve", APP, "--format", "alb", "--stage", "v") == (
            1,
            "",
            "Error: Format 'alb' has no stages, got stage 'v'.\n",
        )

    @pytest.mark.parametrize("value", ["0", "-1", "soon", "inf", "nan"])
    def test_bad_read_timeout(
        self, capsys: pytest.CaptureFixture[str], value: str
    ) -> None:
        assert usage_error(capsys, "serve", APP, "--read-timeout", value) == (
            "apig-wsgi serve: error: argument --read-timeout: must be a positive "
            f"number of seconds, not {value!r}"
        )

    def test_ctrl_c_stops_the_server_in_process(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        port = free_port()
        answers: list[bytes] = []
        returned = threading.Event()

        def client() -> None:
            url = f"http://127.0.0.1:{port}/v1/binary"
            deadline = time.monotonic() + 60
            try:
                while not returned.is_set() and time.monotonic() < deadline:
                    try:
                        with urllib.request.urlopen(url, timeout=30) as response:
                            answers.append(response.read())
                    except OSError:
                        time.sleep(0.01)
                    else:
                        break
            finally:
                # Ctrl-C, as the terminal would send it to the serving process;
                # also on a failure, so that the test cannot hang the run.
                if not returned.is_set():
                    os.kill(os.getpid(), signal.SIGINT)

        thread = threading.Thread(target=client)
        thread.start()
        try:
            code = main(
                [
                    "serve",
                    "--handler",
                    "tests.testing.apps:lambda_handler",
                    "--port",
                    str(port),
                    "--format",
                    "rest",
                    "--stage",
                    "v1",
                    "--binary-media-types",
                    "image/*",
                    "*/*",
                    "--read-timeout",
                    "5",
                ]
            )
        finally:
            returned.set()
            thread.join()
        _, err = capsys.readouterr()
        assert code == 0
        assert answers == [BINARY]
        assert err == (
            "Serving tests.testing.apps:lambda_handler (handler) as rest events on "
            f"http://127.0.0.1:{port}/v1/\n"
            "Press Ctrl-C to stop.\nStopped.\n"
        )


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_signal_stops_the_server_subprocess(stop_signal: signal.Signals) -> None:
    # Start it as a shell starts a background job, with SIGINT ignored, which
    # the server must undo for Ctrl-C to work.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "apig_wsgi", "serve", APP, "--port", "0"],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
    finally:
        signal.signal(signal.SIGINT, previous)
    assert process.stderr is not None
    try:
        first = process.stderr.readline()
        url = first.rstrip().rpartition(" ")[2]
        assert first == f"Serving {APP} (wsgi) as http-v2 events on {url}\n"
        with urllib.request.urlopen(url + "sub?x=1", timeout=30) as response:
            assert json.loads(response.read())["query_string"] == "x=1"
        process.send_signal(stop_signal)
        assert process.wait(timeout=60) == 0
        rest = process.stderr.read()
    finally:
        # A server that did not stop must not outlive the test.
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()
    lines = rest.splitlines()
    assert lines[0] == "Press Ctrl-C to stop."
    assert re.fullmatch(r'.* 127\.0\.0\.1 "GET /sub\?x=1 HTTP/1\.1" 201 \d+', lines[1])
    assert lines[2:] == ["Stopped."]


def test_read_timeout_closes_idle_connections_subprocess() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "apig_wsgi",
            "serve",
            APP,
            "--port",
            "0",
            "--read-timeout",
            "0.2",
        ],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    try:
        url = process.stderr.readline().rstrip().rpartition(" ")[2]
        port = int(url.rpartition(":")[2].rstrip("/"))
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            # The server closes the connection; the client's timeout is longer.
            assert sock.recv(1) == b""
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        rest = process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()
    assert re.search(r" 127\.0\.0\.1 Request timed out: ", rest)


def test_console_script() -> None:
    script = Path(sys.executable).parent / "apig-wsgi"
    result = subprocess.run(
        [str(script), "event", "--format", "alb"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert "elb" in json.loads(result.stdout)["requestContext"]


def test_python_m(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.setattr(sys, "argv", ["apig_wsgi", "event", "--format", "edge"])
    with pytest.raises(SystemExit) as excinfo:
        runpy.run_module("apig_wsgi", run_name="__main__")
    assert excinfo.value.code == 0
    assert "Records" in json.loads(capsys.readouterr().out)


def test_main_module_exposes_main() -> None:
    import apig_wsgi.__main__

    assert apig_wsgi.__main__.main is main


def test_stream_needs_a_wsgi_app(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["serve", "--stream", "tests.testing.apps:lambda_handler"])
    assert (code, capsys.readouterr().err) == (
        1,
        "Error: --stream needs a WSGI application, and "
        "tests.testing.apps:lambda_handler is a Lambda handler.\n",
    )


def test_serve_stream_subprocess(tmp_path: Path) -> None:
    app = "tests.runtime.apps:barrier_app"
    release = tmp_path / "release"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "apig_wsgi",
            "serve",
            app,
            "--port",
            "0",
            "--format",
            "function-url",
            "--stream",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "BARRIER_FILE": str(release),
            "CLOSE_MARKER": str(tmp_path / "closed"),
        },
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    try:
        first = process.stderr.readline()
        url = first.rstrip().rpartition(" ")[2]
        with urllib.request.urlopen(url + "feed", timeout=30) as response:
            assert response.headers["Transfer-Encoding"] == "chunked"
            # The app sends the second event only once this one was read.
            assert response.read1() == b"data: one\n\n"
            release.write_text("go")
            assert response.read() == b"data: released\n\n"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        rest = process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()
    assert first == f"Serving {app} (wsgi) as function-url events on {url}\n"
    assert re.search(r'"GET /feed HTTP/1\.1" 200 27 \(streamed\)', rest)
