"""A typed, read-only view of the AWS request behind a WSGI environ.

Django exposes it as ``request.apig_context``; Flask as the ``apig_context``
proxy of ``apig_wsgi.contrib.flask``.
"""

from __future__ import annotations

from apig_wsgi import environ_keys
from apig_wsgi.formats.registry import FORMATS_BY_NAME

# typing is imported only by type checkers: importing it would double the
# time ``import apig_wsgi`` takes (bench/run.py's import row).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from apig_wsgi.formats.base import EventFormat
    from apig_wsgi.identity import Identity


class ApigContext:
    """The AWS event, Lambda context and derived facts for one request.

    Build it with ``ApigContext.from_environ(environ)``. Every attribute is
    computed on first access and cannot be changed.
    """

    _environ: Mapping[str, Any]

    def __init__(self, environ: Mapping[str, Any]) -> None:
        if environ_keys.FULL_EVENT not in environ:
            raise ValueError(
                f"The environ has no {environ_keys.FULL_EVENT!r} key, so it did "
                "not come from an apig_wsgi Lambda handler. Use "
                "ApigContext.from_environ(), which returns None in that case."
            )
        object.__setattr__(self, "_environ", environ)

    @classmethod
    def from_environ(cls, environ: Mapping[str, Any]) -> ApigContext | None:
        """Return the context for ``environ``, or None outside Lambda."""
        if environ_keys.FULL_EVENT not in environ:
            return None
        return cls(environ)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"ApigContext is read-only, cannot set {name!r}.")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"ApigContext is read-only, cannot delete {name!r}.")

    def __bool__(self) -> bool:
        """True: an ApigContext is there; Flask's proxy to it is false when not."""
        return True

    def __repr__(self) -> str:
        return (
            f"<ApigContext event_format={self.event_format!r} "
            f"request_id={self.request_id!r}>"
        )

    @property
    def full_event(self) -> dict[str, Any]:
        """The event exactly as Lambda delivered it."""
        event: dict[str, Any] = self._environ[environ_keys.FULL_EVENT]
        return event

    @property
    def request_context(self) -> dict[str, Any] | None:
        """The event's ``requestContext`` (``cf.config`` for Lambda@Edge)."""
        request_context: dict[str, Any] | None = self._environ.get(
            environ_keys.REQUEST_CONTEXT
        )
        return request_context

    @property
    def context(self) -> Any:
        """The Lambda context object passed to the handler (may be None)."""
        return self._environ.get(environ_keys.CONTEXT)

    @property
    def event_format(self) -> str:
        """rest, http-v1, http-v2, function-url, alb, lattice-v1/-v2 or edge."""
        event_format: str = self._environ[environ_keys.EVENT_FORMAT]
        return event_format

    @property
    def stage(self) -> str | None:
        """The API Gateway stage name; None for fronts that have no stages."""
        return self._format.stage(self.request_context)

    @property
    def request_id(self) -> str | None:
        """The id the front assigned to the request (API Gateway, Edge).

        ALB and VPC Lattice assign none, so this is None for them.
        """
        return self._format.request_id(self.request_context)

    @property
    def aws_request_id(self) -> str | None:
        """The Lambda invocation id from the context object."""
        request_id = getattr(self.context, "aws_request_id", None)
        return request_id if isinstance(request_id, str) else None

    @property
    def source_ip(self) -> str | None:
        """``REMOTE_ADDR``: the client address AWS observed (see trusted_proxies)."""
        address = self._environ.get("REMOTE_ADDR")
        return address if isinstance(address, str) and address else None

    @property
    def authorizer(self) -> dict[str, Any] | None:
        """What the API's authorizer established about the caller, or None.

        REST and HTTP payload 1.0: a Lambda authorizer's context (entries
        with a null value left out), or the ``claims`` of a Cognito authorizer.
        HTTP payload 2.0 and Function URLs: the ``lambda`` context, the
        ``jwt`` claims or the ``iam`` identity, in that order. VPC Lattice v2:
        the ``identity`` when the service uses IAM auth.
        """
        return self._format.authorizer(self.request_context)

    @property
    def identity(self) -> Identity | None:
        """The caller that AWS verified, with its claims; None when the
        ``remote_user`` option is off or the request is not authenticated.

        Its ``name`` is ``REMOTE_USER`` as text (see docs/authentication.rst).
        """
        identity: Identity | None = self._environ.get(environ_keys.IDENTITY)
        return identity

    @property
    def _format(self) -> type[EventFormat]:
        return FORMATS_BY_NAME[self.event_format]

    def remaining_time_ms(self) -> int | None:
        """Milliseconds left before Lambda stops the invocation, if known."""
        get_remaining = getattr(self.context, "get_remaining_time_in_millis", None)
        if get_remaining is None:
            return None
        remaining: int = get_remaining()
        return remaining
