from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from apig_wsgi.contrib.django.conf import get_options
from apig_wsgi.options import Options


def test_get_options_defaults_equal_core_defaults() -> None:
    assert get_options() == Options()


@override_settings(
    APIG_WSGI_BINARY_SUPPORT=True,
    APIG_WSGI_NON_BINARY_CONTENT_TYPE_PREFIXES=["text/", "application/xml"],
    APIG_WSGI_SCRIPT_NAME="auto",
)
def test_get_options_reads_every_setting() -> None:
    assert get_options() == Options(
        binary_support=True,
        non_binary_content_type_prefixes=("text/", "application/xml"),
        script_name="auto",
    )


@override_settings(
    APIG_WSGI_BINARY_SUPPORT=None,
    APIG_WSGI_NON_BINARY_CONTENT_TYPE_PREFIXES=None,
    APIG_WSGI_SCRIPT_NAME=None,
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
