"""A real Flask app driven through the Lambda handler built by the extension."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask import Response
from flask import abort
from flask import jsonify
from flask import request
from flask import send_file
from flask import stream_with_context
from flask import url_for

from apig_wsgi.contrib.flask import ApigWsgi
from apig_wsgi.contrib.flask import get_lambda_handler
from apig_wsgi.testing import Client
from apig_wsgi.testing import LambdaContext
from tests.contrib.flask.support import load_event
from tests.contrib.flask.support import with_request
from tests.utils import VARIES
from tests.utils import stable

PNG_PATH = Path(__file__).with_name("pixels.png")
PNG_BYTES = PNG_PATH.read_bytes()
COOKIES = ("flavour=oat; Path=/", "session=abc; Secure; HttpOnly; Path=/")

# Named-stage events, for the script name option.
REST_PROD_STAGE = "rest"
HTTP_V2_BETA_STAGE = "aws-lambda-dotnet/values-get-all-httpapi-v2-with-stage.json"


def create_app(**config: Any) -> Flask:
    app = Flask(__name__)
    app.config.update(config)

    @app.get("/json")
    def json_view() -> Response:
        return jsonify(message="hello")

    @app.get("/png")
    def png_view() -> Response:
        return send_file(PNG_PATH, mimetype="image/png")

    @app.get("/stream")
    def stream_view() -> Response:
        def generate() -> Iterator[str]:
            # Reading the request here needs the context kept alive while the
            # handler iterates the body.
            yield f"path={request.path};"
            yield "one;"
            yield "two"

        return Response(stream_with_context(generate()), mimetype="text/plain")

    @app.get("/cookies")
    def cookies_view() -> Response:
        response = Response("baked", mimetype="text/plain")
        response.set_cookie("flavour", "oat")
        response.set_cookie("session", "abc", httponly=True, secure=True)
        return response

    @app.get("/links")
    def links_view() -> Response:
        return jsonify(
            relative=url_for("json_view"),
            external=url_for("json_view", _external=True),
        )

    @app.get("/missing")
    def missing_view() -> Response:
        abort(404)

    @app.get("/boom")
    def boom_view() -> Response:
        raise ValueError("boom")

    ApigWsgi(app)
    return app


def invoke(app: Flask, event_name: str, path: str) -> dict[str, Any]:
    event = with_request(load_event(event_name), path)
    result: dict[str, Any] = get_lambda_handler(app)(event, LambdaContext())
    return result


JSON_BODY = '{"message":"hello"}\n'
MULTI_VALUE_JSON = {
    "statusCode": 200,
    "multiValueHeaders": {
        "Content-Type": ["application/json"],
        "Content-Length": ["20"],
    },
    "body": JSON_BODY,
    "isBase64Encoded": False,
}
PAYLOAD_V2_JSON = {
    "statusCode": 200,
    "headers": {"content-type": "application/json", "content-length": "20"},
    "cookies": [],
    "body": JSON_BODY,
    "isBase64Encoded": False,
}
SINGLE_VALUE_JSON = {
    "statusCode": 200,
    "statusDescription": "200 OK",
    "headers": {"Content-Type": "application/json", "Content-Length": "20"},
    "body": JSON_BODY,
    "isBase64Encoded": False,
}


class TestJson:
    @pytest.mark.parametrize(
        ("event_name", "expected"),
        [
            ("rest", MULTI_VALUE_JSON),
            ("http-v1", MULTI_VALUE_JSON),
            ("http-v2", PAYLOAD_V2_JSON),
            ("function-url", PAYLOAD_V2_JSON),
            ("alb", SINGLE_VALUE_JSON),
            ("alb-multi", {**MULTI_VALUE_JSON, "statusDescription": "200 OK"}),
            ("lattice-v1", SINGLE_VALUE_JSON),
            ("lattice-v2", SINGLE_VALUE_JSON),
            (
                "edge",
                {
                    "status": "200",
                    "statusDescription": "OK",
                    "headers": {
                        "content-type": [
                            {"key": "Content-Type", "value": "application/json"}
                        ],
                        "content-length": [{"key": "Content-Length", "value": "20"}],
                    },
                    "body": JSON_BODY,
                    "bodyEncoding": "text",
                },
            ),
        ],
    )
    def test_whole_response(self, event_name: str, expected: dict[str, Any]) -> None:
        assert invoke(create_app(), event_name, "/json") == expected


# send_file sets these from the file's modification time and the clock.
FILE_DATES = frozenset(
    {"last-modified", "Last-Modified", "etag", "ETag", "date", "Date"}
)
PNG_BASE64 = base64.b64encode(PNG_BYTES).decode()
PNG_HEADERS = {
    "Content-Disposition": "inline; filename=pixels.png",
    "Content-Type": "image/png",
    "Content-Length": str(len(PNG_BYTES)),
    "Last-Modified": VARIES,
    "Cache-Control": "no-cache",
    "ETag": VARIES,
    "Date": VARIES,
    "Accept-Ranges": "bytes",
}
PNG_V2 = {
    "statusCode": 200,
    "headers": {name.lower(): value for name, value in PNG_HEADERS.items()},
    "cookies": [],
    "body": PNG_BASE64,
    "isBase64Encoded": True,
}
PNG_SINGLE_VALUE = {
    "statusCode": 200,
    "statusDescription": "200 OK",
    "headers": PNG_HEADERS,
    "body": PNG_BASE64,
    "isBase64Encoded": True,
}
PNG_MULTI_VALUE = {
    "statusCode": 200,
    "multiValueHeaders": {
        name: value if value == VARIES else [value]
        for name, value in PNG_HEADERS.items()
    },
    "body": PNG_BASE64,
    "isBase64Encoded": True,
}


class TestSendFilePng:
    @pytest.mark.parametrize(
        ("event_name", "expected"),
        [
            ("http-v2", PNG_V2),
            ("function-url", PNG_V2),
            ("alb", PNG_SINGLE_VALUE),
            ("alb-multi", {**PNG_MULTI_VALUE, "statusDescription": "200 OK"}),
            ("lattice-v1", PNG_SINGLE_VALUE),
            ("lattice-v2", PNG_SINGLE_VALUE),
            (
                "edge",
                {
                    "status": "200",
                    "statusDescription": "OK",
                    "headers": {
                        name.lower(): (
                            VARIES
                            if value == VARIES
                            else [{"key": name, "value": value}]
                        )
                        for name, value in PNG_HEADERS.items()
                    },
                    "body": PNG_BASE64,
                    "bodyEncoding": "base64",
                },
            ),
        ],
    )
    def test_base64_by_default(self, event_name: str, expected: dict[str, Any]) -> None:
        response = invoke(create_app(), event_name, "/png")
        assert stable(response, FILE_DATES) == expected

    @pytest.mark.parametrize("event_name", ["rest", "http-v1"])
    def test_payload_v1_with_binary_support(self, event_name: str) -> None:
        app = create_app(APIG_WSGI_BINARY_SUPPORT=True)
        response = invoke(app, event_name, "/png")
        assert stable(response, FILE_DATES) == PNG_MULTI_VALUE


class TestStream:
    @pytest.mark.parametrize(
        ("event_name", "expected"),
        [
            (
                "rest",
                {"multiValueHeaders": {"Content-Type": ["text/plain; charset=utf-8"]}},
            ),
            (
                "http-v2",
                {
                    "headers": {"content-type": "text/plain; charset=utf-8"},
                    "cookies": [],
                },
            ),
            (
                "alb",
                {
                    "statusDescription": "200 OK",
                    "headers": {"Content-Type": "text/plain; charset=utf-8"},
                },
            ),
            (
                "lattice-v2",
                {
                    "statusDescription": "200 OK",
                    "headers": {"Content-Type": "text/plain; charset=utf-8"},
                },
            ),
        ],
    )
    def test_generator_body_is_joined(
        self, event_name: str, expected: dict[str, Any]
    ) -> None:
        assert invoke(create_app(), event_name, "/stream") == {
            "statusCode": 200,
            **expected,
            "body": "path=/stream;one;two",
            "isBase64Encoded": False,
        }


class TestCookies:
    @pytest.mark.parametrize("event_name", ["http-v2", "function-url"])
    def test_payload_v2_every_cookie_in_cookies(self, event_name: str) -> None:
        assert invoke(create_app(), event_name, "/cookies") == {
            "statusCode": 200,
            "headers": {
                "content-type": "text/plain; charset=utf-8",
                "content-length": "5",
            },
            "cookies": list(COOKIES),
            "body": "baked",
            "isBase64Encoded": False,
        }

    @pytest.mark.parametrize("event_name", ["rest", "http-v1", "alb-multi"])
    def test_multi_value_headers_every_cookie(self, event_name: str) -> None:
        response = invoke(create_app(), event_name, "/cookies")
        assert response["multiValueHeaders"] == {
            "Content-Type": ["text/plain; charset=utf-8"],
            "Content-Length": ["5"],
            "Set-Cookie": list(COOKIES),
        }

    def test_edge_every_cookie(self) -> None:
        response = invoke(create_app(), "edge", "/cookies")
        assert response["headers"] == {
            "content-type": [
                {"key": "Content-Type", "value": "text/plain; charset=utf-8"}
            ],
            "content-length": [{"key": "Content-Length", "value": "5"}],
            "set-cookie": [
                {"key": "Set-Cookie", "value": cookie} for cookie in COOKIES
            ],
        }

    def test_alb_single_value_keeps_last(self) -> None:
        response = invoke(create_app(), "alb", "/cookies")
        assert response["headers"] == {
            "Content-Type": "text/plain; charset=utf-8",
            "Content-Length": "5",
            "Set-Cookie": COOKIES[1],
        }

    def test_alb_single_value_warns(self, caplog: pytest.LogCaptureFixture) -> None:
        with caplog.at_level(logging.WARNING, logger="apig_wsgi"):
            invoke(create_app(), "alb", "/cookies")
        assert [record.getMessage() for record in caplog.records] == [
            (
                "ALB responses carry one Set-Cookie header only: dropped the "
                "cookies 'flavour' and kept the last one. Turn on the target group "
                "attribute lambda.multi_value_headers.enabled to send them all."
            )
        ]


class TestUrlFor:
    def test_rest_without_script_name(self) -> None:
        response = invoke(create_app(), REST_PROD_STAGE, "/links")
        assert response["body"] == (
            '{"external":"https://zzqupfvhrk.execute-api.us-west-2.amazonaws.com'
            '/json","relative":"/json"}\n'
        )

    def test_rest_script_name_auto_adds_stage(self) -> None:
        app = create_app(APIG_WSGI_SCRIPT_NAME="auto")
        response = invoke(app, REST_PROD_STAGE, "/links")
        assert response["body"] == (
            '{"external":"https://zzqupfvhrk.execute-api.us-west-2.amazonaws.com'
            '/Prod/json","relative":"/Prod/json"}\n'
        )

    def test_http_v2_script_name_auto_adds_stage(self) -> None:
        app = create_app(APIG_WSGI_SCRIPT_NAME="auto")
        response = invoke(app, HTTP_V2_BETA_STAGE, "/links")
        assert response["statusCode"] == 200
        assert response["body"] == (
            '{"external":"https://uzdrcy3wk7.execute-api.us-east-1.amazonaws.com'
            '/beta/json","relative":"/beta/json"}\n'
        )

    def test_alb_script_name_base_path(self) -> None:
        app = create_app(APIG_WSGI_SCRIPT_NAME="/api")
        response = invoke(app, "alb", "/api/links")
        assert response["body"] == (
            '{"external":"http://lambda-alb-123578498.us-east-2.elb.amazonaws.com'
            '/api/json","relative":"/api/json"}\n'
        )


def flask_page(app: Flask, path: str) -> str:
    """The page Flask itself serves for ``path``; its HTML is Werkzeug's."""
    page: str = app.test_client().get(path).get_data(as_text=True)
    return page


