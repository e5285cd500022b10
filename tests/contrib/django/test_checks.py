from __future__ import annotations

import pytest
from django.core import checks
from django.test import override_settings

from apig_wsgi.contrib.django.auth import ApigRemoteUserMiddleware
from apig_wsgi.contrib.django.checks import check_allowed_hosts
from apig_wsgi.contrib.django.checks import check_allowed_hosts_in_debug
from apig_wsgi.contrib.django.checks import check_gzip_binary_support
from apig_wsgi.contrib.django.checks import check_middleware
from apig_wsgi.contrib.django.checks import check_remote_user
from apig_wsgi.contrib.django.checks import check_script_name
from apig_wsgi.contrib.django.checks import check_settings
from apig_wsgi.contrib.django.middleware import ApigContextMiddleware

GZIP = "django.middleware.gzip.GZipMiddleware"
APIG = "apig_wsgi.contrib.django.middleware.ApigContextMiddleware"


class SubclassedMiddleware(ApigContextMiddleware):
    pass


class SubclassedRemoteUser(ApigRemoteUserMiddleware):
    pass


def ids(messages: list[checks.CheckMessage]) -> list[str]:
    return [str(message.id) for message in messages]


def test_test_project_passes_all_checks() -> None:
    assert checks.run_checks() == []


class TestSettingTypes:
    @override_settings(
        APIG_WSGI_BINARY_SUPPORT="yes",
        APIG_WSGI_NON_BINARY_CONTENT_TYPE_PREFIXES="text/",
    )
    def test_wrong_types_are_e001(self) -> None:
        assert check_settings() == [
            checks.Error(
                "APIG_WSGI_BINARY_SUPPORT is invalid: binary_support must be "
                "True, False or None, not 'yes'.",
                hint="Use None to keep the default for each event format.",
                id="apig_wsgi.E001",
            ),
            checks.Error(
                "APIG_WSGI_NON_BINARY_CONTENT_TYPE_PREFIXES is invalid: "
                "non_binary_content_type_prefixes must be a list or tuple of "
                "strings, not 'text/'.",
                hint='Wrap a single prefix in a list, e.g. ["text/"].',
                id="apig_wsgi.E001",
            ),
        ]

    @override_settings(APIG_WSGI_NON_BINARY_CONTENT_TYPE_PREFIXES=["text/", 1])
    def test_non_string_prefix_is_e001(self) -> None:
        assert ids(check_settings()) == ["apig_wsgi.E001"]

    @override_settings(APIG_WSGI_SCRIPT_NAME="api/")
    def test_bad_script_name_value_is_e002(self) -> None:
        assert check_settings() == [
            checks.Error(
                "APIG_WSGI_SCRIPT_NAME is invalid: script_name 'api/' must start "
                "with '/' and not end with '/'.",
                hint="Write the base path as '/api', or use 'auto' for the stage.",
                id="apig_wsgi.E002",
            )
        ]

    @pytest.mark.parametrize(
        ("setting", "value", "check_id"),
        [
            ("APIG_WSGI_NON_HTTP_HANDLER", 42, "apig_wsgi.E001"),
            ("APIG_WSGI_NON_HTTP_HANDLER", "no_such_module:handle", "apig_wsgi.E002"),
            ("APIG_WSGI_CATCH_EXCEPTIONS", "yes", "apig_wsgi.E001"),
            ("APIG_WSGI_FAILURE_STATUS_CODES", 500, "apig_wsgi.E001"),
            ("APIG_WSGI_FAILURE_STATUS_CODES", [700], "apig_wsgi.E002"),
            ("APIG_WSGI_ACCESS_LOG", "xml", "apig_wsgi.E002"),
            ("APIG_WSGI_TRUSTED_PROXIES", -1, "apig_wsgi.E002"),
        ],
    )
    def test_production_settings_are_checked(
        self, setting: str, value: object, check_id: str
    ) -> None:
        with override_settings(**{setting: value}):
            assert ids(check_settings()) == [check_id]

    @override_settings(APIG_WSGI_ACCESS_LOG="xml")
    def test_message_names_the_setting(self) -> None:
        assert check_settings() == [
            checks.Error(
                "APIG_WSGI_ACCESS_LOG is invalid: access_log must be None, 'text' or "
                "'json', not 'xml'.",
                hint="Use 'json' for CloudWatch Logs Insights, 'text' for people.",
                id="apig_wsgi.E002",
            )
        ]

    @override_settings(
        APIG_WSGI_BINARY_SUPPORT=True,
        APIG_WSGI_NON_BINARY_CONTENT_TYPE_PREFIXES=("text/", "application/xml"),
        APIG_WSGI_SCRIPT_NAME="auto",
        APIG_WSGI_NON_HTTP_HANDLER="apig_wsgi.contrib.django.manage:handle_manage_event",
        APIG_WSGI_CATCH_EXCEPTIONS=True,
        APIG_WSGI_FAILURE_STATUS_CODES=range(500, 600),
        APIG_WSGI_ACCESS_LOG="json",
        APIG_WSGI_TRUSTED_PROXIES=1,
    )
    def test_valid_settings_pass(self) -> None:
        assert check_settings() == []

    @override_settings(
        APIG_WSGI_BINARY_SUPPORT=None,
        APIG_WSGI_NON_BINARY_CONTENT_TYPE_PREFIXES=None,
        APIG_WSGI_SCRIPT_NAME=None,
    )
    def test_none_settings_mean_default_and_pass(self) -> None:
        assert check_settings() == []


