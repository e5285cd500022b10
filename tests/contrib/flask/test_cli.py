from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from flask import Flask

from apig_wsgi.contrib.flask import ApigWsgi
from apig_wsgi.contrib.flask import apig_context
from tests.contrib.flask.cli_app import create_app
from tests.contrib.flask.support import EVENTS_DIR

REPO_ROOT = Path(__file__).parents[3]
EVENT_FILE = EVENTS_DIR / "powertools-python" / "apiGatewayProxyV2Event_GET.json"

# Click 8.1 (the last release for Python 3.9) mixes stderr into stdout unless
# told otherwise; 8.2 always keeps them apart and dropped the argument.
RUNNER_OPTIONS: dict[str, Any] = (
    {"mix_stderr": False}
    if "mix_stderr" in inspect.signature(CliRunner.__init__).parameters
    else {}
)


def invoke(app: Flask, *arguments: str) -> tuple[int, str, str]:
    runner = app.test_cli_runner(**RUNNER_OPTIONS)
    result = runner.invoke(args=["apig", "invoke", *arguments])
    return result.exit_code, result.stdout, result.stderr


class TestCliRunner:
    def test_prints_lambda_result(self) -> None:
        result = {
            "statusCode": 200,
            "headers": {"content-type": "application/json", "content-length": "67"},
            "cookies": [],
            "body": (
                '{"body":"","event_format":"http-v2","method":"GET","url":"/hello"}\n'
            ),
            "isBase64Encoded": False,
        }
        assert invoke(create_app(), "/hello") == (
            0,
            json.dumps(result, indent=2) + "\n",
            "",
        )

    def test_decoded_rest_stage_uses_app_config(self) -> None:
        code, stdout, stderr = invoke(
            create_app(),
            "/hello",
            "--format=rest",
            "--stage=prod",
            "--decoded",
            "-d",
            "ping",
        )
        assert (code, stderr) == (0, "")
        assert stdout.splitlines() == [
            "HTTP/1.1 200 OK",
            "Content-Type: application/json",
            "Content-Length: 74",
            "",
            '{"body":"ping","event_format":"rest","method":"POST","url":"/prod/hello"}',
            "",
        ]

    def test_event_file(self, tmp_path: Path) -> None:
        event = json.loads(EVENT_FILE.read_text())
        event["rawPath"] = event["requestContext"]["http"]["path"] = "/hello"
        event["requestContext"]["http"]["method"] = "PUT"
        (tmp_path / "event.json").write_text(json.dumps(event))
        code, stdout, stderr = invoke(
            create_app(), "--event", str(tmp_path / "event.json"), "--decoded"
        )
        assert (code, stdout.splitlines(), stderr) == (
            0,
            [
                "HTTP/1.1 200 OK",
                "content-type: application/json",
                "content-length: 67",
                "",
                '{"body":"","event_format":"http-v2","method":"PUT","url":"/hello"}',
                "",
            ],
            "",
        )

    def test_help_is_the_shared_parser(self) -> None:
        code, stdout, stderr = invoke(create_app(), "--help")
        assert (code, stderr) == (0, "")
        assert stdout.startswith("usage: flask apig invoke [-h] [--method METHOD]")
        assert "--decoded" in stdout

    def test_unknown_option(self) -> None:
        code, stdout, stderr = invoke(create_app(), "--bogus")
        assert (code, stdout) == (2, "")
        # After the usage, which argparse wraps to the terminal's width.
        assert stderr.endswith(
            "flask apig invoke: error: unrecognized arguments: --bogus\n"
        )

    def test_missing_event_file(self) -> None:
        code, stdout, stderr = invoke(create_app(), "--event", "missing.json")
        assert (code, stdout) == (1, "")
        assert stderr == (
            "Error: cannot read event file 'missing.json': No such file or directory.\n"
        )

    def test_group_help_lists_invoke(self) -> None:
        runner = create_app().test_cli_runner(**RUNNER_OPTIONS)
        result = runner.invoke(args=["apig", "--help"])
        assert result.exit_code == 0
        assert "invoke  Send one request through the Lambda handler" in result.stdout


def test_subprocess_factory_app() -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "tests.contrib.flask.cli_app:create_app",
            "apig",
            "invoke",
            "/hello",
            "--decoded",
            "-X",
            "PUT",
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONDEVMODE": "1", "PYTHONWARNINGS": "error"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert (completed.returncode, completed.stderr) == (0, "")
    assert completed.stdout.splitlines() == [
        "HTTP/1.1 200 OK",
        "content-type: application/json",
        "content-length: 67",
        "",
        '{"body":"","event_format":"http-v2","method":"PUT","url":"/hello"}',
        "",
    ]


def test_subprocess_invalid_config_is_one_line() -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "tests.contrib.flask.cli_app:create_misconfigured_app",
            "apig",
            "invoke",
            "/hello",
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONDEVMODE": "1", "PYTHONWARNINGS": "error"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert (completed.returncode, completed.stdout) == (1, "")
    assert completed.stderr == (
        "Error: APIG_WSGI_BINARY_SUPPORT is invalid: binary_support must be True, "
        "False or None, not 'yes'. Use None to keep the default for each event "
        "format.\n"
    )


def test_invoke_sends_the_caller() -> None:
    app = Flask(__name__)
    app.config["APIG_WSGI_REMOTE_USER"] = True

    @app.get("/me")
    def me() -> str:
        identity = apig_context.identity
        return "nobody" if identity is None else identity.name

    ApigWsgi(app)
    code, stdout, stderr = invoke(
        app, "/me", "--iam", "arn:aws:iam::1:user/ada", "--decoded"
    )

    assert (code, stderr, stdout.splitlines()[-1]) == (
        0,
        "",
        "arn:aws:iam::1:user/ada",
    )
