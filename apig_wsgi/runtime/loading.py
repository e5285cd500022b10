"""Find the function's handler from ``_HANDLER``, as Lambda's Python runtime does.

``_HANDLER`` is ``module.attribute`` (``module:attribute`` works too). The
attribute may be a WSGI application, a ``make_streaming_handler`` handler or
any Lambda handler.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING

from apig_wsgi.streaming import StreamingHandler
from apig_wsgi.streaming import check_fronts
from apig_wsgi.streaming import make_streaming_handler

if TYPE_CHECKING:
    from typing import Any

STREAM_VARIABLE = "APIG_WSGI_STREAM"


class InitError(Exception):
    """The handler cannot be loaded. ``error_type`` is the Runtime API's category."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type


def load_handler(spec: str, stream: str | None) -> Any:
    """The handler for ``spec``; ``stream`` is ``APIG_WSGI_STREAM``'s value."""
    target = load_object(spec)
    fronts = parse_fronts(stream)
    if not callable(target):
        raise InitError(
            "Runtime.HandlerNotFound",
            f"{spec} is {target!r:.60}, which is not callable: expected a WSGI "
            "application or a Lambda handler.",
        )
    if isinstance(target, StreamingHandler):
        if stream is not None:
            raise InitError(
                "Runtime.ConfigInvalid",
                f"{spec} is a streaming handler, which names its own fronts; "
                f"remove {STREAM_VARIABLE} or point the handler at the WSGI "
                "application.",
            )
        return target
    if is_wsgi_app(target):
        return make_streaming_handler(target, stream=fronts)
    if fronts:
        raise InitError(
            "Runtime.ConfigInvalid",
            f"{STREAM_VARIABLE} is set, but {spec} is a Lambda handler, not a WSGI "
            "application: only a WSGI application's responses can stream. Point "
            "the handler at the application (such as myproject.wsgi.application).",
        )
    return target


def parse_fronts(stream: str | None) -> tuple[str, ...]:
    names = tuple(name.strip() for name in (stream or "").split(",") if name.strip())
    try:
        check_fronts(names)
    except ValueError as exc:
        raise InitError(
            "Runtime.ConfigInvalid", f"{STREAM_VARIABLE}={stream!r}: {exc}"
        ) from None
    return names


def load_object(spec: str) -> Any:
    module_name, colon, attribute = spec.partition(":")
    if not colon:
        module_name, _, attribute = spec.rpartition(".")
    if not module_name or not attribute:
        raise InitError(
            "Runtime.MalformedHandlerName",
            f"Bad handler {spec!r}: expected module.attribute, such as "
            "'myproject.wsgi.application'.",
        )
    task_root = os.environ.get("LAMBDA_TASK_ROOT")
    if task_root and task_root not in sys.path:
        sys.path.insert(0, task_root)
    module_name = module_name.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except SyntaxError as exc:
        raise InitError(
            "Runtime.UserCodeSyntaxError",
            f"Syntax error in module {module_name!r}: {exc}",
        ) from exc
    except ImportError as exc:
        raise InitError(
            "Runtime.ImportModuleError",
            f"Unable to import module {module_name!r}: {exc}",
        ) from exc
    except Exception as exc:
        raise InitError(
            "Unhandled", f"Importing {module_name!r} raised {exc!r}"
        ) from exc
    target = module
    for part in attribute.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise InitError(
                "Runtime.HandlerNotFound",
                f"Handler {attribute!r} missing on module {module_name!r}.",
            ) from None
    return target


def is_wsgi_app(target: Any) -> bool:
    """Whether ``target`` takes ``(environ, start_response)`` (PEP 3333's names)."""
    import inspect

    try:
        names = list(inspect.signature(target).parameters)
    except (TypeError, ValueError):
        return False
    return names[:1] == ["environ"] or names[1:2] == ["start_response"]