class TestUnknownSettings:
    @override_settings(APIG_WSGI_BINARY_SUPORT=True)
    def test_typo_is_w001_with_suggestion(self) -> None:
        assert check_settings() == [
            checks.Warning(
                "Unknown setting APIG_WSGI_BINARY_SUPORT: apig-wsgi does not read it.",
                hint="Did you mean APIG_WSGI_BINARY_SUPPORT?",
                id="apig_wsgi.W001",
            )
        ]

    @override_settings(APIG_WSGI_DEBUG=True, APIG_WSGI_SCRIPTNAME="auto")
    def test_unrelated_name_is_w001_listing_settings(self) -> None:
        assert check_settings() == [
            checks.Warning(
                "Unknown setting APIG_WSGI_DEBUG: apig-wsgi does not read it.",
                hint="The apig-wsgi settings are: APIG_WSGI_BINARY_SUPPORT, "
                "APIG_WSGI_NON_BINARY_CONTENT_TYPE_PREFIXES, APIG_WSGI_SCRIPT_NAME, "
                "APIG_WSGI_NON_HTTP_HANDLER, APIG_WSGI_CATCH_EXCEPTIONS, "
                "APIG_WSGI_FAILURE_STATUS_CODES, APIG_WSGI_ACCESS_LOG, "
                "APIG_WSGI_TRUSTED_PROXIES, APIG_WSGI_REMOTE_USER, "
                "APIG_WSGI_REMOTE_USER_CLAIM, APIG_WSGI_ALB_AUTHENTICATES, "
                "APIG_WSGI_EVENT_HANDLERS, APIG_WSGI_WARM_UP, "
                "APIG_WSGI_WARM_UP_PATHS, APIG_WSGI_STREAM.",
                id="apig_wsgi.W001",
            ),
            checks.Warning(
                "Unknown setting APIG_WSGI_SCRIPTNAME: apig-wsgi does not read it.",
                hint="Did you mean APIG_WSGI_SCRIPT_NAME?",
                id="apig_wsgi.W001",
            ),
        ]

    @override_settings(APIG_WSGI_TRUSTED_PROXY=1)
    def test_singular_of_plural_setting_is_w001_with_suggestion(self) -> None:
        assert check_settings() == [
            checks.Warning(
                "Unknown setting APIG_WSGI_TRUSTED_PROXY: apig-wsgi does not read it.",
                hint="Did you mean APIG_WSGI_TRUSTED_PROXIES?",
                id="apig_wsgi.W001",
            )
        ]

    @override_settings(APIG_WSGI_BINARY_SUPPORT=True)
    def test_known_setting_passes(self) -> None:
        assert check_settings() == []


