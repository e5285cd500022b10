"""A typed, read-only view of the AWS request behind a WSGI environ.

Django exposes it as ``request.apig_context``; Flask as ``apig_context`` and
``get_apig_context()`` in ``apig_wsgi.contrib.flask``, cached in the environ.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from apig_wsgi import environ_keys

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any


# Formats with API Gateway's requestContext (stage, requestId, authorizer).
_API_GATEWAY_V1_FORMATS = frozenset({"rest", "http-v1"})
_API_GATEWAY_V2_FORMATS = frozenset({"http-v2", "function-url"})
# A Cognito user pool authorizer sets only these keys; any other key means
# the authorizer is a Lambda function and the dict is its context.
_COGNITO_KEYS = frozenset({"claims", "scopes"})


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

    @cached_property
    def stage(self) -> str | None:
        """The API Gateway stage name; None for fronts that have no stages."""
        if self.event_format not in (_API_GATEWAY_V1_FORMATS | _API_GATEWAY_V2_FORMATS):
            return None
        return _str_or_none(_get(self.request_context, "stage"))

    @cached_property
    def request_id(self) -> str | None:
        """The id the front assigned to the request (API Gateway, Edge).

        ALB and VPC Lattice assign none, so this is None for them.
        """
        return _str_or_none(_get(self.request_context, "requestId"))

    @cached_property
    def aws_request_id(self) -> str | None:
        """The Lambda invocation id from the context object."""
        return _str_or_none(getattr(self.context, "aws_request_id", None))

    @cached_property
    def source_ip(self) -> str | None:
        """``REMOTE_ADDR``: the client address AWS observed (see trusted_proxies)."""
        return _str_or_none(self._environ.get("REMOTE_ADDR")) or None

    @cached_property
    def authorizer(self) -> dict[str, Any] | None:
        """What the API's authorizer established about the caller, or None.

        REST and HTTP payload 1.0: a Lambda authorizer's context (entries
        with a null value left out), or the ``claims`` of a Cognito authorizer.
        HTTP payload 2.0 and Function URLs: the ``lambda`` context, the
        ``jwt`` claims or the ``iam`` identity, in that order. VPC Lattice v2:
        the ``identity`` when the service uses IAM auth.
        """
        event_format = self.event_format
        request_context = self.request_context
        if event_format == "lattice-v2":
            identity = _get(request_context, "identity")
            if isinstance(identity, dict) and identity.get("type") == "AWS_IAM":
                return identity
            return None
        authorizer = _get(request_context, "authorizer")
        if not isinstance(authorizer, dict):
            return None
        if event_format in _API_GATEWAY_V2_FORMATS:
            for key in ("lambda", "jwt", "iam"):
                found = authorizer.get(key)
                if key == "jwt" and isinstance(found, dict):
                    found = found.get("claims")
                if isinstance(found, dict) and found:
                    return found
            return None
        present = {k: v for k, v in authorizer.items() if v is not None}
        if present.keys() <= _COGNITO_KEYS:
            claims = present.get("claims")
            return claims if isinstance(claims, dict) and claims else None
        return present

    def remaining_time_ms(self) -> int | None:
        """Milliseconds left before Lambda stops the invocation, if known."""
        get_remaining = getattr(self.context, "get_remaining_time_in_millis", None)
        if get_remaining is None:
            return None
        remaining: int = get_remaining()
        return remaining


def _get(mapping: object, key: str) -> Any:
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
