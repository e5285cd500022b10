"""API Gateway HTTP APIs with payload format 2.0, and Lambda Function URLs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apig_wsgi import environ_keys
from apig_wsgi.environ import add_single_value_headers
from apig_wsgi.environ import decode_path
from apig_wsgi.environ import optional_string
from apig_wsgi.environ import request_method
from apig_wsgi.environ import required_mapping
from apig_wsgi.environ import sequence
from apig_wsgi.environ import set_body
from apig_wsgi.environ import set_server
from apig_wsgi.environ import string
from apig_wsgi.environ import to_wsgi_str
from apig_wsgi.formats.base import EventFormat
from apig_wsgi.formats.rest import named_stage_prefix
from apig_wsgi.response import BufferedResponse

if TYPE_CHECKING:
    from typing import Any

    from apig_wsgi.formats.base import Result


class HttpV2Format(EventFormat):
    name = "http-v2"

    def environ(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        # The most common format: the checks are inlined as ``__class__``
        # tests, with the helpers called only to raise their errors.
        environ = self.new_environ(event, context)
        request_context = event["requestContext"]
        if request_context.__class__ is not dict:
            request_context = required_mapping(request_context, "requestContext")
        environ[environ_keys.REQUEST_CONTEXT] = request_context
        http = request_context["http"]
        if http.__class__ is not dict:
            http = required_mapping(http, "requestContext.http")
        domain_name = request_context.get("domainName")
        if domain_name.__class__ is not str:
            domain_name = optional_string(domain_name, "requestContext.domainName")
        if ".lambda-url." in domain_name:
            environ[environ_keys.EVENT_FORMAT] = "function-url"

        method = http["method"]
        environ["REQUEST_METHOD"] = request_method(method, "requestContext.http.method")
        raw_path = event["rawPath"]
        if (
            raw_path.__class__ is str
            and raw_path[:1] == "/"
            and "%" not in raw_path
            and raw_path.isascii()
        ):
            environ["PATH_INFO"] = raw_path
        else:
            environ["PATH_INFO"] = decode_path(string(raw_path, "rawPath"))
        query = event.get("rawQueryString")
        environ["QUERY_STRING"] = (
            query
            if query.__class__ is str and query.isascii()
            else to_wsgi_str(optional_string(query, "rawQueryString"))
        )
        add_single_value_headers(environ, event.get("headers"))
        # The cookie header, where present, repeats what the cookies list holds.
        cookies = event.get("cookies")
        if cookies:
            environ["HTTP_COOKIE"] = to_wsgi_str(
                "; ".join(
                    string(cookie, "cookie") for cookie in sequence(cookies, "cookies")
                )
            )

        set_body(environ, event.get("body"), event.get("isBase64Encoded"))
        source_ip = http.get("sourceIp")
        if source_ip.__class__ is not str or not source_ip.isascii():
            source_ip = to_wsgi_str(
                optional_string(source_ip, "requestContext.http.sourceIp")
            )
        environ["REMOTE_ADDR"] = source_ip or environ["REMOTE_ADDR"]
        set_server(environ, domain_name, "https")
        if self.fixed_script_name or self.auto_script_name:
            self.set_script_name(
                environ, *named_stage_prefix(request_context, raw_path)
            )
        return environ

    def result(self, response: BufferedResponse, environ: dict[str, Any]) -> Result:
        headers, cookies = fold_headers(response.headers)
        body, is_base64 = self.encoder.encode(response, headers)
        return (
            {
                "statusCode": response.status_code,
                "headers": headers,
                "cookies": cookies,
                "body": body,
                "isBase64Encoded": is_base64,
            },
            body,
            is_base64,
        )


def fold_headers(
    header_list: list[tuple[str, str]],
) -> tuple[dict[str, str], list[str]]:
    """Payload 2.0 response headers: lower-case names, repeats joined with ", ".

    Every ``Set-Cookie`` goes to the returned cookies list instead. The
    streaming prelude of a Function URL (``apig_wsgi.streaming``) uses it too.
    """
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in header_list:
        lower_name = name.lower()
        if lower_name == "set-cookie":
            cookies.append(value.strip())
        elif lower_name in headers:
            headers[lower_name] += ", " + value
        else:
            headers[lower_name] = value
    return headers, cookies
