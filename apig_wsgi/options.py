"""Handler options: one read-only class, validated by one pure function.

The Django settings and the Flask config keys are the option names in upper
case with the ``APIG_WSGI_`` prefix, so every front door shares this module.
"""

from __future__ import annotations

# typing is imported only by type checkers: importing it would double the
# time ``import apig_wsgi`` takes (bench/run.py's import row).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
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
DEFAULT_REMOTE_USER_CLAIM = "sub"


# In the order of make_lambda_handler's arguments.
OPTION_NAMES: tuple[str, ...] = (
    "binary_support",
    "non_binary_content_type_prefixes",
    "script_name",
    "non_http_handler",
    "catch_exceptions",
    "failure_status_codes",
    "access_log",
    "trusted_proxies",
    "remote_user",
    "remote_user_claim",
    "alb_authenticates",
)


class ReadOnly:
    """Attributes set once by ``__init__``, compared and shown by value.

    In place of a frozen dataclass, whose module would triple the time
    ``import apig_wsgi`` takes (bench/run.py's import row).
    """

    __slots__: tuple[str, ...] = ()

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}

    def __setattr__(self, name: str, value: object) -> None:
        if hasattr(self, name):
            raise AttributeError(
                f"{type(self).__name__} is read-only: cannot set {name!r}."
            )
        object.__setattr__(self, name, value)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.values() == other.values()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self.values().items())
        return f"{type(self).__name__}({fields})"


class Options(ReadOnly):
    """Everything ``make_lambda_handler`` can be told, validated and read-only.

    Make one with ``read_options``, which checks the values first.
    """

    __slots__ = OPTION_NAMES

    def __init__(
        self,
        *,
        binary_support: bool | None = None,
        non_binary_content_type_prefixes: tuple[
            str, ...
        ] = DEFAULT_NON_BINARY_CONTENT_TYPE_PREFIXES,
        script_name: str | None = None,
        non_http_handler: NonHttpHandler | None = None,
        catch_exceptions: bool = False,
        failure_status_codes: frozenset[int] = frozenset(),
        access_log: str | None = None,
        trusted_proxies: int = 0,
        remote_user: bool = False,
        remote_user_claim: str = DEFAULT_REMOTE_USER_CLAIM,
        alb_authenticates: bool = False,
    ) -> None:
        self.binary_support = binary_support
        self.non_binary_content_type_prefixes = non_binary_content_type_prefixes
        self.script_name = script_name
        self.non_http_handler = non_http_handler
        self.catch_exceptions = catch_exceptions
        self.failure_status_codes = failure_status_codes
        self.access_log = access_log
        self.trusted_proxies = trusted_proxies
        self.remote_user = remote_user
        self.remote_user_claim = remote_user_claim
        self.alb_authenticates = alb_authenticates

    def replace(self, **changes: Any) -> Options:
        """A copy with ``changes``, which are not validated."""
        return Options(**{**self.values(), **changes})


def setting_name(option: str) -> str:
    return SETTING_PREFIX + option.upper()


SETTING_NAMES: tuple[str, ...] = tuple(setting_name(name) for name in OPTION_NAMES)


class OptionProblem(ReadOnly):
    """One invalid option: what is wrong and how to fix it.

    ``kind`` is ``TypeError`` for a value of the wrong type, ``ValueError``
    for a bad value.
    """

    __slots__ = ("hint", "kind", "message", "option")

    def __init__(
        self, option: str, message: str, hint: str, kind: type[Exception]
    ) -> None:
        self.option = option
        self.message = message
        self.hint = hint
        self.kind = kind


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
        raise ValueError(
            f"Cannot import {module_name!r} from {path!r}: {exc}."
        ) from exc
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


def _check_remote_user_claim(value: object) -> OptionProblem | None:
    if not isinstance(value, str):
        return OptionProblem(
            "remote_user_claim",
            f"remote_user_claim must be the name of a claim, not {value!r}.",
            "Name the claim that holds the user name, e.g. 'sub' or 'email'.",
            TypeError,
        )
    if not value:
        return OptionProblem(
            "remote_user_claim",
            "remote_user_claim must not be empty.",
            "Name the claim that holds the user name, e.g. 'sub' or 'email'.",
            ValueError,
        )
    return None


_COLLECTIONS: dict[str, Callable[[Iterable[Any]], object]] = {
    "non_binary_content_type_prefixes": tuple,
    "failure_status_codes": frozenset,
}

_CHECKS: dict[str, Callable[[object], OptionProblem | None]] = {
    "binary_support": _check_binary_support,
    "non_binary_content_type_prefixes": _check_prefixes,
    "script_name": _check_script_name,
    "non_http_handler": _check_non_http_handler,
    "catch_exceptions": _check_flag("catch_exceptions"),
    "failure_status_codes": _check_status_codes,
    "access_log": _check_access_log,
    "trusted_proxies": _check_trusted_proxies,
    "remote_user": _check_flag("remote_user"),
    "remote_user_claim": _check_remote_user_claim,
    "alb_authenticates": _check_flag("alb_authenticates"),
}


def find_option_problems(values: Mapping[str, object]) -> list[OptionProblem]:
    """A problem for each invalid or unknown option in ``values``."""
    return read_options(values)[1]


def read_options(values: Mapping[str, object]) -> tuple[Options, list[OptionProblem]]:
    """Validate ``values``: the options they give, and a problem for each bad one.

    The options hold the valid values and defaults for the rest; use them only
    when there are no problems. ``None`` means the default for an option that
    is not otherwise nullable (``non_binary_content_type_prefixes``).
    Iterables are read once, a ``non_http_handler`` import path is imported.
    """
    valid: dict[str, Any] = {}
    problems: list[OptionProblem] = []
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
        if name == "non_binary_content_type_prefixes" and value is None:
            continue
        if name in _COLLECTIONS and _is_collection(value):
            # An iterator would be used up by the check.
            value = _COLLECTIONS[name](value)  # type: ignore[arg-type]
        problem = check(value)
        if problem is not None:
            problems.append(problem)
        elif name == "non_http_handler" and isinstance(value, str):
            valid[name] = import_callable(value)
        else:
            valid[name] = value
    return Options(**valid), problems


def build_options(values: Mapping[str, Any]) -> Options:
    """Validate ``values`` and return the resulting ``Options``.

    Raises ``TypeError`` or ``ValueError`` naming the first problem.
    """
    options, problems = read_options(values)
    if problems:
        first = problems[0]
        raise first.kind(f"{first.message} {first.hint}")
    return options
