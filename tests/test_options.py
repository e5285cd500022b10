from __future__ import annotations

import pytest

from apig_wsgi.options import DEFAULT_NON_BINARY_CONTENT_TYPE_PREFIXES
from apig_wsgi.options import OPTION_NAMES
from apig_wsgi.options import SETTING_NAMES
from apig_wsgi.options import OptionProblem
from apig_wsgi.options import Options
from apig_wsgi.options import build_options
from apig_wsgi.options import find_option_problems
from apig_wsgi.options import setting_name


def test_setting_names() -> None:
    assert setting_name("binary_support") == "APIG_WSGI_BINARY_SUPPORT"
    assert tuple(setting_name(name) for name in OPTION_NAMES) == SETTING_NAMES


def test_defaults() -> None:
    assert build_options({}) == Options(
        binary_support=None,
        non_binary_content_type_prefixes=DEFAULT_NON_BINARY_CONTENT_TYPE_PREFIXES,
        script_name=None,
    )
    assert DEFAULT_NON_BINARY_CONTENT_TYPE_PREFIXES == (
        "text/",
        "application/json",
        "application/problem+json",
        "application/vnd.api+json",
    )


def test_valid_values_have_no_problems() -> None:
    assert (
        find_option_problems(
            {
                "binary_support": True,
                "non_binary_content_type_prefixes": ["text/"],
                "script_name": "auto",
            }
        )
        == []
    )


def test_unknown_option() -> None:
    assert find_option_problems({"binary": True}) == [
        OptionProblem(
            "binary",
            "Unknown option 'binary'.",
            "Valid options are: binary_support, non_binary_content_type_prefixes, "
            "script_name.",
            TypeError,
        )
    ]


def test_prefix_of_wrong_type() -> None:
    [problem] = find_option_problems({"non_binary_content_type_prefixes": ["a", 1]})
    assert problem.message == (
        "non_binary_content_type_prefixes must contain only strings, found 1."
    )


@pytest.mark.parametrize(
    ("value", "kind"), [(5, TypeError), ("/api/", ValueError), ("api", ValueError)]
)
def test_script_name_problems(value: object, kind: type[Exception]) -> None:
    [problem] = find_option_problems({"script_name": value})
    assert problem.kind is kind


def test_build_options_keeps_prefix_order() -> None:
    options = build_options({"non_binary_content_type_prefixes": ["b/", "a/"]})
    assert options.non_binary_content_type_prefixes == ("b/", "a/")
