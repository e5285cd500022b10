"""VPC Lattice targets, event versions 1 and 2."""

from __future__ import annotations

from apig_wsgi import environ_keys
from apig_wsgi.environ import add_headers
from apig_wsgi.environ import decode_path
from apig_wsgi.environ import encode_query
from apig_wsgi.environ import last_forwarded_for
from apig_wsgi.environ import mapping
from apig_wsgi.environ import request_method
from apig_wsgi.environ import required_mapping
from apig_wsgi.environ import set_body
from apig_wsgi.environ import set_server
from apig_wsgi.environ import string
from apig_wsgi.environ import to_wsgi_str
from apig_wsgi.errors import InvalidEventError
from apig_wsgi.formats.base import EventFormat
from apig_wsgi.identity import named_identity
from apig_wsgi.response import BufferedResponse
from apig_wsgi.results import single_value_headers

# typing is imported only by type checkers: importing it would double the
# time ``import apig_wsgi`` takes (bench/run.py's import row).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from apig_wsgi.formats.base import Result
    from apig_wsgi.identity import Identity


class LatticeV2Format(EventFormat):
    name = "lattice-v2"

    @classmethod
    def recognises(cls, event: dict[str, Any], request_context: dict[str, Any]) -> bool:
        if not (
            ("method" in event and "path" in event)
            or "serviceNetworkArn" in request_context
        ):
            return False
        version = event.get("version")
        if version != "2.0":
            raise InvalidEventError(
                f"Unknown version {version!r:.60} for a VPC Lattice event; expected "
                "'2.0', or raw_path for version 1."
            )
        return True

    @classmethod
    def authorizer(
        cls, request_context: dict[str, Any] | None
    ) -> dict[str, Any] | None:
        """The caller's identity, when the service uses IAM auth."""
        identity = (request_context or {}).get("identity")
        if isinstance(identity, dict) and identity.get("type") == "AWS_IAM":
            return identity
        return None

    @classmethod
    def identity(
        cls,
        request_context: dict[str, Any] | None,
        environ: dict[str, Any],
        claim: str,
    ) -> Identity | None:
        """The principal that signed the request, when the service uses IAM auth."""
        identity = cls.authorizer(request_context)
        if identity is None:
            return None
        return named_identity(identity.get("principal"), "iam", identity, "principal")

    def environ(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        environ = self.new_environ(event, context)
        if "requestContext" in event:
            environ[environ_keys.REQUEST_CONTEXT] = required_mapping(
                event["requestContext"], "requestContext"
            )
        environ["REQUEST_METHOD"] = request_method(event["method"], "method")
        environ["PATH_INFO"] = decode_path(string(event["path"], "path"))
        add_headers(
            environ,
            mapping(event.get("headers"), "headers").items(),
            multi_value=True,
        )
        environ[environ_keys.MULTI_VALUE_HEADERS] = True
        query = mapping(event.get("queryStringParameters"), "queryStringParameters")
        environ["QUERY_STRING"] = encode_query(query)
        set_body(environ, event.get("body"), event.get("isBase64Encoded"))
        self.finish(environ)
        return environ

    def finish(self, environ: dict[str, Any]) -> None:
        # Lattice appends the caller's address to X-Forwarded-For itself.
        environ["REMOTE_ADDR"] = last_forwarded_for(environ) or environ["REMOTE_ADDR"]
        set_server(environ, "", "https")
        if self.fixed_script_name:
            self.set_script_name(environ, "", False)

    def result(self, response: BufferedResponse, environ: dict[str, Any]) -> Result:
        body, is_base64 = self.encoder.encode(response)
        return (
            {
                "statusCode": response.status_code,
                "statusDescription": response.status,
                "headers": single_value_headers(
                    response.headers,
                    "VPC Lattice",
                    "Set one cookie per response, or combine them into one.",
                ),
                "body": body,
                "isBase64Encoded": is_base64,
            },
            body,
            is_base64,
        )


class LatticeV1Format(LatticeV2Format):
    name = "lattice-v1"

    @classmethod
    def recognises(cls, event: dict[str, Any], request_context: dict[str, Any]) -> bool:
        return "raw_path" in event or "is_base64_encoded" in event

    def environ(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        environ = self.new_environ(event, context)
        environ["REQUEST_METHOD"] = request_method(event["method"], "method")
        # raw_path is the path and the query string, as the client sent them.
        path, _, query = string(event["raw_path"], "raw_path").partition("?")
        environ["PATH_INFO"] = decode_path(path)
        environ["QUERY_STRING"] = to_wsgi_str(query)
        add_headers(environ, mapping(event.get("headers"), "headers").items())
        set_body(
            environ,
            event.get("body"),
            event.get("is_base64_encoded"),
            flag_name="is_base64_encoded",
        )
        self.finish(environ)
        return environ
