from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any


class InvalidEventError(ValueError):
    """The Lambda event is not an HTTP event this package understands.

    Raised for unknown event shapes and for HTTP events with missing keys,
    values of the wrong type or bodies that do not decode. It subclasses
    ``ValueError`` because callers of earlier releases catch that.
    """


class FailureStatusError(RuntimeError):
    """The application answered with one of ``failure_status_codes``.

    Raising it fails the invocation, so Lambda's error metrics, alarms and
    retries see the request. ``result`` holds the response that was not sent.
    """

    def __init__(self, status: str, method: str, path: str, result: dict[str, Any]):
        super().__init__(
            f"The application answered {status} to {method} {path}; that status is "
            "in failure_status_codes, so the invocation fails."
        )
        self.status_code = int(status[:3])
        self.result = result
