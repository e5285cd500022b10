"""Application Load Balancer targets, with and without multi-value headers."""

from __future__ import annotations

from apig_wsgi import environ_keys
from apig_wsgi.environ import add_headers
from apig_wsgi.environ import decode_path
from apig_wsgi.environ import last_forwarded_for
from apig_wsgi.environ import mapping
from apig_wsgi.environ import request_method
from apig_wsgi.environ import sequence
from apig_wsgi.environ import set_body
from apig_wsgi.environ import set_server
from apig_wsgi.environ import string
from apig_wsgi.environ import to_wsgi_str
from apig_wsgi.formats.base import EventFormat
from apig_wsgi.identity import claimed_identity
from apig_wsgi.limits import ALB_RESPONSE_LIMIT
from apig_wsgi.log import logger
from apig_wsgi.options import Options
from apig_wsgi.response import BufferedResponse
from apig_wsgi.results import multi_value_headers
from apig_wsgi.results import single_value_headers

# typing is imported only by type checkers: importing it would double the
# time ``import apig_wsgi`` takes (bench/run.py's import row).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from apig_wsgi.formats.base import Result
    from apig_wsgi.identity import Identity


def query_value(value: object) -> str:
    if isinstance(value, str):
        return value
    return string(value, "a query string value")


class AlbFormat(EventFormat):
    name = "alb"

    @classmethod
    def recognises(cls, event: dict[str, Any], request_context: dict[str, Any]) -> bool:
        return "elb" in request_context

    def __init__(self, options: Options) -> None:
        super().__init__(options)
        # A listener that does not authenticate passes on the x-amzn-oidc-*
        # headers a client sends, so they name nobody unless the user says
        # that every rule forwarding here authenticates.
        if not options.alb_authenticates:
            self.identity_claim = None

    @classmethod
    def identity(
        cls,
        request_context: dict[str, Any] | None,
        environ: dict[str, Any],
        claim: str,
    ) -> Identity | None:
        """``claim`` of the user claims the listener's authentication passed on.

        Call it only for listeners that authenticate (the ``alb_authenticates``
        option): others pass on the headers a client sends.
        """
        data = environ.get("HTTP_X_AMZN_OIDC_DATA")
        if data is None:
            return None
        claims = oidc_claims(data)
        if claims is None:
            logger(__name__).warning(
                "The x-amzn-oidc-data header is not a JWT with JSON claims, so "
                "REMOTE_USER is not set."
            )
        return claimed_identity(claims, claim, "alb")

    def environ(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        environ = self.new_environ(event, context)
        environ[environ_keys.REQUEST_CONTEXT] = event["requestContext"]
        method = event["httpMethod"]
        environ["REQUEST_METHOD"] = request_method(method, "httpMethod")
        path = event["path"]
        environ["PATH_INFO"] = (
            path
            if isinstance(path, str)
            and path[:1] == "/"
            and "%" not in path
            and path.isascii()
            else decode_path(string(path, "path"))
        )

        # The target group's multi-value setting picks the keys, and the
        # response has to use the same style.
        if "multiValueHeaders" in event:
            add_headers(
                environ,
                mapping(event["multiValueHeaders"], "multiValueHeaders").items(),
                multi_value=True,
            )
            environ[environ_keys.MULTI_VALUE_HEADERS] = True
        else:
            add_headers(environ, mapping(event.get("headers"), "headers").items())

        # ALB passes query values on as the client sent them, still encoded.
        if "multiValueQueryStringParameters" in event:
            pairs = mapping(
                event["multiValueQueryStringParameters"],
                "multiValueQueryStringParameters",
            )
            query = "&".join(
                f"{name}={query_value(value)}"
                for name, values in pairs.items()
                for value in sequence(values, name)
            )
        else:
            pairs = mapping(event.get("queryStringParameters"), "queryStringParameters")
            query = "&".join(
                [f"{name}={query_value(value)}" for name, value in pairs.items()]
            )
        environ["QUERY_STRING"] = query if query.isascii() else to_wsgi_str(query)

        set_body(environ, event.get("body"), event.get("isBase64Encoded"))
        environ["REMOTE_ADDR"] = last_forwarded_for(environ) or environ["REMOTE_ADDR"]
        # Health checks carry no Host header; set_server still fills the names.
        set_server(environ, "", "http")
        if self.fixed_script_name:
            self.set_script_name(environ, "", False)
        return environ

    def result(self, response: BufferedResponse, environ: dict[str, Any]) -> Result:
        body, is_base64 = self.encoder.encode(response)
        result: dict[str, Any] = {
            "statusCode": response.status_code,
            "statusDescription": response.status,
        }
        if environ[environ_keys.MULTI_VALUE_HEADERS]:
            result["multiValueHeaders"] = multi_value_headers(response.headers)
        else:
            result["headers"] = single_value_headers(
                response.headers,
                "ALB",
                "Turn on the target group attribute "
                "lambda.multi_value_headers.enabled to send them all.",
            )
        result["body"] = body
        result["isBase64Encoded"] = is_base64
        return result, body, is_base64

    def response_limit(self, environ: dict[str, Any]) -> int:
        return ALB_RESPONSE_LIMIT


def oidc_claims(token: str) -> dict[str, Any] | None:
    """The payload of the ALB's ``x-amzn-oidc-data`` JWT, not verified.

    ALB pads its base64url segments, which JWT libraries refuse:
    https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html
    """
    # Imported here: only listeners that authenticate need them.
    import base64
    import binascii
    import json

    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1].rstrip("=")
    try:
        claims = json.loads(
            base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        )
    except (binascii.Error, ValueError):
        return None
    return claims if isinstance(claims, dict) else None
