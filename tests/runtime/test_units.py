"""Pieces of the runtime that a subprocess cannot easily reach."""

from __future__ import annotations

import io
import logging
import sys

import pytest

from apig_wsgi.runtime.loading import is_wsgi_app
from apig_wsgi.runtime.loop import configure_logging


def test_callable_without_a_signature_is_a_handler() -> None:
    # Some C callables have no signature; the runtime calls them as handlers.
    assert is_wsgi_app(dict) is False


def test_logging_already_set_up_is_left_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stdout = io.StringIO()
    monkeypatch.setattr(sys, "stdout", stdout)
    handlers = list(logging.getLogger().handlers)
    assert handlers  # pytest's own capture handlers
    configure_logging()
    assert logging.getLogger().handlers == handlers
