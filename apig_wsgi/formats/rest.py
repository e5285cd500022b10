"""API Gateway payload format 1.0: REST APIs, and HTTP APIs that choose it."""

from __future__ import annotations

from apig_wsgi import environ_keys
from apig_wsgi.environ import add_headers
from apig_wsgi.environ import decode_path
from apig_wsgi.environ import encode_query
from apig_wsgi.environ import last_forwarded_for
from apig_wsgi.environ import mapping
from apig_wsgi.environ import named_stage_prefix
from apig_wsgi.environ import native_string
from apig_wsgi.environ import optional_string
from apig_wsgi.environ import request_method
from apig_wsgi.environ import required_mapping
from apig_wsgi.environ import set_body
from apig_wsgi.environ import set_server
from apig_wsgi.environ import string
from apig_wsgi.formats.base import EventFormat
from apig_wsgi.formats.base import string_at
from apig_wsgi.identity import claimed_identity
from apig_wsgi.identity import iam_identity
from apig_wsgi.identity import named_identity
from apig_wsgi.response import BufferedResponse
from apig_wsgi.results import multi_value_headers

# typing is imported only by type checkers: importing it would double the
# time ``import apig_wsgi`` takes (bench/run.py's import row).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from apig_wsgi.formats.base import Result
    from apig_wsgi.identity import Identity

# A Cognito user pool authorizer sets only these keys; any other key means
# the authorizer is a Lambda function and the dict is its context.
COGNITO_KEYS = frozenset({"claims", "scopes"})


def payload_1(event: dict[str, Any], request_context: dict[str, Any]) -> bool:
    """Whether ``event`` has the marks of payload format 1.0."""
    if "elb" in request_context:
        return False  # an ALB's, which has httpMethod too
    # A WebSocket API's events have a resourcePath too, and a connectionId.
    return "httpMethod" in event or (
        "resourcePath" in request_context and "connectionId" not in request_context
    )