class TestMiddleware:
    @override_settings(MIDDLEWARE=["django.middleware.csrf.CsrfViewMiddleware"])
    def test_missing_middleware_is_w002(self) -> None:
        assert check_middleware() == [
            checks.Warning(
                "ApigContextMiddleware is not in MIDDLEWARE, so views get no "
                "request.apig_context.",
                hint=f"Add {APIG!r} to MIDDLEWARE.",
                id="apig_wsgi.W002",
            )
        ]

    @override_settings(MIDDLEWARE=[])
    def test_empty_middleware_is_w002(self) -> None:
        assert ids(check_middleware()) == ["apig_wsgi.W002"]

    @override_settings(
        MIDDLEWARE=[
            "no.such.Middleware",
            f"{__name__}.SubclassedMiddleware",
        ]
    )
    def test_subclass_passes(self) -> None:
        assert check_middleware() == []

    @override_settings(MIDDLEWARE=["django.middleware.csrf.get_token"])
    def test_non_class_entry_is_not_the_middleware(self) -> None:
        assert ids(check_middleware()) == ["apig_wsgi.W002"]

    @override_settings(MIDDLEWARE=[APIG])
    def test_middleware_by_path_passes(self) -> None:
        assert check_middleware() == []


class TestScriptName:
    @override_settings(FORCE_SCRIPT_NAME="/prod", APIG_WSGI_SCRIPT_NAME="auto")
    def test_force_script_name_with_script_name_is_w003(self) -> None:
        assert check_script_name() == [
            checks.Warning(
                "FORCE_SCRIPT_NAME and APIG_WSGI_SCRIPT_NAME are both set; Django "
                "uses FORCE_SCRIPT_NAME and ignores the script name apig-wsgi "
                "computes.",
                hint="Remove one of the two settings (usually FORCE_SCRIPT_NAME).",
                id="apig_wsgi.W003",
            )
        ]

    @override_settings(FORCE_SCRIPT_NAME="/prod")
    def test_force_script_name_alone_passes(self) -> None:
        assert check_script_name() == []

    @override_settings(APIG_WSGI_SCRIPT_NAME="/api")
    def test_script_name_alone_passes(self) -> None:
        assert check_script_name() == []


class TestGzipBinarySupport:
    @override_settings(APIG_WSGI_BINARY_SUPPORT=False, MIDDLEWARE=[GZIP, APIG])
    def test_gzip_without_binary_support_is_w004(self) -> None:
        assert check_gzip_binary_support() == [
            checks.Warning(
                "GZipMiddleware is in MIDDLEWARE but APIG_WSGI_BINARY_SUPPORT is "
                "False, so REST APIs send compressed responses garbled.",
                hint="Set APIG_WSGI_BINARY_SUPPORT = True (and configure the API's "
                "binary media types), or remove GZipMiddleware.",
                id="apig_wsgi.W004",
            )
        ]

    @override_settings(APIG_WSGI_BINARY_SUPPORT=True, MIDDLEWARE=[GZIP, APIG])
    def test_gzip_with_binary_support_passes(self) -> None:
        assert check_gzip_binary_support() == []

    @override_settings(APIG_WSGI_BINARY_SUPPORT=False)
    def test_no_binary_support_without_gzip_passes(self) -> None:
        assert check_gzip_binary_support() == []


class TestAllowedHosts:
    @override_settings(ALLOWED_HOSTS=[], DEBUG=False)
    def test_empty_allowed_hosts_without_debug_is_w005(self) -> None:
        assert check_allowed_hosts() == [
            checks.Warning(
                "ALLOWED_HOSTS is empty and DEBUG is False, so Django answers every "
                "request through the Lambda handler with 400 Bad Request.",
                hint="Add the API's host to ALLOWED_HOSTS, e.g. "
                "'abc123.execute-api.eu-west-1.amazonaws.com' or your custom domain.",
                id="apig_wsgi.W005",
            )
        ]

    @override_settings(ALLOWED_HOSTS=[], DEBUG=True)
    def test_empty_allowed_hosts_with_debug_is_w007_only(self) -> None:
        assert check_allowed_hosts() == []
        assert check_allowed_hosts_in_debug() == [
            checks.Warning(
                "ALLOWED_HOSTS is empty, so with DEBUG = True Django accepts only "
                "localhost: requests through the Lambda handler, apig_invoke and "
                "the test client get 400 Bad Request.",
                hint="Add the hosts your fronts send; the apig-wsgi tools send "
                "hosts under '.amazonaws.com', '.on.aws' and '.cloudfront.net'.",
                id="apig_wsgi.W007",
            )
        ]

    @override_settings(ALLOWED_HOSTS=[], DEBUG=False)
    def test_empty_allowed_hosts_without_debug_is_not_w007(self) -> None:
        assert check_allowed_hosts_in_debug() == []

    @override_settings(ALLOWED_HOSTS=["localhost"], DEBUG=True)
    def test_allowed_hosts_set_with_debug_passes(self) -> None:
        assert check_allowed_hosts_in_debug() == []

    @override_settings(ALLOWED_HOSTS=[".amazonaws.com"], DEBUG=False)
    def test_allowed_hosts_set_passes(self) -> None:
        assert check_allowed_hosts() == []


