"""A test client that calls a Lambda handler the way an AWS integration does."""

from __future__ import annotations

import json as json_module
import logging
import uuid
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any

from apig_wsgi.testing.events import DEFAULT_SOURCE_IP
from apig_wsgi.testing.events import Headers
from apig_wsgi.testing.events import Query
from apig_wsgi.testing.events import build_event
from apig_wsgi.testing.hosts import refused_hosts
from apig_wsgi.testing.responses import Response
from apig_wsgi.testing.responses import decode_result
from apig_wsgi.testing.responses import request_problem

if TYPE_CHECKING:
    from apig_wsgi.handler import HandlerFunction

logger = logging.getLogger("apig_wsgi.testing")


@dataclass
class LambdaContext:
    """A stand-in for the context object the Lambda runtime passes to handlers."""

    function_name: str = "apig-wsgi-local"
    function_version: str = "$LATEST"
    invoked_function_arn: str = (
        "arn:aws:lambda:us-east-1:123456789012:function:apig-wsgi-local"
    )
    memory_limit_in_mb: int = 128
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/apig-wsgi-local"
    log_stream_name: str = "local"
    remaining_time_in_millis: int = 30_000

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_time_in_millis


class Client:
    """Send requests through ``handler`` shaped as ``format``'s integration would.

    Each call builds the event with ``build_event``, calls the handler with a
    fresh ``LambdaContext`` and decodes the result with ``decode_result``.
    Exceptions from the handler propagate, so tests see them. When Django
    refuses the request's Host, a warning on the ``apig_wsgi.testing`` logger
    says which host to add to ``ALLOWED_HOSTS``.
    """

    def __init__(
        self,
        handler: HandlerFunction,
        *,
        format: str = "http-v2",
        stage: str | None = None,
        binary_media_types: Sequence[str] = (),
        multi_value_headers: bool = False,
        source_ip: str = DEFAULT_SOURCE_IP,
    ) -> None:
        self.handler = handler
        self.format = format
        self.stage = stage
        self.binary_media_types = tuple(binary_media_types)
        self.multi_value_headers = multi_value_headers
        self.source_ip = source_ip

    def request(
        self,
        method: str,
        path: str = "/",
        *,
        query: Query | None = None,
        headers: Headers | None = None,
        cookies: Mapping[str, str] | None = None,
        body: bytes | str = b"",
        json: Any = None,
        authorizer: Mapping[str, Any] | None = None,
        claims: Mapping[str, Any] | None = None,
        iam: str | None = None,
    ) -> Response:
        """Send one request; ``json`` sets a JSON body and its Content-Type.

        ``authorizer``, ``claims`` and ``iam`` say who is calling, as for
        ``build_event``.
        """
        header_list = (
            list(headers.items())
            if isinstance(headers, Mapping)
            else list(headers or ())
        )
        if json is not None:
            if body:
                raise ValueError("Pass body or json, not both.")
            body = json_module.dumps(json)
            header_list.append(("Content-Type", "application/json"))
        event = build_event(
            self.format,
            method,
            path,
            query=query,
            headers=header_list,
            cookies=cookies,
            body=body,
            stage=self.stage,
            source_ip=self.source_ip,
            authorizer=authorizer,
            claims=claims,
            iam=iam,
            binary_media_types=self.binary_media_types,
            multi_value_headers=self.multi_value_headers,
        )
        accept = next(
            (value for name, value in header_list if name.lower() == "accept"), None
        )
        refusal = request_problem(event, self.format)
        if refusal is not None:
            return refusal
        with refused_hosts() as hints:
            result = self.handler(event, LambdaContext())
        for hint in hints:
            logger.warning(hint)
        response = decode_result(
            result,
            self.format,
            accept=accept,
            binary_media_types=self.binary_media_types,
            multi_value_headers=self.multi_value_headers,
        )
        return Response(
            response.status,
            response.reason,
            response.headers,
            # The front answers HEAD without a body, whatever the function sent.
            b"" if method.upper() == "HEAD" else response.body,
            response.error,
            event=event,
            result=result,
        )

    def get(self, path: str = "/", **kwargs: Any) -> Response:
        return self.request("GET", path, **kwargs)

    def head(self, path: str = "/", **kwargs: Any) -> Response:
        return self.request("HEAD", path, **kwargs)

    def options(self, path: str = "/", **kwargs: Any) -> Response:
        return self.request("OPTIONS", path, **kwargs)

    def post(self, path: str = "/", **kwargs: Any) -> Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str = "/", **kwargs: Any) -> Response:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str = "/", **kwargs: Any) -> Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str = "/", **kwargs: Any) -> Response:
        return self.request("DELETE", path, **kwargs)