def html_result(status: int, page: str) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {
            "content-type": "text/html; charset=utf-8",
            "content-length": str(len(page)),
        },
        "cookies": [],
        "body": page,
        "isBase64Encoded": False,
    }


class TestErrors:
    @pytest.mark.parametrize("event_name", ["rest", "http-v2", "alb", "lattice-v2"])
    def test_abort_404(self, event_name: str) -> None:
        response = invoke(create_app(), event_name, "/missing")
        assert (response["statusCode"], response["body"]) == (
            404,
            flask_page(create_app(), "/missing"),
        )

    def test_unknown_url_404(self) -> None:
        app = create_app()
        assert invoke(app, "http-v2", "/nowhere") == html_result(
            404, flask_page(app, "/nowhere")
        )

    def test_exception_propagates_when_propagate_exceptions_on(self) -> None:
        app = create_app(PROPAGATE_EXCEPTIONS=True)
        with pytest.raises(ValueError) as excinfo:
            invoke(app, "http-v2", "/boom")
        assert str(excinfo.value) == "boom"

    def test_exception_becomes_500_with_catch_exceptions(self) -> None:
        app = create_app(PROPAGATE_EXCEPTIONS=True, APIG_WSGI_CATCH_EXCEPTIONS=True)
        assert invoke(app, "http-v2", "/boom") == {
            "statusCode": 500,
            "headers": {"content-type": "text/plain; charset=utf-8"},
            "cookies": [],
            "body": "Internal Server Error",
            "isBase64Encoded": False,
        }

    def test_exception_caught_is_logged(self, caplog: pytest.LogCaptureFixture) -> None:
        app = create_app(PROPAGATE_EXCEPTIONS=True, APIG_WSGI_CATCH_EXCEPTIONS=True)
        with caplog.at_level(logging.ERROR, logger="apig_wsgi"):
            invoke(app, "http-v2", "/boom")
        assert [
            (record.getMessage(), record.exc_info and record.exc_info[0])
            for record in caplog.records
        ] == [
            (
                "Exception in the WSGI application for GET /boom; sent a 500 response.",
                ValueError,
            )
        ]

    def test_exception_becomes_500_when_propagate_exceptions_off(self) -> None:
        app = create_app(PROPAGATE_EXCEPTIONS=False)
        response = invoke(app, "http-v2", "/boom")
        assert response == html_result(500, flask_page(app, "/boom"))

    def test_exception_is_logged_by_flask_when_propagate_exceptions_off(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        app = create_app(PROPAGATE_EXCEPTIONS=False)
        with caplog.at_level(logging.ERROR, logger=app.logger.name):
            invoke(app, "http-v2", "/boom")
        assert [record.getMessage() for record in caplog.records] == [
            "Exception on /boom [GET]"
        ]


class TestTestingClient:
    def client(self) -> Client:
        app = create_app(APIG_WSGI_BINARY_SUPPORT=True, APIG_WSGI_SCRIPT_NAME="auto")
        return Client(
            get_lambda_handler(app),
            format="rest",
            stage="prod",
            binary_media_types=["*/*"],
        )

    def test_rest_stage_is_the_script_name(self) -> None:
        links = self.client().get("/links")
        assert (links.status, links.json()) == (
            200,
            {
                "external": "https://abcdef1234.execute-api.us-east-1.amazonaws.com"
                "/prod/json",
                "relative": "/prod/json",
            },
        )

    def test_rest_binary_media_types_decode_the_png(self) -> None:
        png = self.client().get("/png")
        assert (png.status, png.header("Content-Type"), png.body) == (
            200,
            "image/png",
            PNG_BYTES,
        )