class RestFormat(EventFormat):
    name = "rest"
    binary_by_default = False
    # A REST API decodes base64 only for its binaryMediaTypes.
    front_decodes_base64 = False
    # What verifies the tokens whose claims the authorizer passes on.
    claims_source = "cognito"

    @classmethod
    def recognises(cls, event: dict[str, Any], request_context: dict[str, Any]) -> bool:
        return payload_1(event, request_context) and "version" not in event

    def environ(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        environ = self.new_environ(event, context)
        # Test harnesses leave requestContext out; AWS always sends one.
        request_context = required_mapping(
            event.get("requestContext", {}), "requestContext"
        )
        if "requestContext" in event:
            environ[environ_keys.REQUEST_CONTEXT] = request_context

        environ["REQUEST_METHOD"] = request_method(event["httpMethod"], "httpMethod")
        path = string(event["path"], "path")
        if not path.startswith("/"):
            path = "/" + path
        environ["PATH_INFO"] = decode_path(path)

        # REST APIs send every header both ways; the multi-value form loses nothing.
        multi_headers = event.get("multiValueHeaders")
        if multi_headers is not None:
            add_headers(
                environ,
                mapping(multi_headers, "multiValueHeaders").items(),
                multi_value=True,
            )
            environ[environ_keys.MULTI_VALUE_HEADERS] = True
        else:
            add_headers(environ, mapping(event.get("headers"), "headers").items())

        # API Gateway hands over decoded values, so they are encoded again here.
        multi_query = event.get("multiValueQueryStringParameters")
        if multi_query is None:
            query = mapping(event.get("queryStringParameters"), "queryStringParameters")
        else:
            query = mapping(multi_query, "multiValueQueryStringParameters")
        environ["QUERY_STRING"] = encode_query(query)

        set_body(environ, event.get("body"), event.get("isBase64Encoded"))

        identity = mapping(request_context.get("identity"), "requestContext.identity")
        source_ip = native_string(
            identity.get("sourceIp"), "requestContext.identity.sourceIp"
        )
        environ["REMOTE_ADDR"] = (
            source_ip or last_forwarded_for(environ) or environ["REMOTE_ADDR"]
        )
        set_server(
            environ,
            optional_string(
                request_context.get("domainName"), "requestContext.domainName"
            ),
            "https",
        )
        if self.fixed_script_name or self.auto_script_name:
            self.set_script_name(environ, *self.stage_prefix(request_context, path))
        return environ

    def stage_prefix(
        self, request_context: dict[str, Any], path: str
    ) -> tuple[str, bool]:
        """The decoded URL prefix before the event's path, and whether it is in it.

        A REST API's ``path`` lacks the stage that ``requestContext.path``, the
        path the client used on the ``execute-api`` host, starts with.
        """
        full_path = optional_string(request_context.get("path"), "requestContext.path")
        if path == "/" and not full_path.endswith("/"):
            full_path += "/"
        if (
            len(full_path) > len(path)
            and full_path.endswith(path)
            and full_path.startswith("/")
        ):
            return decode_path(full_path[: -len(path)]), False
        return "", False

    def result(self, response: BufferedResponse, environ: dict[str, Any]) -> Result:
        body, is_base64 = self.encoder.encode(response)
        return (
            {
                "statusCode": response.status_code,
                "multiValueHeaders": multi_value_headers(response.headers),
                "body": body,
                "isBase64Encoded": is_base64,
            },
            body,
            is_base64,
        )

    @classmethod
    def prelude(
        cls, status_code: int, headers: list[tuple[str, str]]
    ) -> dict[str, Any]:
        # A REST API takes Set-Cookie, like every repeated header, this way.
        return {
            "statusCode": status_code,
            "multiValueHeaders": multi_value_headers(headers),
        }

    @classmethod
    def stage(cls, request_context: dict[str, Any] | None) -> str | None:
        return string_at(request_context, "stage")

    @classmethod
    def request_id(cls, request_context: dict[str, Any] | None) -> str | None:
        return string_at(request_context, "requestId")

    @classmethod
    def authorizer(
        cls, request_context: dict[str, Any] | None
    ) -> dict[str, Any] | None:
        """A Lambda authorizer's context without null entries, or Cognito claims."""
        authorizer = (request_context or {}).get("authorizer")
        if not isinstance(authorizer, dict):
            return None
        present = {key: value for key, value in authorizer.items() if value is not None}
        if present.keys() <= COGNITO_KEYS:
            claims = present.get("claims")
            return claims if isinstance(claims, dict) and claims else None
        return present

    @classmethod
    def identity(
        cls,
        request_context: dict[str, Any] | None,
        environ: dict[str, Any],
        claim: str,
    ) -> Identity | None:
        """The Cognito or JWT claims, a Lambda authorizer's principal, or IAM."""
        request_context = request_context or {}
        authorizer = request_context.get("authorizer")
        if isinstance(authorizer, dict):
            present = {
                key: value for key, value in authorizer.items() if value is not None
            }
            if not present.keys() <= COGNITO_KEYS:
                return lambda_identity(present, claim)
            if present:
                return claimed_identity(present.get("claims"), claim, cls.claims_source)
        identity = request_context.get("identity")
        if not isinstance(identity, dict):
            return None
        return iam_identity(
            identity,
            identity.get("userArn"),
            identity.get("cognitoIdentityId"),
            identity.get("cognitoAuthenticationType") == "authenticated",
        )


def lambda_identity(authorizer: dict[str, Any], claim: str) -> Identity | None:
    """A Lambda authorizer's principalId, else ``claim`` in its context.

    HTTP APIs with payload 1.0 and simple responses send no principalId.
    """
    if "principalId" in authorizer:
        return named_identity(
            authorizer["principalId"], "lambda", authorizer, "principalId"
        )
    context = authorizer.get("lambda")
    return claimed_identity(
        context if isinstance(context, dict) else authorizer, claim, "lambda"
    )


class HttpV1Format(RestFormat):
    name = "http-v1"
    # HTTP APIs decode every base64 body, whatever its type.
    front_decodes_base64 = True
    claims_source = "jwt"

    @classmethod
    def recognises(cls, event: dict[str, Any], request_context: dict[str, Any]) -> bool:
        return payload_1(event, request_context) and "version" in event

    def stage_prefix(
        self, request_context: dict[str, Any], path: str
    ) -> tuple[str, bool]:
        return named_stage_prefix(
            optional_string(request_context.get("stage"), "requestContext.stage"),
            path,
        )
