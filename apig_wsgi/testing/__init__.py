"""Test and run apps locally with requests shaped as each AWS integration sends them."""

from __future__ import annotations

from apig_wsgi.testing.client import Client
from apig_wsgi.testing.client import LambdaContext
from apig_wsgi.testing.events import FORMATS
from apig_wsgi.testing.events import build_event
from apig_wsgi.testing.responses import Response
from apig_wsgi.testing.responses import decode_result
from apig_wsgi.testing.sqs import sqs_event

__all__ = (
    "FORMATS",
    "Client",
    "LambdaContext",
    "Response",
    "build_event",
    "decode_result",
    "sqs_event",
)
