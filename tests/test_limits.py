from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apig_wsgi.limits import runtime_escapes_non_ascii
from apig_wsgi.limits import serialised_size
from apig_wsgi.limits import size_bound

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


@given(value=json_values)
def test_size_with_escapes_is_that_of_json_dumps(value: object) -> None:
    assert serialised_size(value, True) == len(json.dumps(value))


@given(value=json_values)
def test_size_without_escapes_is_that_of_utf8_json(value: object) -> None:
    # Lone surrogates cannot be sent as UTF-8; results never hold them.
    text = json.dumps(value, ensure_ascii=False)
    encoded = text.encode("utf-8", "surrogatepass")
    assert serialised_size(value, False) == len(encoded)


@pytest.mark.parametrize("escape_non_ascii", [True, False])
def test_long_strings_are_measured_exactly_across_slices(
    escape_non_ascii: bool,
) -> None:
    text = ('a\x01"\\\u00e9\U0001f600\n' * 30_000)[1:]
    result = {"body": text, "headers": {"x": text[:70_000]}}
    expected = json.dumps(result, ensure_ascii=escape_non_ascii).encode("utf-8")
    assert serialised_size(result, escape_non_ascii) == len(expected)


def test_other_types_are_refused() -> None:
    with pytest.raises(TypeError) as excinfo:
        serialised_size({"body": 1.5}, True)
    assert str(excinfo.value) == "Cannot measure a float as JSON: 1.5"


@pytest.mark.parametrize(
    ("execution_env", "escapes"),
    [
        (None, True),
        ("AWS_Lambda_python3.9", True),
        ("AWS_Lambda_python3.11", True),
        ("AWS_Lambda_python3.12", False),
        ("AWS_Lambda_python3.13", False),
        ("AWS_Lambda_python3.14", False),
        ("AWS_Lambda_python3.x", True),
        ("AWS_Lambda_Image", True),
    ],
)
def test_runtime_escapes_non_ascii(
    monkeypatch: pytest.MonkeyPatch, execution_env: str | None, escapes: bool
) -> None:
    if execution_env is None:
        monkeypatch.delenv("AWS_EXECUTION_ENV", raising=False)
    else:
        monkeypatch.setenv("AWS_EXECUTION_ENV", execution_env)
    assert runtime_escapes_non_ascii() is escapes


header_lists = st.lists(
    st.tuples(
        st.text("abcXYZ-_", min_size=1, max_size=10),
        st.text(st.characters(max_codepoint=0xFF), max_size=20),
    ),
    max_size=5,
)


@given(
    status=st.text(st.characters(max_codepoint=0xFF), max_size=20),
    headers=header_lists,
    source=st.one_of(st.text().map(str.encode), st.binary()),
)
def test_bound_covers_every_shape_of_result(
    status: str, headers: list[tuple[str, str]], source: bytes
) -> None:
    # Decoded as the encoder does, invalid bytes replaced.
    body = source.decode("utf-8", "replace")
    # The most any format writes for these pieces: CloudFront's headers.
    result = {
        "status": status[:3],
        "statusDescription": status,
        "headers": {
            name.lower(): [{"key": name, "value": value}] for name, value in headers
        },
        "body": body,
        "bodyEncoding": "text",
        "isBase64Encoded": False,
    }
    bound = size_bound(status, headers, body, False, len(source))
    assert bound >= serialised_size(result, True)


@pytest.mark.parametrize(
    "source",
    [
        b"\x01" * 1000,
        "\U0001f600".encode() * 1000,
        "\u00e9".encode() * 1000,
        b"\xff" * 1000,
        b'"\\' * 1000,
    ],
)
def test_bound_holds_for_the_costliest_characters(source: bytes) -> None:
    body = source.decode("utf-8", "replace")
    for escape_non_ascii in (True, False):
        exact = serialised_size({"body": body}, escape_non_ascii)
        assert size_bound("", [], body, False, len(source)) >= exact
