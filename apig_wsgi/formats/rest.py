"""API Gateway REST APIs, and HTTP APIs with payload format 1.0."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apig_wsgi import environ_keys
from apig_wsgi.environ import add_multi_value_headers
from apig_wsgi.environ import add_single_value_headers
from apig_wsgi.environ import decode_path
from apig_wsgi.environ import encode_query
from apig_wsgi.environ import last_forwarded_for
from apig_wsgi.environ import mapping
from apig_wsgi.environ import optional_string
from apig_wsgi.environ import request_method
from apig_wsgi.environ import required_mapping
from apig_wsgi.environ import set_body
from apig_wsgi.environ import set_server
from apig_wsgi.environ import string
from apig_wsgi.environ import to_wsgi_str
from apig_wsgi.formats.base import EventFormat
from apig_wsgi.response import BufferedResponse
from apig_wsgi.results import multi_value_headers

if TYPE_CHECKING:
    from typing import Any

    from apig_wsgi.formats.base import Result


class RestFormat(EventFormat):
    name = "rest"
    binary_by_default = False
    # A REST API decodes base64 only for its binaryMediaTypes.
    front_decodes_base64 = False

    def environ(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        environ = self.new_environ(event, context)
        # Test harnesses leave requestContext out; AWS always sends one.
        request_context = event.get("requestContext", {})
        if request_context.__class__ is not dict:
            request_context = required_mapping(request_context, "requestContext")
        if "requestContext" in event:
            environ[environ_keys.REQUEST_CONTEXT] = request_context

        method = event["httpMethod"]
        environ["REQUEST_METHOD"] = request_method(method, "httpMethod")
        path = event["path"]
        if path.__class__ is not str:
            path = string(path, "path")
        if path[:1] != "/":
            path = "/" + path
        environ["PATH_INFO"] = (
            path if "%" not in path and path.isascii() else decode_path(path)
        )

        # REST APIs send every header both ways; the multi-value form loses nothing.
        multi_headers = event.get("multiValueHeaders")
        if multi_headers is not None:
            add_multi_value_headers(environ, multi_headers)
            environ[environ_keys.MULTI_VALUE_HEADERS] = True
        else:
            add_single_value_headers(environ, event.get("headers"))

        # API Gateway hands over decoded values, so they are encoded again here.
        multi_query = event.get("multiValueQueryStringParameters")
        if multi_query:
            environ["QUERY_STRING"] = encode_query(
                mapping(multi_query, "multiValueQueryStringParameters")
            )
        elif multi_query is None and (query := event.get("queryStringParameters")):
            environ["QUERY_STRING"] = encode_query(
                mapping(query, "queryStringParameters")
            )
        else:
            if multi_query is not None:
                # An empty multi-value object still has to be an object.
                mapping(multi_query, "multiValueQueryStringParameters")
            environ["QUERY_STRING"] = ""

        set_body(environ, event.get("body"), event.get("isBase64Encoded"))

        identity = mapping(request_context.get("identity"), "requestContext.identity")
        source_ip = optional_string(
            identity.get("sourceIp"), "requestContext.identity.sourceIp"
        )
        environ["REMOTE_ADDR"] = (
            to_wsgi_str(source_ip)
            or last_forwarded_for(environ)
            or environ["REMOTE_ADDR"]
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
        # requestContext.path is the URL path the client used: the stage (on
        # the execute-api host) followed by the event's path.
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


class HttpV1Format(RestFormat):
    name = "http-v1"
    # HTTP APIs decode every base64 body, whatever its type.
    front_decodes_base64 = True

    def stage_prefix(
        self, request_context: dict[str, Any], path: str
    ) -> tuple[str, bool]:
        return named_stage_prefix(request_context, path)


def named_stage_prefix(request_context: dict[str, Any], path: str) -> tuple[str, bool]:
    """HTTP APIs keep a named stage (not ``$default``) at the start of the path."""
    stage = optional_string(request_context.get("stage"), "requestContext.stage")
    if stage and stage != "$default":
        prefix = "/" + stage
        if path == prefix or path.startswith(prefix + "/"):
            return decode_path(prefix), True
    return "", False
