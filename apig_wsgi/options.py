"""Handler options: one frozen dataclass, validated by one pure function.

The Django settings and the Flask config keys are the option names in upper
case with the ``APIG_WSGI_`` prefix, so all three front doors share this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# Importing apig_wsgi is part of every cold start, so this module avoids
# dataclasses, typing and collections at run time.
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any
    from typing import Callable

    NonHttpHandler = Callable[[Any, Any], Any]

DEFAULT_NON_BINARY_CONTENT_TYPE_PREFIXES: tuple[str, ...] = (
    "text/",
    "application/json",
    "application/problem+json",
    "application/vnd.api+json",
)

SETTING_PREFIX = "APIG_WSGI_"
SCRIPT_NAME_AUTO = "auto"
ACCESS_LOG_FORMATS = ("text", "json")


DEFAULTS: dict[str, object] = {
    "binary_support": None,
    "non_binary_content_type_prefixes": DEFAULT_NON_BINARY_CONTENT_TYPE_PREFIXES,
    "script_name": None,
    "non_http_handler": None,
    "catch_exceptions": False,
    "failure_status_codes": frozenset(),
    "access_log": None,
    "trusted_proxies": 0,
}
OPTION_NAMES: tuple[str, ...] = tuple(DEFAULTS)


def setting_name(option: str) -> str:
    return SETTING_PREFIX + option.upper()


SETTING_NAMES: tuple[str, ...] = tuple(setting_name(name) for name in OPTION_NAMES)


class Options:
    """Everything ``make_lambda_handler`` can be told, validated and read-only.

    Make one with ``build_options``; ``as_kwargs()`` gives the keyword
    arguments for ``make_lambda_handler``.
    """

    __slots__ = OPTION_NAMES

    binary_support: bool | None
    non_binary_content_type_prefixes: tuple[str, ...]
    script_name: str | None
    non_http_handler: NonHttpHandler | None
    catch_exceptions: bool
    failure_status_codes: frozenset[int]
    access_log: str | None
    trusted_proxies: int

    def __init__(self, **values: Any) -> None:
        unknown = set(values) - set(DEFAULTS)
        if unknown:
            raise TypeError(f"Unknown options: {', '.join(sorted(unknown))}.")
        for name, default in DEFAULTS.items():
            object.__setattr__(self, name, values.get(name, default))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Options are read-only, cannot set {name!r}.")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Options):
            return NotImplemented
        return self.as_kwargs() == other.as_kwargs()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        values = ", ".join(
            f"{name}={value!r}" for name, value in self.as_kwargs().items()
        )
        return f"Options({values})"

    def as_kwargs(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in OPTION_NAMES}


class OptionProblem:
    """One invalid option: what is wrong and how to fix it."""

    __slots__ = ("hint", "kind", "message", "option")

    def __init__(
        self, option: str, message: str, hint: str, kind: type[Exception]
    ) -> None:
        self.option = option
        self.message = message
        self.hint = hint
        # TypeError for a value of the wrong type, ValueError for a bad value.
        self.kind = kind

    def _fields(self) -> tuple[str, str, str, type[Exception]]:
        return (self.option, self.message, self.hint, self.kind)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, OptionProblem):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"OptionProblem({self.option!r}, {self.message!r}, {self.hint!r}, "
            f"{self.kind.__name__})"
        )


def _is_collection(value: object) -> bool:
    return not isinstance(value, (str, bytes)) and hasattr(value, "__iter__")


def _check_binary_support(value: object) -> OptionProblem | None:
    if value is None or isinstance(value, bool):
        return None
    return OptionProblem(
        "binary_support",
        f"binary_support must be True, False or None, not {value!r}.",
        "Use None to keep the default for each event format.",
        TypeError,
    )


def _check_prefixes(value: object) -> OptionProblem | None:
    if not _is_collection(value):
        return OptionProblem(
            "non_binary_content_type_prefixes",
            "non_binary_content_type_prefixes must be a list or tuple of strings, "
            f"not {value!r}.",
            'Wrap a single prefix in a list, e.g. ["text/"].',
            TypeError,
        )
    for prefix in value:  # type: ignore[attr-defined]
        if not isinstance(prefix, str):
            return OptionProblem(
                "non_binary_content_type_prefixes",
                "non_binary_content_type_prefixes must contain only strings, "
                f"found {prefix!r}.",
                'Write each prefix as a string, e.g. "application/xml".',
                TypeError,
            )
    return None


def _check_script_name(value: object) -> OptionProblem | None:
    if value is None or value == SCRIPT_NAME_AUTO:
        return None
    if not isinstance(value, str):
        return OptionProblem(
            "script_name",
            f"script_name must be None, 'auto' or a path string, not {value!r}.",
            "Use 'auto' for the API Gateway stage, or a base path such as '/api'.",
            TypeError,
        )
    if not value.startswith("/") or value.endswith("/"):
        return OptionProblem(
            "script_name",
            f"script_name {value!r} must start with '/' and not end with '/'.",
            "Write the base path as '/api', or use 'auto' for the stage.",
            ValueError,
        )
    return None


def _check_flag(name: str) -> Callable[[object], OptionProblem | None]:
    def check(value: object) -> OptionProblem | None:
        if isinstance(value, bool):
            return None
        return OptionProblem(
            name,
            f"{name} must be True or False, not {value!r}.",
            f"Set {name} to True or False.",
            TypeError,
        )

    return check


def import_callable(path: str) -> NonHttpHandler:
    """Import ``"package.module:name"`` or ``"package.module.name"``."""
    module_name, colon, attribute = path.partition(":")
    if not colon:
        module_name, _, attribute = path.rpartition(".")
    if not module_name or not attribute:
        raise ValueError(
            f"{path!r} is not an import path; write it as 'package.module:function'."
        )
    from importlib import import_module

    try:
        module = import_module(module_name)
    except ImportError as exc:
        raise ValueError(f"Cannot import {module_name!r} from {path!r}: {exc}") from exc
    target = getattr(module, attribute, None)
    if not callable(target):
        raise ValueError(f"{path!r} does not name a callable in {module_name!r}.")
    handler: NonHttpHandler = target
    return handler


def _check_non_http_handler(value: object) -> OptionProblem | None:
    if value is None or (callable(value) and not isinstance(value, str)):
        return None
    if not isinstance(value, str):
        return OptionProblem(
            "non_http_handler",
            f"non_http_handler must be a callable, an import path or None, not "
            f"{value!r}.",
            "Pass a function taking (event, context), or its path as "
            "'package.module:function'.",
            TypeError,
        )
    try:
        import_callable(value)
    except ValueError as exc:
        return OptionProblem(
            "non_http_handler",
            f"non_http_handler: {exc}",
            "Check the spelling of the path and that the module imports cleanly.",
            ValueError,
        )
    return None


def _check_status_codes(value: object) -> OptionProblem | None:
    if not _is_collection(value):
        return OptionProblem(
            "failure_status_codes",
            "failure_status_codes must be a collection of status codes, not "
            f"{value!r}.",
            "Use e.g. [502, 503] or range(500, 600).",
            TypeError,
        )
    for code in value:  # type: ignore[attr-defined]
        if isinstance(code, bool) or not isinstance(code, int):
            return OptionProblem(
                "failure_status_codes",
                f"failure_status_codes must contain only integers, found {code!r}.",
                "Write status codes as numbers, e.g. 503.",
                TypeError,
            )
        if not 100 <= code <= 599:
            return OptionProblem(
                "failure_status_codes",
                f"failure_status_codes contains {code}, which is not an HTTP status.",
                "Use codes between 100 and 599.",
                ValueError,
            )
    return None


def _check_access_log(value: object) -> OptionProblem | None:
    if value is None or value in ACCESS_LOG_FORMATS:
        return None
    return OptionProblem(
        "access_log",
        f"access_log must be None, 'text' or 'json', not {value!r}.",
        "Use 'json' for CloudWatch Logs Insights, 'text' for people.",
        TypeError if not isinstance(value, str) else ValueError,
    )


def _check_trusted_proxies(value: object) -> OptionProblem | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return OptionProblem(
            "trusted_proxies",
            f"trusted_proxies must be an integer, not {value!r}.",
            "Count the proxies you run in front of the AWS front, e.g. 1.",
            TypeError,
        )
    if value < 0:
        return OptionProblem(
            "trusted_proxies",
            f"trusted_proxies must be 0 or more, not {value}.",
            "Use 0 to trust only the address AWS observed.",
            ValueError,
        )
    return None


_CHECKS: dict[str, Callable[[object], OptionProblem | None]] = {
    "binary_support": _check_binary_support,
    "non_binary_content_type_prefixes": _check_prefixes,
    "script_name": _check_script_name,
    "non_http_handler": _check_non_http_handler,
    "catch_exceptions": _check_flag("catch_exceptions"),
    "failure_status_codes": _check_status_codes,
    "access_log": _check_access_log,
    "trusted_proxies": _check_trusted_proxies,
}


def find_option_problems(values: Mapping[str, object]) -> list[OptionProblem]:
    """Return a problem for each invalid or unknown option in ``values``."""
    problems = []
    for name, value in values.items():
        check = _CHECKS.get(name)
        if check is None:
            problems.append(
                OptionProblem(
                    name,
                    f"Unknown option {name!r}.",
                    f"Valid options are: {', '.join(OPTION_NAMES)}.",
                    TypeError,
                )
            )
            continue
        problem = check(value)
        if problem is not None:
            problems.append(problem)
    return problems


def build_options(values: Mapping[str, Any]) -> Options:
    """Validate ``values`` and return the resulting ``Options``.

    ``None`` for ``non_binary_content_type_prefixes`` means the default list.
    Raises ``TypeError`` or ``ValueError`` naming the first problem.
    """
    cleaned = dict(values)
    prefixes = cleaned.get("non_binary_content_type_prefixes")
    if prefixes is None:
        cleaned.pop("non_binary_content_type_prefixes", None)
    elif _is_collection(prefixes):
        # Materialise first: a generator would be used up by the validation.
        cleaned["non_binary_content_type_prefixes"] = tuple(prefixes)
    codes = cleaned.get("failure_status_codes")
    if codes is not None and _is_collection(codes):
        cleaned["failure_status_codes"] = frozenset(codes)
    problems = find_option_problems(cleaned)
    if problems:
        first = problems[0]
        raise first.kind(f"{first.message} {first.hint}")
    handler = cleaned.get("non_http_handler")
    if isinstance(handler, str):
        cleaned["non_http_handler"] = import_callable(handler)
    return Options(**cleaned)
