from __future__ import annotations

import pytest

from apig_wsgi.options import DEFAULT_NON_BINARY_CONTENT_TYPE_PREFIXES
from apig_wsgi.options import OPTION_NAMES
from apig_wsgi.options import SETTING_NAMES
from apig_wsgi.options import OptionProblem
from apig_wsgi.options import Options
from apig_wsgi.options import build_options
from apig_wsgi.options import find_option_problems
from apig_wsgi.options import read_options
from apig_wsgi.options import setting_name


def test_setting_names() -> None:
    assert setting_name("binary_support") == "APIG_WSGI_BINARY_SUPPORT"
    assert tuple(setting_name(name) for name in OPTION_NAMES) == SETTING_NAMES


def test_defaults() -> None:
    assert build_options({}) == Options(
        binary_support=None,
        non_binary_content_type_prefixes=DEFAULT_NON_BINARY_CONTENT_TYPE_PREFIXES,
        script_name=None,
        non_http_handler=None,
        catch_exceptions=False,
        failure_status_codes=frozenset(),
        access_log=None,
        trusted_proxies=0,
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
            "script_name, non_http_handler, catch_exceptions, failure_status_codes, "
            "access_log, trusted_proxies, remote_user, remote_user_claim, "
            "alb_authenticates.",
            TypeError,
        )
    ]


def test_prefix_of_wrong_type() -> None:
    [problem] = find_option_problems({"non_binary_content_type_prefixes": ["a", 1]})
    assert problem.message == (
        "non_binary_content_type_prefixes must contain only strings, found 1."
    )


@pytest.mark.parametrize(
    ("value", "message", "hint", "kind"),
    [
        (
            5,
            "script_name must be None, 'auto' or a path string, not 5.",
            "Use 'auto' for the API Gateway stage, or a base path such as '/api'.",
            TypeError,
        ),
        (
            "/api/",
            "script_name '/api/' must start with '/' and not end with '/'.",
            "Write the base path as '/api', or use 'auto' for the stage.",
            ValueError,
        ),
        (
            "api",
            "script_name 'api' must start with '/' and not end with '/'.",
            "Write the base path as '/api', or use 'auto' for the stage.",
            ValueError,
        ),
    ],
)
def test_script_name_problems(
    value: object, message: str, hint: str, kind: type[Exception]
) -> None:
    assert find_option_problems({"script_name": value}) == [
        OptionProblem("script_name", message, hint, kind)
    ]


def test_build_options_keeps_prefix_order() -> None:
    options = build_options({"non_binary_content_type_prefixes": ["b/", "a/"]})
    assert options.non_binary_content_type_prefixes == ("b/", "a/")


def warm_up(event: object, context: object) -> str:
    return "warm"


@pytest.mark.parametrize(
    ("values", "message", "kind"),
    [
        (
            {"non_http_handler": 5},
            "non_http_handler must be a callable, an import path or None, not 5.",
            TypeError,
        ),
        (
            {"non_http_handler": "nodots"},
            "non_http_handler: 'nodots' is not an import path; write it as "
            "'package.module:function'.",
            ValueError,
        ),
        (
            {"non_http_handler": "tests.no_such_module:handler"},
            "non_http_handler: Cannot import 'tests.no_such_module' from "
            "'tests.no_such_module:handler': No module named 'tests.no_such_module'.",
            ValueError,
        ),
        (
            {"non_http_handler": "tests.test_options.NOT_THERE"},
            "non_http_handler: 'tests.test_options.NOT_THERE' does not name a "
            "callable in 'tests.test_options'.",
            ValueError,
        ),
        (
            {"catch_exceptions": "yes"},
            "catch_exceptions must be True or False, not 'yes'.",
            TypeError,
        ),
        (
            {"failure_status_codes": 500},
            "failure_status_codes must be a collection of status codes, not 500.",
            TypeError,
        ),
        (
            {"failure_status_codes": ["500"]},
            "failure_status_codes must contain only integers, found '500'.",
            TypeError,
        ),
        (
            {"failure_status_codes": [True]},
            "failure_status_codes must contain only integers, found True.",
            TypeError,
        ),
        (
            {"failure_status_codes": [600]},
            "failure_status_codes contains 600, which is not an HTTP status.",
            ValueError,
        ),
        (
            {"access_log": "xml"},
            "access_log must be None, 'text' or 'json', not 'xml'.",
            ValueError,
        ),
        (
            {"access_log": True},
            "access_log must be None, 'text' or 'json', not True.",
            TypeError,
        ),
        (
            {"trusted_proxies": "1"},
            "trusted_proxies must be an integer, not '1'.",
            TypeError,
        ),
        (
            {"trusted_proxies": -1},
            "trusted_proxies must be 0 or more, not -1.",
            ValueError,
        ),
    ],
)
def test_production_option_problems(
    values: dict[str, object], message: str, kind: type[Exception]
) -> None:
    [problem] = find_option_problems(values)
    assert (problem.message, problem.kind) == (message, kind)


