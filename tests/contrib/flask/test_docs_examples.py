"""The Flask examples of the docs pages."""

from __future__ import annotations

import sys

from apig_wsgi.testing import Client
from tests.docs import example_modules
from tests.test_event_sources import SCHEDULED


def test_flask_schedule_handler_runs_in_an_app_context() -> None:
    schedule = {
        **SCHEDULED,
        "resources": ["arn:aws:events:us-east-1:123456789012:rule/nightly-report"],
    }
    with example_modules(app="other-aws-events/flask_app.py"):
        handler = sys.modules["app"].lambda_handler

        assert handler(schedule, None) == "Nightly report for 2019-10-08T16:53:06Z"


def test_factory_lambda_function_serves_the_blueprint() -> None:
    with example_modules(
        **{
            "myproject": "flask/myproject/__init__.py",
            "myproject.views": "flask/myproject/views.py",
            "lambda_function": "flask/lambda_function.py",
        }
    ):
        handler = sys.modules["lambda_function"].lambda_handler
        response = Client(handler, format="rest").get("/whoami")
        local = sys.modules["myproject"].create_app().test_client().get("/whoami")
    assert response.json() == {
        "claims": None,
        "ip": "203.0.113.10",
        "ms_left": 30000,
        "stage": "prod",
    }
    # Outside Lambda, apig_context is false and the view answers 404.
    assert local.status_code == 404


def test_flask_login_recipe_loads_only_the_verified_caller() -> None:
    with example_modules(app="authentication/flask_login_app.py"):
        app = sys.modules["app"]
        client = Client(app.lambda_handler, format="http-v2")
        claims = {"email": "ada@example.com", "cognito:groups": "[editors admins]"}

        me = client.get("/me", claims=claims)
        anonymous = client.get("/me")
        spoofed = client.get(
            "/me", headers={"Remote-User": "ada@example.com", "Cookie": "session=x"}
        )
        local = app.app.test_client().get("/me")

    assert (me.status, me.json()) == (
        200,
        {"email": "ada@example.com", "groups": ["editors", "admins"]},
    )
    assert [anonymous.status, spoofed.status, local.status_code] == [401, 401, 401]
