"""The context object handed to the handler, as Lambda's Python runtime makes it.

The attributes and their sources (environment variables for the function,
Runtime API headers for the invocation) follow the managed runtime, so code
written for it reads the same values here:
https://docs.aws.amazon.com/lambda/latest/dg/python-context.html
"""

from __future__ import annotations

import json
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any


class ContextHeaderError(ValueError):
    """A Runtime API header that should hold JSON does not."""


class CognitoIdentity:
    """The Amazon Cognito identity of a mobile SDK caller (attributes may be None)."""

    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.cognito_identity_id = document.get("cognitoIdentityId")
        self.cognito_identity_pool_id = document.get("cognitoIdentityPoolId")


class Client:
    """The mobile app that called, from the client context."""

    __slots__ = (
        "app_package_name",
        "app_title",
        "app_version_code",
        "app_version_name",
        "installation_id",
    )

    def __init__(self, document: Mapping[str, Any]) -> None:
        for name in self.__slots__:
            setattr(self, name, document.get(name))


class ClientContext:
    """The client context a mobile SDK sent: ``client``, ``custom`` and ``env``."""

    __slots__ = ("client", "custom", "env")

    def __init__(self, document: Mapping[str, Any]) -> None:
        client = document.get("client")
        self.client = Client(client) if isinstance(client, dict) else None
        self.custom = document.get("custom")
        self.env = document.get("env")


class FunctionFacts:
    """What the environment says about the function, read once at start-up."""

    __slots__ = (
        "function_name",
        "function_version",
        "log_group_name",
        "log_stream_name",
        "memory_limit_in_mb",
    )

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.function_name = environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.log_group_name = environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        # A string, as the managed runtime gives it.
        self.memory_limit_in_mb = environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")


class LambdaContext:
    """The Lambda context object for one invocation."""

    __slots__ = (
        "_deadline_ms",
        "aws_request_id",
        "client_context",
        "function_name",
        "function_version",
        "identity",
        "invoked_function_arn",
        "log_group_name",
        "log_stream_name",
        "memory_limit_in_mb",
        "tenant_id",
    )

    def __init__(self, facts: FunctionFacts, headers: Mapping[str, str]) -> None:
        """``headers`` are the next-invocation answer's, with lower-case names."""
        self.function_name = facts.function_name
        self.function_version = facts.function_version
        self.log_group_name = facts.log_group_name
        self.log_stream_name = facts.log_stream_name
        self.memory_limit_in_mb = facts.memory_limit_in_mb
        self.aws_request_id = headers.get("lambda-runtime-aws-request-id", "")
        self.invoked_function_arn = headers.get("lambda-runtime-invoked-function-arn")
        self.tenant_id = headers.get("lambda-runtime-aws-tenant-id")
        deadline = headers.get("lambda-runtime-deadline-ms", "")
        self._deadline_ms = int(deadline) if deadline.isdigit() else 0
        client_context = json_header(headers, "lambda-runtime-client-context")
        self.client_context = (
            ClientContext(client_context) if client_context is not None else None
        )
        self.identity = CognitoIdentity(
            json_header(headers, "lambda-runtime-cognito-identity") or {}
        )

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before Lambda stops the invocation (never negative)."""
        return max(self._deadline_ms - int(time.time() * 1000), 0)

    def log(self, message: object) -> None:
        """Write ``message`` to the function's log, as the managed runtime's does."""
        sys.stdout.write(str(message))

    def __repr__(self) -> str:
        return (
            f"<LambdaContext aws_request_id={self.aws_request_id!r} "
            f"function_name={self.function_name!r}>"
        )


def json_header(headers: Mapping[str, str], name: str) -> dict[str, Any] | None:
    text = headers.get(name)
    if not text:
        return None
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise ContextHeaderError(f"The {name} header is not JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise ContextHeaderError(
            f"The {name} header is JSON but not an object: {text[:80]!r}"
        )
    return document
