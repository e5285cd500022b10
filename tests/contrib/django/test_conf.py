from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from apig_wsgi.contrib.django.conf import get_options
from apig_wsgi.contrib.django.manage import handle_manage_event
from apig_wsgi.options import Options


def test_get_options_defaults_equal_core_defaults() -> None:
    assert get_options() == Options()


@override_settings(
    APIG_WSGI_BINARY_SUPPORT=True,
    APIG_WSGI_NON_BINARY_CONTENT_TYPE_PREFIXES=["text/", "application/xml"],
    APIG_WSGI_SCRIPT_NAME="auto",
    APIG_WSGI_NON_HTTP_HANDLER="apig_wsgi.contrib.django.manage:handle_manage_event",
    APIG_WSGI_CATCH_EXCEPTIONS=True,
    APIG_WSGI_FAILURE_STATUS_CODES=range(502, 505),
    APIG_WSGI_ACCESS_LOG="json",
    APIG_WSGI_TRUSTED_PROXIES=1,
)
def test_get_options_reads_every_setting() -> None:
    assert get_options() == Options(
        binary_support=True,
        non_binary_content_type_prefixes=("text/", "application/xml"),
        script_name="auto",
        non_http_handler=handle_manage_event,
        catch_exceptions=True,
        failure_status_codes=frozenset({502, 503, 504}),
        access_log="json",
        trusted_proxies=1,
    )


@override_settings(
    APIG_WSGI_BINARY_SUPPORT=None,
    APIG_WSGI_NON_BINARY_CONTENT_TYPE_PREFIXES=None,
    APIG_WSGI_SCRIPT_NAME=None,
    APIG_WSGI_NON_HTTP_HANDLER=None,
    APIG_WSGI_CATCH_EXCEPTIONS=None,
    APIG_WSGI_FAILURE_STATUS_CODES=None,
    APIG_WSGI_ACCESS_LOG=None,
    APIG_WSGI_TRUSTED_PROXIES=None,
    APIG_WSGI_EVENT_HANDLERS=None,
)
def test_get_options_none_settings_mean_defaults() -> None:
    assert get_options() == Options()


@override_settings(APIG_WSGI_BINARY_SUPPORT="true", APIG_WSGI_SCRIPT_NAME="api")
def test_get_options_invalid_setting_raises_improperly_configured() -> None:
    with pytest.raises(ImproperlyConfigured) as excinfo:
        get_options()

    assert str(excinfo.value) == (
        "APIG_WSGI_BINARY_SUPPORT is invalid: binary_support must be True, False "
        "or None, not 'true'. Use None to keep the default for each event format."
    )
