"""What every front shares: how it is told apart, its two translations, its facts.

A subclass per AWS front (one module each under ``apig_wsgi.formats``) says
how to recognise its events, how to turn one into a WSGI environ, how to turn
a response into its result, what size of result it accepts, and the facts
``ApigContext`` gives about a request (stage, request id, authorizer).
"""

from __future__ import annotations

import sys

from apig_wsgi import environ_keys
from apig_wsgi.environ import BASE_ENVIRON
from apig_wsgi.environ import to_wsgi_str
from apig_wsgi.limits import LAMBDA_RESPONSE_LIMIT
from apig_wsgi.limits import runtime_escapes_non_ascii
from apig_wsgi.limits import serialised_size
from apig_wsgi.limits import size_bound
from apig_wsgi.log import logger
from apig_wsgi.options import SCRIPT_NAME_AUTO
from apig_wsgi.options import Options
from apig_wsgi.response import BufferedResponse
from apig_wsgi.results import TOO_LARGE_STATUS
from apig_wsgi.results import BodyEncoder
from apig_wsgi.results import too_large_response

# typing is imported only by type checkers: importing it would double the
# time ``import apig_wsgi`` takes (bench/run.py's import row).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any
    from typing import ClassVar

    from apig_wsgi.identity import Identity

if TYPE_CHECKING:
    Result = tuple[dict[str, Any], str, bool]


def string_at(mapping: dict[str, Any] | None, key: str) -> str | None:
    """``mapping[key]`` if it is a string, else None: for facts, never raising."""
    value = (mapping or {}).get(key)
    return value if isinstance(value, str) else None


class EventFormat:
    """One AWS front: event -> environ on the way in, response -> result out."""

    # The front's name: apig_wsgi.event_format, and the testing tools' name.
    name: ClassVar[str]
    binary_by_default: ClassVar[bool] = True
    front_decodes_base64: ClassVar[bool] = True

    @classmethod
    def recognises(cls, event: dict[str, Any], request_context: dict[str, Any]) -> bool:
        """Whether ``event`` comes from this front, malformed or not.

        ``request_context`` is the event's ``requestContext``, or ``{}``.
        Raises ``InvalidEventError`` for an event that has this front's marks
        but cannot be one of its events (a wrong version, say).
        """
        raise NotImplementedError

    @classmethod
    def stage(cls, request_context: dict[str, Any] | None) -> str | None:
        """The API Gateway stage; None for fronts that have no stages."""
        return None

    @classmethod
    def request_id(cls, request_context: dict[str, Any] | None) -> str | None:
        """The id the front gave the request, or None where it gives none."""
        return None

    @classmethod
    def authorizer(
        cls, request_context: dict[str, Any] | None
    ) -> dict[str, Any] | None:
        """What the front's authorizer established about the caller, or None."""
        return None

    @classmethod
    def identity(
        cls,
        request_context: dict[str, Any] | None,
        environ: dict[str, Any],
        claim: str,
    ) -> Identity | None:
        """The caller that AWS verified, or None; ``claim`` names users in claims.

        Never read from what the client controls: ``environ`` serves the
        fronts that put the identity in headers of their own.
        """
        return None

    @classmethod
    def prelude(
        cls, status_code: int, headers: list[tuple[str, str]]
    ) -> dict[str, Any]:
        """The JSON that starts a streamed response, for fronts that stream."""
        raise NotImplementedError(f"{cls.name} responses cannot be streamed.")

    def __init__(self, options: Options) -> None:
        binary_support = options.binary_support
        if binary_support is None:
            binary_support = self.binary_by_default
        self.encoder = BodyEncoder(
            binary_support=binary_support,
            non_binary_prefixes=options.non_binary_content_type_prefixes,
            front_decodes_base64=self.front_decodes_base64,
        )
        self.auto_script_name = options.script_name == SCRIPT_NAME_AUTO
        # The option is a decoded URL path; PATH_INFO holds its UTF-8 bytes as
        # latin-1 characters, and so must SCRIPT_NAME.
        self.fixed_script_name = (
            "" if self.auto_script_name else to_wsgi_str(options.script_name or "")
        )
        self.base_environ = {**BASE_ENVIRON, environ_keys.EVENT_FORMAT: self.name}
        # The claim that names users, when the identity is wanted at all.
        self.identity_claim: str | None = (
            options.remote_user_claim if options.remote_user else None
        )

    def new_environ(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        environ = self.base_environ.copy()
        environ[environ_keys.FULL_EVENT] = event
        environ[environ_keys.CONTEXT] = context
        # Looked up per request, so that redirect_stderr and capsys see it.
        environ["wsgi.errors"] = sys.stderr
        return environ

    def set_identity(self, environ: dict[str, Any], claim: str) -> None:
        """Set ``REMOTE_USER`` and ``apig_wsgi.identity`` for a verified caller."""
        identity = self.identity(
            environ.get(environ_keys.REQUEST_CONTEXT), environ, claim
        )
        if identity is not None:
            # PEP 3333's form: the name's UTF-8 bytes as latin-1 characters.
            environ["REMOTE_USER"] = to_wsgi_str(identity.name)
            environ[environ_keys.IDENTITY] = identity

    def set_script_name(
        self, environ: dict[str, Any], stage_prefix: str, stage_in_path: bool
    ) -> None:
        """Apply the script_name option once PATH_INFO is known.

        ``stage_prefix`` is the decoded part of the URL that the event's own
        path lacks (REST) or carries (HTTP API named stages, ``stage_in_path``).
        """
        if self.fixed_script_name:
            script_name = self.fixed_script_name
            strip = True
        elif self.auto_script_name and stage_prefix:
            script_name = stage_prefix
            strip = stage_in_path
        else:
            return
        environ["SCRIPT_NAME"] = script_name
        if strip:
            path_info: str = environ["PATH_INFO"]
            if path_info == script_name:
                environ["PATH_INFO"] = ""
            elif path_info.startswith(script_name + "/"):
                environ["PATH_INFO"] = path_info[len(script_name) :]

    def environ(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise NotImplementedError

    def result(self, response: BufferedResponse, environ: dict[str, Any]) -> Result:
        raise NotImplementedError

    def response_limit(self, environ: dict[str, Any]) -> int:
        """The largest result, in bytes of JSON, that the front accepts."""
        return LAMBDA_RESPONSE_LIMIT

    def respond(
        self, response: BufferedResponse, environ: dict[str, Any]
    ) -> dict[str, Any]:
        """The Lambda result, or the documented 500 if AWS would refuse it."""
        result, body, is_base64 = self.result(response, environ)
        limit = self.response_limit(environ)
        if size_bound(response, body, is_base64) <= limit:
            return result
        size = serialised_size(result, runtime_escapes_non_ascii())
        if size <= limit:
            return result
        logger(__name__).error(
            "The %s response is %d bytes of JSON, over the %d-byte limit AWS "
            "accepts; sent a %s response instead.",
            environ[environ_keys.EVENT_FORMAT],
            size,
            limit,
            TOO_LARGE_STATUS,
        )
        return self.result(too_large_response(), environ)[0]
