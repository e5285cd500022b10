"""Application Load Balancer targets, with and without multi-value headers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apig_wsgi import environ_keys
from apig_wsgi.environ import add_multi_value_headers
from apig_wsgi.environ import add_single_value_headers
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
from apig_wsgi.limits import ALB_RESPONSE_LIMIT
from apig_wsgi.response import BufferedResponse
from apig_wsgi.results import multi_value_headers
from apig_wsgi.results import single_value_headers

if TYPE_CHECKING:
    from typing import Any

    from apig_wsgi.formats.base import Result


def query_value(value: object) -> str:
    if isinstance(value, str):
        return value
    return string(value, "a query string value")


class AlbFormat(EventFormat):
    name = "alb"

    @classmethod
    def recognises(cls, event: dict[str, Any], request_context: dict[str, Any]) -> bool:
        return "elb" in request_context

    def environ(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        environ = self.new_environ(event, context)
        environ[environ_keys.REQUEST_CONTEXT] = event["requestContext"]
        method = event["httpMethod"]
        environ["REQUEST_METHOD"] = request_method(method, "httpMethod")
        path = event["path"]
        environ["PATH_INFO"] = (
            path
            if path.__class__ is str
            and path[:1] == "/"
            and "%" not in path
            and path.isascii()
            else decode_path(string(path, "path"))
        )

        # The target group's multi-value setting picks the keys, and the
        # response has to use the same style.
        if "multiValueHeaders" in event:
            add_multi_value_headers(environ, event["multiValueHeaders"])
            environ[environ_keys.MULTI_VALUE_HEADERS] = True
        else:
            add_single_value_headers(environ, event.get("headers"))

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
