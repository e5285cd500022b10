"""The names users import: a small surface, each of them documented."""

from __future__ import annotations

import apig_wsgi
import apig_wsgi.testing


def test_core_names() -> None:
    assert apig_wsgi.__all__ == (
        "DEFAULT_NON_BINARY_CONTENT_TYPE_PREFIXES",
        "InvalidEventError",
        "make_lambda_handler",
    )


def test_default_prefixes_stay_importable_as_in_2_x() -> None:
    from apig_wsgi import DEFAULT_NON_BINARY_CONTENT_TYPE_PREFIXES

    assert DEFAULT_NON_BINARY_CONTENT_TYPE_PREFIXES == (
        "text/",
        "application/json",
        "application/problem+json",
        "application/vnd.api+json",
    )


def test_testing_names() -> None:
    assert apig_wsgi.testing.__all__ == (
        "FORMATS",
        "Client",
        "LambdaContext",
        "Response",
        "build_event",
        "decode_result",
        "sqs_event",
    )
