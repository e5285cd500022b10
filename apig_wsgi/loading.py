"""Load ``MODULE:APP`` as the Lambda handler that Lambda itself would run.

A plain WSGI application is wrapped with ``make_lambda_handler``. A Django
project's WSGI application gets the handler of
``apig_wsgi.contrib.django.handler``, built from its ``APIG_WSGI_*``
settings; a Flask app set up with ``ApigWsgi`` gets the handler ``init_app``
built from its config. A Flask app factory is called first, as
``flask --app`` calls it.
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from typing import TYPE_CHECKING
from typing import Any
from typing import Callable

from apig_wsgi.handler import make_lambda_handler

if TYPE_CHECKING:
    from apig_wsgi.handler import HandlerFunction

KINDS = ("auto", "wsgi", "handler")

# (kind, module, class) of the applications whose integration builds their
# handler, and the integration module whose configured_handler(app) does it.
# Classes are looked up in sys.modules, so the core never imports a framework.
_FRAMEWORKS = (
    (
        "django",
        "django.core.handlers.wsgi",
        "WSGIHandler",
        "apig_wsgi.contrib.django.local",
    ),
    ("flask", "flask.app", "Flask", "apig_wsgi.contrib.flask.state"),
)
_CONFIG_NAMES = {"django": "settings", "flask": "config keys"}


class LoadError(Exception):
    """``MODULE:APP`` cannot be loaded; the message says why and what to do."""


def load_handler(
    spec: str, kind: str = "auto", **options: Any
) -> tuple[HandlerFunction, str]:
    """Import ``spec`` and return ``(lambda_handler, kind)``.

    ``kind`` is "wsgi" (a WSGI application), "handler" (a Lambda handler,
    used as is) or "auto": decide from the name of the first of its two
    parameters, ``environ`` or ``event``. The returned kind is "django" or
    "flask" for an application whose framework configures its handler, which
    then takes no ``options``; otherwise the application is wrapped with
    ``make_lambda_handler(app, **options)``.
    """
    target = load_object(spec)
    if not callable(target):
        raise LoadError(
            f"{spec} is {target!r}, which is not callable: expected a WSGI "
            "application, a Lambda handler or a Flask app factory."
        )
    if kind != "handler" and _is_factory(target):
        target = _call_factory(target, spec)
    if kind == "auto":
        kind = guess_kind(target, spec)
    if kind == "handler":
        if options:
            raise LoadError(
                f"{spec} is a Lambda handler, made with its options already: pass "
                f"{_option_names(options)} to make_lambda_handler in your code "
                "instead."
            )
        return target, kind
    framework = _framework_handler(target)
    if framework is None:
        return make_lambda_handler(target, **options), kind
    handler, kind = framework
    if options:
        raise LoadError(
            f"{spec} is a {kind.title()} application, whose handler takes its "
            f"options from the APIG_WSGI_* {_CONFIG_NAMES[kind]}, as on Lambda: "
            f"set those instead of passing {_option_names(options)}."
        )
    return handler, kind


def _option_names(options: dict[str, Any]) -> str:
    return ", ".join(f"--{name.replace('_', '-')}" for name in options)


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
        raise LoadError(f"Cannot import module {module_name!r}: {exc}.") from exc
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
    parameters = _parameters(target, spec)
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


def _parameters(target: Callable[..., Any], spec: str) -> list[inspect.Parameter]:
    try:
        return list(inspect.signature(target).parameters.values())
    except (TypeError, ValueError):
        raise LoadError(
            f"Cannot tell whether {spec} is a WSGI application or a Lambda handler: "
            "its parameters cannot be inspected. Pass --wsgi or --handler."
        ) from None


def _is_factory(target: Any) -> bool:
    """Whether ``target`` is a function callable without arguments, as the
    application factories of ``flask --app`` are."""
    if not inspect.isfunction(target):
        return False
    # *args and **kwargs are left out: validators and decorators wrap WSGI
    # applications in such functions.
    return all(
        parameter.default is not parameter.empty
        for parameter in inspect.signature(target).parameters.values()
    )


def _call_factory(factory: Callable[[], Any], spec: str) -> Any:
    app = factory()
    if not callable(app):
        raise LoadError(
            f"{spec} is an application factory, but it returned {app!r:.60}, "
            "which is not a WSGI application."
        )
    return app


def _framework_handler(app: Any) -> tuple[HandlerFunction, str] | None:
    """The handler a Django or Flask integration builds for ``app``, if any."""
    for kind, module_name, class_name, integration in _FRAMEWORKS:
        cls = getattr(sys.modules.get(module_name), class_name, None)
        if isinstance(cls, type) and isinstance(app, cls):
            handler = importlib.import_module(integration).configured_handler(app)
            return None if handler is None else (handler, kind)
    return None
