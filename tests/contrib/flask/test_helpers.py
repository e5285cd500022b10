from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from apig_wsgi.contrib.flask import ApigWsgi
from apig_wsgi.contrib.flask import apig_context
from apig_wsgi.contrib.flask import get_apig_context
from apig_wsgi.contrib.flask import get_full_event
from apig_wsgi.contrib.flask import get_lambda_context
from apig_wsgi.contrib.flask import get_lambda_handler
from apig_wsgi.contrib.flask import get_request_context
from apig_wsgi.testing import LambdaContext
from tests.contrib.flask.support import load_event

NOT_A_LAMBDA_REQUEST = (
    "apig_context is only available in requests that came through the "
    "apig_wsgi Lambda handler. Use get_apig_context(), which returns None "
    "otherwise, to check first."
)


def make_app(seen: dict[str, Any]) -> Flask:
    """An app whose every URL records what the helpers return into ``seen``."""
    app = Flask(__name__)

    @app.route("/", defaults={"path": ""}, methods=["GET", "POST"])
    @app.route("/<path:path>", methods=["GET", "POST"])
    def record(path: str) -> str:
        seen["full_event"] = get_full_event()
        seen["request_context"] = get_request_context()
        seen["lambda_context"] = get_lambda_context()
        seen["apig_context"] = get_apig_context()
        seen["same_apig_context"] = get_apig_context() is seen["apig_context"]
        seen["proxy_is_true"] = bool(apig_context)
        if seen["apig_context"] is not None:
            seen["proxy_event_format"] = apig_context.event_format
            seen["proxy_remaining_time_ms"] = apig_context.remaining_time_ms()
        return "recorded"

    ApigWsgi(app)
    return app


def run(event_name: str, context: object) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    app = make_app(seen)
    event = load_event(event_name)
    response = get_lambda_handler(app)(event, context)
    assert response.get("statusCode", response.get("status")) in (200, "200")
    seen["event"] = event
    return seen


@pytest.mark.parametrize(
    ("event_name", "source_ip"),
    [
        ("rest", "50.35.77.7"),
        ("http-v1", "192.168.0.1/32"),
        ("http-v2", "192.168.0.1/32"),
        ("function-url", "123.123.123.123"),
        ("alb", "72.12.164.125"),
        ("alb-multi", "123.123.123.123"),
        ("lattice-v2", "10.213.229.10"),
    ],
)
def test_helpers_with_request_context(event_name: str, source_ip: str) -> None:
    context = LambdaContext()
    seen = run(event_name, context)
    event = seen["event"]
    assert seen["full_event"] == event
    assert seen["request_context"] == event["requestContext"]
    assert seen["lambda_context"] is context
    details = seen["apig_context"]
    assert details.full_event == event
    assert details.request_context == event["requestContext"]
    assert details.context is context
    assert details.event_format == event_name.replace("alb-multi", "alb")
    assert details.source_ip == source_ip
    assert seen["same_apig_context"] is True
    assert seen["proxy_is_true"] is True
    assert seen["proxy_event_format"] == details.event_format
    assert seen["proxy_remaining_time_ms"] == 30_000


def test_helpers_lattice_v1_has_no_request_context() -> None:
    seen = run("lattice-v1", LambdaContext())
    assert seen["full_event"] == seen["event"]
    assert seen["request_context"] is None
    assert seen["apig_context"].event_format == "lattice-v1"
    assert seen["apig_context"].source_ip == "10.213.229.10"


def test_helpers_edge_request_context_is_cf_config() -> None:
    seen = run("edge", LambdaContext())
    event = seen["event"]
    assert seen["full_event"] == event
    assert seen["request_context"] == event["Records"][0]["cf"]["config"]
    assert seen["apig_context"].event_format == "edge"
    assert seen["apig_context"].source_ip == "2001:cdba::3257:9652"


def test_helpers_lambda_context_none() -> None:
    seen = run("http-v2", None)
    assert seen["lambda_context"] is None
    assert seen["apig_context"].context is None


def test_helpers_outside_lambda_request_return_none() -> None:
    seen: dict[str, Any] = {}
    app = make_app(seen)
    response = app.test_client().get("/anything")
    assert response.status_code == 200
    assert seen == {
        "full_event": None,
        "request_context": None,
        "lambda_context": None,
        "apig_context": None,
        "same_apig_context": True,
        "proxy_is_true": False,
    }


def test_apig_context_proxy_outside_lambda_request_raises() -> None:
    app = Flask(__name__)
    with app.test_request_context("/"), pytest.raises(RuntimeError) as excinfo:
        apig_context.stage  # noqa: B018
    assert str(excinfo.value) == NOT_A_LAMBDA_REQUEST


@pytest.mark.parametrize(
    "helper",
    [get_full_event, get_request_context, get_lambda_context, get_apig_context],
)
def test_helpers_outside_request_raise(helper: Any) -> None:
    app = Flask(__name__)
    with app.app_context(), pytest.raises(RuntimeError) as excinfo:
        helper()
    assert str(excinfo.value).startswith("Working outside of request context.")


def test_apig_context_proxy_outside_request_raises() -> None:
    with pytest.raises(RuntimeError) as excinfo:
        apig_context.stage  # noqa: B018
    assert str(excinfo.value).startswith("Working outside of request context.")


def test_apig_context_is_per_request_inside_one_app_context() -> None:
    seen: dict[str, Any] = {}
    app = make_app(seen)
    handler = get_lambda_handler(app)
    with app.app_context():
        handler(load_event("rest"), LambdaContext())
        first = seen["apig_context"]
        handler(load_event("alb"), LambdaContext())
        second = seen["apig_context"]
    assert (first.event_format, second.event_format) == ("rest", "alb")
