"""API Gateway payload format 2.0: HTTP APIs, and Lambda Function URLs."""

from __future__ import annotations

from apig_wsgi import environ_keys
from apig_wsgi.environ import add_headers
from apig_wsgi.environ import decode_path
from apig_wsgi.environ import mapping
from apig_wsgi.environ import named_stage_prefix
from apig_wsgi.environ import native_string
from apig_wsgi.environ import optional_string
from apig_wsgi.environ import request_method
from apig_wsgi.environ import required_mapping
from apig_wsgi.environ import sequence
from apig_wsgi.environ import set_body
from apig_wsgi.environ import set_server
from apig_wsgi.environ import string
from apig_wsgi.environ import to_wsgi_str
from apig_wsgi.errors import InvalidEventError
from apig_wsgi.formats.base import EventFormat
from apig_wsgi.formats.base import string_at
from apig_wsgi.identity import claimed_identity
from apig_wsgi.identity import iam_identity
from apig_wsgi.response import BufferedResponse

# typing is imported only by type checkers: importing it would double the
# time ``import apig_wsgi`` takes (bench/run.py's import row).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from apig_wsgi.formats.base import Result
    from apig_wsgi.identity import Identity


def payload_2_front(
    event: dict[str, Any], request_context: dict[str, Any]
) -> str | None:
    """ "function-url" or "http-v2" for an event of payload format 2.0, else None.

    A Function URL's events are an HTTP API's from another host name.
    """
    if not ("rawPath" in event or "http" in request_context or "routeKey" in event):
        return None
    version = event.get("version")
    if version != "2.0":
        raise InvalidEventError(
            f"Unknown version {version!r:.60} for an HTTP API or Function URL "
            "event; expected '2.0' (payload format 2.0)."
        )
    domain_name = request_context.get("domainName")
    if isinstance(domain_name, str) and ".lambda-url." in domain_name:
        return "function-url"
    return "http-v2"


class HttpV2Format(EventFormat):
    name = "http-v2"

    @classmethod
    def recognises(cls, event: dict[str, Any], request_context: dict[str, Any]) -> bool:
        return payload_2_front(event, request_context) == cls.name

    def environ(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        environ = self.new_environ(event, context)
        request_context = required_mapping(event["requestContext"], "requestContext")
        environ[environ_keys.REQUEST_CONTEXT] = request_context
        http = required_mapping(request_context["http"], "requestContext.http")

        environ["REQUEST_METHOD"] = request_method(
            http["method"], "requestContext.http.method"
        )
        raw_path = string(event["rawPath"], "rawPath")
        environ["PATH_INFO"] = decode_path(raw_path)
        environ["QUERY_STRING"] = native_string(
            event.get("rawQueryString"), "rawQueryString"
        )
        add_headers(environ, mapping(event.get("headers"), "headers").items())
        # The cookie header, where present, repeats what the cookies list holds.
        cookies = event.get("cookies")
        if cookies:
            environ["HTTP_COOKIE"] = to_wsgi_str(
                "; ".join(
                    string(cookie, "cookie") for cookie in sequence(cookies, "cookies")
                )
            )

        set_body(environ, event.get("body"), event.get("isBase64Encoded"))
        source_ip = native_string(http.get("sourceIp"), "requestContext.http.sourceIp")
        environ["REMOTE_ADDR"] = source_ip or environ["REMOTE_ADDR"]
        set_server(
            environ,
            optional_string(
                request_context.get("domainName"), "requestContext.domainName"
            ),
            "https",
        )
        if self.fixed_script_name or self.auto_script_name:
            stage = optional_string(
                request_context.get("stage"), "requestContext.stage"
            )
            self.set_script_name(environ, *named_stage_prefix(stage, raw_path))
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
        """A Lambda authorizer's context, JWT claims or the IAM identity."""
        authorizer = (request_context or {}).get("authorizer")
        if not isinstance(authorizer, dict):
            return None
        for key in ("lambda", "jwt", "iam"):
            found = authorizer.get(key)
            if key == "jwt" and isinstance(found, dict):
                found = found.get("claims")
            if isinstance(found, dict) and found:
                return found
        return None

    @classmethod
    def identity(
        cls,
        request_context: dict[str, Any] | None,
        environ: dict[str, Any],
        claim: str,
    ) -> Identity | None:
        """``claim`` of a Lambda authorizer's context or JWT claims, or IAM."""
        authorizer = (request_context or {}).get("authorizer")
        if not isinstance(authorizer, dict):
            return None
        context = authorizer.get("lambda")
        if isinstance(context, dict):
            return claimed_identity(context, claim, "lambda")
        jwt = authorizer.get("jwt")
        if isinstance(jwt, dict):
            return claimed_identity(jwt.get("claims"), claim, "jwt")
        iam = authorizer.get("iam")
        if not isinstance(iam, dict):
            return None
        pool = iam.get("cognitoIdentity")
        if not isinstance(pool, dict):
            return iam_identity(iam, iam.get("userArn"), None, False)
        amr = pool.get("amr")
        return iam_identity(
            iam,
            iam.get("userArn"),
            pool.get("identityId"),
            isinstance(amr, list) and "authenticated" in amr,
        )


class FunctionUrlFormat(HttpV2Format):
    """A Function URL sends HTTP API 2.0 events from its own host name."""

    name = "function-url"

    @classmethod
    def recognises(cls, event: dict[str, Any], request_context: dict[str, Any]) -> bool:
        return payload_2_front(event, request_context) == cls.name

    @classmethod
    def prelude(
        cls, status_code: int, headers: list[tuple[str, str]]
    ) -> dict[str, Any]:
        folded, cookies = fold_headers(headers)
        return {"statusCode": status_code, "headers": folded, "cookies": cookies}


def fold_headers(
    header_list: list[tuple[str, str]],
) -> tuple[dict[str, str], list[str]]:
    """Payload 2.0 response headers: lower-case names, repeats joined with ", ".

    Every ``Set-Cookie`` goes to the returned cookies list instead.
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