@override_settings(
    ALLOWED_HOSTS=[],
    APIG_WSGI_BINARY_SUPPORT=0,
    APIG_WSGI_SCRIPT_NAME="/api/",
    APIG_WSGI_BINARY_SUPORT=True,
    FORCE_SCRIPT_NAME="/x",
    MIDDLEWARE=[GZIP],
)
def test_all_checks_are_registered() -> None:
    assert sorted(ids(checks.run_checks())) == [
        "apig_wsgi.E001",
        "apig_wsgi.E002",
        "apig_wsgi.W001",
        "apig_wsgi.W002",
        "apig_wsgi.W003",
        "apig_wsgi.W005",
    ]


@override_settings(ALLOWED_HOSTS=[], DEBUG=True)
def test_debug_allowed_hosts_check_is_registered() -> None:
    assert ids(checks.run_checks()) == ["apig_wsgi.W007"]


class TestRemoteUser:
    MIDDLEWARE = "apig_wsgi.contrib.django.auth.ApigRemoteUserMiddleware"
    BACKEND = "apig_wsgi.contrib.django.auth.ApigRemoteUserBackend"

    def test_nothing_to_say_when_unused(self) -> None:
        assert check_remote_user() == []

    @override_settings(
        MIDDLEWARE=[MIDDLEWARE],
        AUTHENTICATION_BACKENDS=[BACKEND],
        APIG_WSGI_REMOTE_USER=True,
    )
    def test_nothing_to_say_when_set_up(self) -> None:
        assert check_remote_user() == []

    @override_settings(
        MIDDLEWARE=["tests.contrib.django.test_checks.SubclassedRemoteUser"],
        AUTHENTICATION_BACKENDS=[
            "no.such.Backend",
            "django.contrib.auth.backends.ModelBackend",
            "tests.contrib.django.test_auth.CognitoBackend",
        ],
        APIG_WSGI_REMOTE_USER=True,
    )
    def test_subclasses_count(self) -> None:
        assert check_remote_user() == []

    @override_settings(MIDDLEWARE=[MIDDLEWARE])
    def test_middleware_without_the_setting_is_w008(self) -> None:
        assert check_remote_user() == [
            checks.Warning(
                "ApigRemoteUserMiddleware is in MIDDLEWARE but APIG_WSGI_REMOTE_USER "
                "is off, so it logs nobody in, and logs out the users it logged in.",
                hint="Set APIG_WSGI_REMOTE_USER = True, or remove the middleware.",
                id="apig_wsgi.W008",
            )
        ]

    @override_settings(APIG_WSGI_REMOTE_USER=True)
    def test_setting_without_backend_or_middleware_is_w009_and_w010(self) -> None:
        assert check_remote_user() == [
            checks.Warning(
                "APIG_WSGI_REMOTE_USER is on but no AUTHENTICATION_BACKENDS entry is "
                "ApigRemoteUserBackend, so the caller AWS verified never becomes "
                "request.user.",
                hint=f"Add {self.BACKEND!r} (or your subclass) to "
                "AUTHENTICATION_BACKENDS.",
                id="apig_wsgi.W009",
            ),
            checks.Warning(
                "APIG_WSGI_REMOTE_USER is on but ApigRemoteUserMiddleware is not in "
                "MIDDLEWARE, so nobody is logged in from the caller AWS verified.",
                hint=f"Add {self.MIDDLEWARE!r} to MIDDLEWARE, after "
                "'django.contrib.auth.middleware.AuthenticationMiddleware'.",
                id="apig_wsgi.W010",
            ),
        ]

    @override_settings(APIG_WSGI_REMOTE_USER=True, MIDDLEWARE=[MIDDLEWARE])
    def test_setting_without_backend_is_w009(self) -> None:
        assert ids(check_remote_user()) == ["apig_wsgi.W009"]

    @override_settings(APIG_WSGI_REMOTE_USER=True, MIDDLEWARE=[MIDDLEWARE])
    def test_checks_are_registered(self) -> None:
        assert "apig_wsgi.W009" in ids(checks.run_checks())
