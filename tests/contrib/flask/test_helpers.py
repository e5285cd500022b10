from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from apig_wsgi.contrib.flask import ApigWsgi
from apig_wsgi.contrib.flask import apig_context
from apig_wsgi.contrib.flask import get_lambda_handler
from apig_wsgi.testing import LambdaContext
from tests.contrib.flask.support import load_event

NOT_A_LAMBDA_REQUEST = (
    "apig_context is only available in requests that came through the "
    "apig_wsgi Lambda handler. Check it with `if apig_context:` first."
)


def make_app(seen: dict[str, Any]) -> Flask:
    """An app whose every URL records what ``apig_context`` gives into ``seen``."""
    app = Flask(__name__)

    @app.route("/", defaults={"path": ""}, methods=["GET", "POST"])
    @app.route("/<path:path>", methods=["GET", "POST"])
    def record(path: str) -> str:
        seen["is_lambda_request"] = bool(apig_context)
        if apig_context:
            # The proxy's object, the same for the whole request.
            seen["apig_context"] = apig_context._get_current_object()  # type: ignore[attr-defined]
            seen["same_object"] = (
                apig_context._get_current_object() is seen["apig_context"]  # type: ignore[attr-defined]
            )
            seen["remaining_time_ms"] = apig_context.remaining_time_ms()
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
def test_apig_context_of_a_lambda_request(event_name: str, source_ip: str) -> None:
    context = LambdaContext()
    seen = run(event_name, context)
    event = seen["event"]
    details = seen.pop("apig_context")
    assert {
        "full_event": details.full_event,
        "request_context": details.request_context,
        "is_the_lambda_context": details.context is context,
        "event_format": details.event_format,
        "source_ip": details.source_ip,
        **seen,
    } == {
        "full_event": event,
        "request_context": event["requestContext"],
        "is_the_lambda_context": True,
        "event_format": event_name.replace("alb-multi", "alb"),
        "source_ip": source_ip,
        "is_lambda_request": True,
        "same_object": True,
        "remaining_time_ms": 30_000,
        "event": event,
    }


def test_apig_context_lattice_v1_has_no_request_context() -> None:
    details = run("lattice-v1", LambdaContext())["apig_context"]
    assert (details.request_context, details.event_format, details.source_ip) == (
        None,
        "lattice-v1",
        "10.213.229.10",
    )


def test_apig_context_edge_request_context_is_cf_config() -> None:
    seen = run("edge", LambdaContext())
    details = seen["apig_context"]
    assert details.request_context == seen["event"]["Records"][0]["cf"]["config"]
    assert (details.event_format, details.source_ip) == (
        "edge",
        "2001:cdba::3257:9652",
    )


def test_apig_context_without_lambda_context() -> None:
    assert run("http-v2", None)["apig_context"].context is None


def test_apig_context_is_false_outside_lambda_requests() -> None:
    seen: dict[str, Any] = {}
    app = make_app(seen)
    response = app.test_client().get("/anything")
    assert response.status_code == 200
    assert seen == {"is_lambda_request": False}


def test_apig_context_attributes_outside_lambda_requests_raise() -> None:
    app = Flask(__name__)
    with app.test_request_context("/"), pytest.raises(RuntimeError) as excinfo:
        apig_context.stage  # noqa: B018
    assert str(excinfo.value) == NOT_A_LAMBDA_REQUEST


def test_apig_context_outside_requests_raises() -> None:
    with pytest.raises(RuntimeError) as excinfo:
        apig_context.stage  # noqa: B018
    # The rest of the message is Flask's advice, which varies by version.
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


def test_the_extension_exports_one_way_to_the_context() -> None:
    import apig_wsgi.contrib.flask

    assert apig_wsgi.contrib.flask.__all__ == (
        "ApigWsgi",
        "apig_context",
        "get_lambda_handler",
    )
