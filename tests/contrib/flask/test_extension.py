from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from flask import request

from apig_wsgi.contrib.flask import ApigWsgi
from apig_wsgi.contrib.flask import get_lambda_handler
from apig_wsgi.contrib.flask.state import AppState
from apig_wsgi.options import SETTING_NAMES
from apig_wsgi.options import Options
from apig_wsgi.testing import LambdaContext
from tests.contrib.flask.support import handle_other_event
from tests.contrib.flask.support import load_event
from tests.contrib.flask.support import with_request

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIEnvironment


def make_app(name: str = "flask_app", **config: object) -> Flask:
    app = Flask(name)
    app.config.update(config)

    @app.get("/name")
    def name_view() -> str:
        return f"{app.name} {request.script_root}"

    return app


def alb_name_result(body: str) -> dict[str, object]:
    """The ALB result of the ``/name`` view for ``body``."""
    return {
        "statusCode": 200,
        "statusDescription": "200 OK",
        "headers": {
            "Content-Type": "text/html; charset=utf-8",
            "Content-Length": str(len(body)),
        },
        "body": body,
        "isBase64Encoded": False,
    }


class TestInitApp:
    def test_direct_pattern_registers_state(self) -> None:
        app = make_app()
        apig = ApigWsgi(app)
        assert app.extensions["apig_wsgi"] == AppState(
            extension=apig, options=Options(), handler=get_lambda_handler(app)
        )

    def test_factory_pattern_registers_state(self) -> None:
        apig = ApigWsgi()
        app = make_app()
        assert "apig_wsgi" not in app.extensions
        apig.init_app(app)
        assert app.extensions["apig_wsgi"].extension is apig

    def test_extension_keeps_no_per_app_state(self) -> None:
        apig = ApigWsgi()
        router = apig.router
        apig.init_app(make_app())
        # The router is shared by every app; nothing else is kept.
        assert vars(apig) == {"router": router}
        assert router.routes == []

    def test_config_keys_become_options(self) -> None:
        app = make_app(
            APIG_WSGI_BINARY_SUPPORT=True,
            APIG_WSGI_NON_BINARY_CONTENT_TYPE_PREFIXES=["text/", "application/xml"],
            APIG_WSGI_SCRIPT_NAME="/api",
        )
        ApigWsgi(app)
        assert app.extensions["apig_wsgi"].options == Options(
            binary_support=True,
            non_binary_content_type_prefixes=("text/", "application/xml"),
            script_name="/api",
        )

    def test_production_option_keys_become_options(self) -> None:
        app = make_app(
            APIG_WSGI_NON_HTTP_HANDLER="tests.contrib.flask.support:handle_other_event",
            APIG_WSGI_CATCH_EXCEPTIONS=True,
            APIG_WSGI_FAILURE_STATUS_CODES=[502, 503],
            APIG_WSGI_ACCESS_LOG="json",
            APIG_WSGI_TRUSTED_PROXIES=1,
        )
        ApigWsgi(app)
        assert app.extensions["apig_wsgi"].options == Options(
            non_http_handler=handle_other_event,
            catch_exceptions=True,
            failure_status_codes=frozenset({502, 503}),
            access_log="json",
            trusted_proxies=1,
        )

    def test_iterator_value_is_used_whole(self) -> None:
        app = make_app(APIG_WSGI_FAILURE_STATUS_CODES=iter([502, 503]))
        ApigWsgi(app)
        options = app.extensions["apig_wsgi"].options
        assert options.failure_status_codes == frozenset({502, 503})

    def test_non_http_handler_from_config_gets_other_events(self) -> None:
        app = make_app(
            APIG_WSGI_NON_HTTP_HANDLER="tests.contrib.flask.support:handle_other_event"
        )
        ApigWsgi(app)
        event = {"source": "aws.events", "detail-type": "Scheduled Event"}
        assert get_lambda_handler(app)(event, LambdaContext()) == {"handled": event}

    def test_config_from_prefixed_env(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("FLASK_APIG_WSGI_BINARY_SUPPORT", "true")
        monkeypatch.setenv("FLASK_APIG_WSGI_SCRIPT_NAME", "auto")
        app = make_app()
        app.config.from_prefixed_env()
        ApigWsgi(app)
        assert app.extensions["apig_wsgi"].options == Options(
            binary_support=True, script_name="auto"
        )

    def test_none_values_mean_defaults(self) -> None:
        app = make_app(
            APIG_WSGI_BINARY_SUPPORT=None,
            APIG_WSGI_NON_BINARY_CONTENT_TYPE_PREFIXES=None,
            APIG_WSGI_SCRIPT_NAME=None,
        )
        ApigWsgi(app)
        assert app.extensions["apig_wsgi"].options == Options()

    def test_unrelated_config_keys_are_ignored(self) -> None:
        app = make_app(APIG_WSGI=1, SECRET_KEY="x", MY_APIG_WSGI_BINARY_SUPPORT="x")
        ApigWsgi(app)
        assert app.extensions["apig_wsgi"].options == Options()

    def test_unrelated_iterators_are_left_alone(self) -> None:
        app = make_app(
            ALLOWED_ORIGINS=iter(["https://a.example", "https://b.example"]),
            APIG_WSGI_FAILURE_STATUS_CODES=iter([502]),
        )
        ApigWsgi(app)
        assert list(app.config["ALLOWED_ORIGINS"]) == [
            "https://a.example",
            "https://b.example",
        ]
        assert app.extensions["apig_wsgi"].options == Options(
            failure_status_codes=frozenset({502})
        )

    def test_second_init_app_raises(self) -> None:
        app = make_app()
        apig = ApigWsgi(app)
        with pytest.raises(RuntimeError) as excinfo:
            apig.init_app(app)
        assert str(excinfo.value) == (
            "apig_wsgi is already set up on the Flask app 'flask_app'. "
            "Call init_app() once per app."
        )

    def test_registers_apig_cli_group(self) -> None:
        app = make_app()
        ApigWsgi(app)
        assert sorted(app.cli.commands) == ["apig"]


class TestConfigErrors:
    def test_binary_support_wrong_type(self) -> None:
        app = make_app(APIG_WSGI_BINARY_SUPPORT="yes")
        with pytest.raises(TypeError) as excinfo:
            ApigWsgi(app)
        assert str(excinfo.value) == (
            "APIG_WSGI_BINARY_SUPPORT is invalid: binary_support must "
            "be True, False or None, not 'yes'. Use None to keep the default for "
            "each event format."
        )
        assert "apig_wsgi" not in app.extensions

    def test_prefixes_single_string(self) -> None:
        app = make_app(APIG_WSGI_NON_BINARY_CONTENT_TYPE_PREFIXES="text/")
        with pytest.raises(TypeError) as excinfo:
            ApigWsgi(app)
        assert str(excinfo.value) == (
            "APIG_WSGI_NON_BINARY_CONTENT_TYPE_PREFIXES is invalid: "
            "non_binary_content_type_prefixes must be a list or tuple of strings, "
            "not 'text/'. Wrap a single prefix in a list, e.g. [\"text/\"]."
        )

    def test_script_name_bad_value(self) -> None:
        app = make_app(APIG_WSGI_SCRIPT_NAME="api/")
        with pytest.raises(
            ValueError, match=r"^APIG_WSGI_SCRIPT_NAME is invalid: "
        ) as excinfo:
            ApigWsgi(app)
        assert str(excinfo.value) == (
            "APIG_WSGI_SCRIPT_NAME is invalid: script_name 'api/' must "
            "start with '/' and not end with '/'. Write the base path as '/api', "
            "or use 'auto' for the stage."
        )

    def test_trusted_proxies_string(self) -> None:
        app = make_app(APIG_WSGI_TRUSTED_PROXIES="1")
        with pytest.raises(TypeError) as excinfo:
            ApigWsgi(app)
        assert str(excinfo.value) == (
            "APIG_WSGI_TRUSTED_PROXIES is invalid: trusted_proxies must be an "
            "integer, not '1'. Count the proxies you run in front of the AWS "
            "front, e.g. 1."
        )

    def test_non_http_handler_not_importable(self) -> None:
        app = make_app(APIG_WSGI_NON_HTTP_HANDLER="tests.nowhere:handle")
        with pytest.raises(ValueError, match=r"^APIG_WSGI_NON_HTTP_HANDLER is inv"):
            ApigWsgi(app)

    def test_non_http_handler_not_importable_message(self) -> None:
        app = make_app(APIG_WSGI_NON_HTTP_HANDLER="tests.nowhere:handle")
        with pytest.raises(ValueError) as excinfo:
            ApigWsgi(app)
        assert str(excinfo.value) == (
            "APIG_WSGI_NON_HTTP_HANDLER is invalid: non_http_handler: Cannot import "
            "'tests.nowhere' from 'tests.nowhere:handle': No module named "
            "'tests.nowhere'. Check the spelling of the path and that the module "
            "imports cleanly."
        )

    def test_unknown_key_suggests_close_match(self) -> None:
        app = make_app(APIG_WSGI_BINARY_SUPORT=True)
        with pytest.raises(TypeError) as excinfo:
            ApigWsgi(app)
        assert str(excinfo.value) == (
            "Unknown setting APIG_WSGI_BINARY_SUPORT: apig-wsgi does not read it. "
            "Did you mean APIG_WSGI_BINARY_SUPPORT?"
        )

    def test_unknown_key_lists_valid_keys(self) -> None:
        app = make_app(APIG_WSGI_ZZZ=None)
        with pytest.raises(TypeError) as excinfo:
            ApigWsgi(app)
        # Every option the core has, so new options need no change here.
        assert SETTING_NAMES[:3] == (
            "APIG_WSGI_BINARY_SUPPORT",
            "APIG_WSGI_NON_BINARY_CONTENT_TYPE_PREFIXES",
            "APIG_WSGI_SCRIPT_NAME",
        )
        assert str(excinfo.value) == (
            "Unknown setting APIG_WSGI_ZZZ: apig-wsgi does not read it. The "
            f"apig-wsgi settings are: {', '.join(SETTING_NAMES)}."
        )

    def test_lower_case_key_is_unknown(self) -> None:
        app = make_app(APIG_WSGI_binary_support=True)
        with pytest.raises(TypeError) as excinfo:
            ApigWsgi(app)
        assert str(excinfo.value) == (
            "Unknown setting APIG_WSGI_binary_support: apig-wsgi does not read it. "
            f"The apig-wsgi settings are: {', '.join(SETTING_NAMES)}."
        )

    def test_every_problem_is_reported(self) -> None:
        app = make_app(APIG_WSGI_SCRIPT_NAME=3, APIG_WSGI_BINARY_SUPPORT=0)
        with pytest.raises(TypeError) as excinfo:
            ApigWsgi(app)
        assert str(excinfo.value).splitlines() == [
            (
                "APIG_WSGI_SCRIPT_NAME is invalid: script_name must be "
                "None, 'auto' or a path string, not 3. Use 'auto' for the API "
                "Gateway stage, or a base path such as '/api'."
            ),
            (
                "APIG_WSGI_BINARY_SUPPORT is invalid: binary_support must "
                "be True, False or None, not 0. Use None to keep the default for "
                "each event format."
            ),
        ]


class TestGetLambdaHandler:
    def test_without_init_app_raises(self) -> None:
        app = make_app("my_app")
        with pytest.raises(RuntimeError) as excinfo:
            get_lambda_handler(app)
        assert str(excinfo.value) == (
            "apig_wsgi is not set up on the Flask app 'my_app'. "
            "Did you forget to call ApigWsgi.init_app(app)?"
        )

    def test_handler_serves_app(self) -> None:
        app = make_app()
        ApigWsgi(app)
        event = with_request(load_event("http-v2"), "/name")
        assert get_lambda_handler(app)(event, LambdaContext()) == {
            "statusCode": 200,
            "headers": {
                "content-type": "text/html; charset=utf-8",
                "content-length": "10",
            },
            "cookies": [],
            "body": "flask_app ",
            "isBase64Encoded": False,
        }

    def test_factory_one_extension_two_apps(self) -> None:
        apig = ApigWsgi()
        first = make_app("first", APIG_WSGI_SCRIPT_NAME="/api")
        second = make_app("second")
        apig.init_app(first)
        apig.init_app(second)
        first_handler = get_lambda_handler(first)
        second_handler = get_lambda_handler(second)
        assert first_handler is not second_handler

        first_response = first_handler(
            with_request(load_event("alb"), "/api/name"), LambdaContext()
        )
        second_response = second_handler(
            with_request(load_event("alb"), "/name"), LambdaContext()
        )
        assert (first_response, second_response) == (
            alb_name_result("first /api"),
            alb_name_result("second "),
        )

    def test_middleware_added_after_init_app_runs(self) -> None:
        app = make_app()
        ApigWsgi(app)
        inner = app.wsgi_app

        def tagging_middleware(
            environ: WSGIEnvironment, start_response: StartResponse
        ) -> Iterable[bytes]:
            environ["SCRIPT_NAME"] = "/tagged"
            return inner(environ, start_response)

        app.wsgi_app = tagging_middleware  # type: ignore[method-assign]
        event = with_request(load_event("alb"), "/name")
        assert get_lambda_handler(app)(event, LambdaContext()) == alb_name_result(
            "flask_app /tagged"
        )
