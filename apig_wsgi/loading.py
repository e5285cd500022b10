"""Load ``MODULE:APP`` as a Lambda handler, from a WSGI app or a handler."""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from typing import Any
from typing import Callable

from apig_wsgi.handler import HandlerFunction
from apig_wsgi.handler import make_lambda_handler

KINDS = ("auto", "wsgi", "handler")


class LoadError(Exception):
    """``MODULE:APP`` cannot be loaded; the message says why and what to do."""


def load_handler(
    spec: str, kind: str = "auto", **options: Any
) -> tuple[HandlerFunction, str]:
    """Import ``spec`` and return ``(lambda_handler, kind)``.

    ``kind`` is "wsgi" (wrap the object with ``make_lambda_handler(obj,
    **options)``), "handler" (use it as is) or "auto": decide from the name of
    the first of its two parameters, ``environ`` or ``event``.
    """
    target = load_object(spec)
    if not callable(target):
        raise LoadError(
            f"{spec} is {target!r}, which is not callable: expected a WSGI "
            "application or a Lambda handler."
        )
    if kind == "auto":
        kind = guess_kind(target, spec)
    if kind == "handler":
        return target, kind
    return make_lambda_handler(target, **options), kind


def load_object(spec: str) -> Any:
    """Import ``MODULE:ATTRIBUTE`` (the attribute may be dotted)."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise LoadError(
            f"Expected MODULE:APP, such as 'myproject.wsgi:application', not {spec!r}."
        )
    # Like `python -m`, find modules in the current directory from the script too.
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        target: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise LoadError(f"Cannot import module {module_name!r}: {exc}") from exc
    for part in attribute.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise LoadError(
                f"Module {module_name!r} has no attribute {attribute!r}."
            ) from None
    return target


def guess_kind(target: Callable[..., Any], spec: str) -> str:
    """Return "wsgi" or "handler" from the parameter names of ``target``."""
    try:
        parameters = list(inspect.signature(target).parameters.values())
    except (TypeError, ValueError):
        raise LoadError(
            f"Cannot tell whether {spec} is a WSGI application or a Lambda handler: "
            "its parameters cannot be inspected. Pass --wsgi or --handler."
        ) from None
    names = tuple(parameter.name for parameter in parameters)
    positional = [
        parameter
        for parameter in parameters
        if parameter.kind
        in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD)
    ]
    if len(positional) == len(parameters) == 2:
        if names[0] == "environ":
            return "wsgi"
        if names[0] == "event":
            return "handler"
    elif len(positional) == len(parameters):
        raise LoadError(
            f"{spec} is not a WSGI application: it takes {len(positional)} "
            f"parameters {names!r}, a WSGI app takes (environ, start_response)."
        )
    raise LoadError(
        f"Cannot tell whether {spec} is a WSGI application or a Lambda handler "
        f"from its parameters {names!r}: pass --wsgi or --handler."
    )