def test_non_http_handler_import_path_is_resolved() -> None:
    for path in ("tests.test_options:warm_up", "tests.test_options.warm_up"):
        assert build_options({"non_http_handler": path}).non_http_handler is warm_up


def test_failure_status_codes_become_a_frozenset() -> None:
    options = build_options({"failure_status_codes": range(502, 505)})
    assert options.failure_status_codes == frozenset({502, 503, 504})


class TestOptionsObject:
    def test_read_only(self) -> None:
        options = build_options({})
        with pytest.raises(AttributeError) as excinfo:
            options.binary_support = True
        assert str(excinfo.value) == (
            "Options is read-only: cannot set 'binary_support'."
        )

    def test_equality(self) -> None:
        assert build_options({"trusted_proxies": 1}) == Options(trusted_proxies=1)
        assert build_options({}) != Options(trusted_proxies=1)
        assert Options() != OptionProblem("a", "b", "c", TypeError)

    def test_repr(self) -> None:
        assert repr(Options(trusted_proxies=2)) == (
            "Options(binary_support=None, non_binary_content_type_prefixes=('text/', "
            "'application/json', 'application/problem+json', "
            "'application/vnd.api+json'), script_name=None, non_http_handler=None, "
            "catch_exceptions=False, failure_status_codes=frozenset(), "
            "access_log=None, trusted_proxies=2, remote_user=False, "
            "remote_user_claim='sub', alb_authenticates=False)"
        )


def test_read_options_gives_every_problem_and_the_valid_options() -> None:
    assert read_options(
        {"trusted_proxies": 2, "access_log": "xml", "binary_support": "yes"}
    ) == (
        Options(trusted_proxies=2),
        [
            OptionProblem(
                "access_log",
                "access_log must be None, 'text' or 'json', not 'xml'.",
                "Use 'json' for CloudWatch Logs Insights, 'text' for people.",
                ValueError,
            ),
            OptionProblem(
                "binary_support",
                "binary_support must be True, False or None, not 'yes'.",
                "Use None to keep the default for each event format.",
                TypeError,
            ),
        ],
    )


class TestRemoteUserOptions:
    def test_defaults(self) -> None:
        options = Options()

        assert (
            options.remote_user,
            options.remote_user_claim,
            options.alb_authenticates,
        ) == (False, "sub", False)

    @pytest.mark.parametrize(
        ("values", "problem"),
        [
            (
                {"remote_user": "yes"},
                OptionProblem(
                    "remote_user",
                    "remote_user must be True or False, not 'yes'.",
                    "Set remote_user to True or False.",
                    TypeError,
                ),
            ),
            (
                {"alb_authenticates": 1},
                OptionProblem(
                    "alb_authenticates",
                    "alb_authenticates must be True or False, not 1.",
                    "Set alb_authenticates to True or False.",
                    TypeError,
                ),
            ),
            (
                {"remote_user_claim": ["sub"]},
                OptionProblem(
                    "remote_user_claim",
                    "remote_user_claim must be the name of a claim, not ['sub'].",
                    "Name the claim that holds the user name, e.g. 'sub' or 'email'.",
                    TypeError,
                ),
            ),
            (
                {"remote_user_claim": ""},
                OptionProblem(
                    "remote_user_claim",
                    "remote_user_claim must not be empty.",
                    "Name the claim that holds the user name, e.g. 'sub' or 'email'.",
                    ValueError,
                ),
            ),
        ],
    )
    def test_problems(self, values: dict[str, object], problem: OptionProblem) -> None:
        assert find_option_problems(values) == [problem]

    def test_valid_values(self) -> None:
        assert read_options(
            {
                "remote_user": True,
                "remote_user_claim": "cognito:username",
                "alb_authenticates": True,
            }
        ) == (
            Options(
                remote_user=True,
                remote_user_claim="cognito:username",
                alb_authenticates=True,
            ),
            [],
        )
