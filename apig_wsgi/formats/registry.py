"""The fronts, in the order their events are told apart."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apig_wsgi.formats.alb import AlbFormat
from apig_wsgi.formats.edge import EdgeFormat
from apig_wsgi.formats.http_v2 import FunctionUrlFormat
from apig_wsgi.formats.http_v2 import HttpV2Format
from apig_wsgi.formats.lattice import LatticeV1Format
from apig_wsgi.formats.lattice import LatticeV2Format
from apig_wsgi.formats.rest import HttpV1Format
from apig_wsgi.formats.rest import RestFormat

if TYPE_CHECKING:
    from apig_wsgi.formats.base import EventFormat

# A Function URL's events are HTTP API events from another host, so it is
# asked before the HTTP API.
FORMATS: tuple[type[EventFormat], ...] = (
    EdgeFormat,
    AlbFormat,
    RestFormat,
    HttpV1Format,
    FunctionUrlFormat,
    HttpV2Format,
    LatticeV1Format,
    LatticeV2Format,
)
FORMATS_BY_NAME: dict[str, type[EventFormat]] = {
    format.name: format for format in FORMATS
}


def detect_format(event: object) -> type[EventFormat] | None:
    """The front ``event`` comes from; None when it is not an HTTP event.

    An event with the marks of a front is that front's even when it lacks
    what every event of the front has (``httpMethod``, ``rawPath``, ...), so
    that translating it raises ``InvalidEventError`` naming the missing key
    instead of handing it to ``non_http_handler``. Raises
    ``InvalidEventError`` for events of a known front that cannot be one (a
    wrong version, say).
    """
    if not isinstance(event, dict):
        return None
    if "methodArn" in event or "routeArn" in event:
        # An API Gateway authorizer's request: it has the HTTP keys, but its
        # answer is a policy, not a response.
        return None
    request_context = event.get("requestContext")
    if not isinstance(request_context, dict):
        request_context = {}
    for format in FORMATS:
        if format.recognises(event, request_context):
            return format
    return None
