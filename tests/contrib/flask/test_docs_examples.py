"""The Flask example of docs/other-aws-events.rst."""

from __future__ import annotations

import sys

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
