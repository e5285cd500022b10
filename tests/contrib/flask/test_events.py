from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask import current_app

from apig_wsgi.contrib.flask import ApigWsgi
from apig_wsgi.contrib.flask import get_lambda_handler
from apig_wsgi.routing import UnroutedEventError
from apig_wsgi.testing import LambdaContext
from tests.contrib.flask.support import load_event
from tests.contrib.flask.support import with_request
from tests.test_event_sources import SCHEDULED
from tests.utils import load_other_event


def make_app(name: str, **config: Any) -> Flask:
    app = Flask(name)
    app.config.update(config)

    @app.get("/")
    def index() -> str:
        return "http"

    return app


def test_handlers_run_inside_an_app_context_of_the_receiving_app() -> None:
    apig = ApigWsgi()
    first = make_app("first", GREETING="hello")
    second = make_app("second", GREETING="bonjour")
    apig.init_app(first)
    apig.init_app(second)

    @apig.router.schedule(rule="nightly")
    def nightly(event: dict[str, Any], context: Any) -> str:
        return f"{current_app.name}: {current_app.config['GREETING']}"

    assert get_lambda_handler(first)(SCHEDULED, LambdaContext()) == "first: hello"
    assert get_lambda_handler(second)(SCHEDULED, LambdaContext()) == "second: bonjour"


def test_sqs_records_with_a_partial_failure() -> None:
    app = make_app("orders")
    apig = ApigWsgi(app)
    seen: list[str] = []

    @apig.router.sqs(queue="my-queue")
    def handle(record: dict[str, Any], context: Any) -> None:
        seen.append(current_app.name)
        if record["body"] == "Test message.":
            raise ValueError("not JSON")

    result = get_lambda_handler(app)(
        load_other_event("powertools-python/sqsEvent.json"), LambdaContext()
    )

    assert result == {
        "batchItemFailures": [
            {"itemIdentifier": "059f36b4-87a3-44ab-83d2-661975830a7d"}
        ]
    }
    assert seen == ["orders", "orders"]


def test_http_events_still_reach_the_app() -> None:
    app = make_app("web")
    apig = ApigWsgi(app)
    apig.router.invoke()(lambda event, context: "routed")

    result = get_lambda_handler(app)(
        with_request(load_event("http-v2"), "/"), LambdaContext()
    )

    assert result == {
        "statusCode": 200,
        "headers": {"content-type": "text/html; charset=utf-8", "content-length": "4"},
        "cookies": [],
        "body": "http",
        "isBase64Encoded": False,
    }


def test_unrouted_event_raises() -> None:
    app = make_app("web")
    ApigWsgi(app)

    with pytest.raises(UnroutedEventError) as excinfo:
        get_lambda_handler(app)({"ping": 1}, LambdaContext())

    assert str(excinfo.value) == (
        "No handler for the direct invocation with a JSON object with 'ping', "
        "which is not an HTTP event either: register one with router.invoke()."
    )


def test_non_http_handler_config_replaces_the_router() -> None:
    app = make_app(
        "web",
        APIG_WSGI_NON_HTTP_HANDLER="tests.contrib.flask.support:handle_other_event",
    )
    apig = ApigWsgi(app)
    apig.router.invoke()(lambda event, context: "routed")

    assert get_lambda_handler(app)({"ping": 1}, None) == {"handled": {"ping": 1}}
