"""Handler options: one frozen dataclass, validated by one pure function.

The Django settings and the Flask config keys are the option names in upper
case with the ``APIG_WSGI_`` prefix, so all three front doors share this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import fields
from typing import Any
from typing import Callable
from typing import NamedTuple

DEFAULT_NON_BINARY_CONTENT_TYPE_PREFIXES: tuple[str, ...] = (
    "text/",
    "application/json",
    "application/problem+json",
    "application/vnd.api+json",
)

SETTING_PREFIX = "APIG_WSGI_"
SCRIPT_NAME_AUTO = "auto"


@dataclass(frozen=True)
class Options:
    """Everything ``make_lambda_handler`` can be told, with its defaults."""

    binary_support: bool | None = None
    non_binary_content_type_prefixes: tuple[str, ...] = (
        DEFAULT_NON_BINARY_CONTENT_TYPE_PREFIXES
    )
    script_name: str | None = None


class OptionProblem(NamedTuple):
    option: str
    message: str
    hint: str
    # TypeError for a value of the wrong type, ValueError for a bad value.
    kind: type[Exception]


def setting_name(option: str) -> str:
    return SETTING_PREFIX + option.upper()


OPTION_NAMES: tuple[str, ...] = tuple(field.name for field in fields(Options))
SETTING_NAMES: tuple[str, ...] = tuple(setting_name(name) for name in OPTION_NAMES)


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
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        return OptionProblem(
            "non_binary_content_type_prefixes",
            "non_binary_content_type_prefixes must be a list or tuple of strings, "
            f"not {value!r}.",
            'Wrap a single prefix in a list, e.g. ["text/"].',
            TypeError,
        )
    for prefix in value:
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


_CHECKS: dict[str, Callable[[object], OptionProblem | None]] = {
    "binary_support": _check_binary_support,
    "non_binary_content_type_prefixes": _check_prefixes,
    "script_name": _check_script_name,
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
    elif not isinstance(prefixes, (str, bytes)) and isinstance(prefixes, Iterable):
        # Materialise first: a generator would be used up by the validation.
        cleaned["non_binary_content_type_prefixes"] = tuple(prefixes)
    problems = find_option_problems(cleaned)
    if problems:
        first = problems[0]
        raise first.kind(f"{first.message} {first.hint}")
    return Options(**cleaned)
