from __future__ import annotations

from typing import Any

import pytest

from apig_wsgi.testing import FORMATS
from apig_wsgi.testing import Response
from apig_wsgi.testing import decode_result

REST_ERROR = b'{"message": "Internal server error"}'
API_ERROR = b'{"message":"Internal Server Error"}'
BAD_GATEWAY_HTML = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n"
    b"<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
)
EDGE_ERROR = (
    b"<h2>502 ERROR</h2><p>The Lambda function returned an invalid response.</p>"
)
# What each front's client receives when the function's result is unusable.
FAILURES = {
    "rest": (502, "application/json", REST_ERROR),
    "http-v1": (500, "application/json", API_ERROR),
    "http-v2": (500, "application/json", API_ERROR),
    "function-url": (502, "application/json", API_ERROR),
    "alb": (502, "text/html", BAD_GATEWAY_HTML),
    "lattice-v1": (502, "text/html", BAD_GATEWAY_HTML),
    "lattice-v2": (502, "text/html", BAD_GATEWAY_HTML),
    "edge": (502, "text/html", EDGE_ERROR),
}


def failure(format: str, error: str) -> Response:
    status, content_type, body = FAILURES[format]
    return Response(
        status,
        "Bad Gateway" if status == 502 else "Internal Server Error",
        (("Content-Type", content_type), ("Content-Length", str(len(body)))),
        body,
        error,
    )


IMAGE_RESULT = {
    "statusCode": 200,
    "headers": {"Content-Type": "image/png"},
    "body": "AAE=",
    "isBase64Encoded": True,
}
IMAGE = (("Content-Type", "image/png"),)


class TestRest:
    def test_merges_headers_and_multi_value_headers(self) -> None:
        result = {
            "statusCode": 200,
            "headers": {"X-One": "1", "X-Both": "single", "Content-Type": "text/plain"},
            "multiValueHeaders": {"X-Both": ["m1", "m2"], "Set-Cookie": ["a=1", "b=2"]},
            "body": "hi",
            "isBase64Encoded": False,
        }
        assert decode_result(result, "rest") == Response(
            200,
            "OK",
            (
                ("X-One", "1"),
                ("Content-Type", "text/plain"),
                ("X-Both", "m1"),
                ("X-Both", "m2"),
                ("Set-Cookie", "a=1"),
                ("Set-Cookie", "b=2"),
            ),
            b"hi",
        )

    def test_missing_content_type_is_json(self) -> None:
        assert decode_result({"statusCode": 204}, "rest") == Response(
            204, "No Content", (("Content-Type", "application/json"),), b""
        )

    def test_base64_without_binary_media_types_is_text(self) -> None:
        assert decode_result(IMAGE_RESULT, "rest") == Response(
            200, "OK", IMAGE, b"AAE="
        )

    def test_base64_with_matching_content_type_is_decoded(self) -> None:
        response = decode_result(IMAGE_RESULT, "rest", binary_media_types=["image/*"])
        assert response == Response(200, "OK", IMAGE, b"\x00\x01")

    def test_base64_decided_by_accept_not_content_type(self) -> None:
        response = decode_result(
            IMAGE_RESULT,
            "rest",
            accept="text/html,image/*",
            binary_media_types=["image/*"],
        )
        assert response == Response(200, "OK", IMAGE, b"AAE=")

    def test_base64_with_matching_accept_is_decoded(self) -> None:
        result = {"statusCode": 200, "body": "AAE=", "isBase64Encoded": True}
        response = decode_result(
            result,
            "rest",
            accept="image/png;q=1, */*",
            binary_media_types=["image/png"],
        )
        assert response == Response(
            200, "OK", (("Content-Type", "application/json"),), b"\x00\x01"
        )

    def test_unknown_status_code_has_empty_reason(self) -> None:
        assert decode_result({"statusCode": 299}, "rest") == Response(
            299, "", (("Content-Type", "application/json"),), b""
        )

    @pytest.mark.parametrize(
        ("result", "reason"),
        [
            ([], "the result must be a JSON object, not []"),
            ({}, "statusCode must be an HTTP status code, not None"),
            (
                {"statusCode": "200"},
                "statusCode must be an HTTP status code, not '200'",
            ),
            ({"statusCode": True}, "statusCode must be an HTTP status code, not True"),
            ({"statusCode": 99}, "statusCode must be an HTTP status code, not 99"),
            (
                {"statusCode": 200, "headers": []},
                "headers must be an object, not []",
            ),
            (
                {"statusCode": 200, "headers": {"X": 1}},
                "header 'X' must have a string value, not 1",
            ),
            (
                {"statusCode": 200, "multiValueHeaders": "x"},
                "multiValueHeaders must be an object, not 'x'",
            ),
            (
                {"statusCode": 200, "multiValueHeaders": {"X": "v"}},
                "multiValueHeaders 'X' must be a list of strings, not 'v'",
            ),
            ({"statusCode": 200, "body": 5}, "body must be a string, not 5"),
            (
                {"statusCode": 200, "isBase64Encoded": "yes"},
                "isBase64Encoded must be true or false, not 'yes'",
            ),
            (
                {"statusCode": 200, "statusDescription": 5},
                "statusDescription must be a string, not 5",
            ),
        ],
    )
    def test_malformed_result_is_502(self, result: Any, reason: str) -> None:
        assert decode_result(result, "rest") == failure("rest", reason)

    def test_invalid_base64_is_502(self) -> None:
        result = {**IMAGE_RESULT, "body": "not base64!"}
        response = decode_result(result, "rest", binary_media_types=["*/*"])
        # The rest of the error is binascii's, which varies by Python version.
        assert response.error is not None
        assert response.error.startswith("the body is not valid base64: ")
        assert response == failure("rest", response.error)

    def test_over_6_mb_is_502(self) -> None:
        result = {"statusCode": 200, "body": "a" * (6 * 1024 * 1024)}
        assert decode_result(result, "rest") == failure(
            "rest",
            "the response is 6291487 bytes, over the Lambda limit of 6291456 bytes",
        )


class TestHttp:
    def test_v2_cookies_become_set_cookie(self) -> None:
        result = {
            "statusCode": 302,
            "headers": {"location": "/x", "content-type": "text/html"},
            "cookies": ["a=1", "b=2"],
            "body": "",
            "isBase64Encoded": False,
        }
        assert decode_result(result, "http-v2") == Response(
            302,
            "Found",
            (
                ("location", "/x"),
                ("content-type", "text/html"),
                ("Set-Cookie", "a=1"),
                ("Set-Cookie", "b=2"),
            ),
            b"",
        )

    @pytest.mark.parametrize("format", ["http-v1", "http-v2", "function-url"])
    def test_base64_is_always_decoded(self, format: str) -> None:
        assert decode_result(IMAGE_RESULT, format) == Response(
            200, "OK", IMAGE, b"\x00\x01"
        )

    @pytest.mark.parametrize(
        ("result", "body"),
        [({"a": 1}, b'{"a": 1}'), ("plain", b"plain"), ([1], b"[1]"), (None, b"null")],
    )
    def test_v2_result_without_status_code_is_json(
        self, result: Any, body: bytes
    ) -> None:
        assert decode_result(result, "http-v2") == Response(
            200, "OK", (("Content-Type", "application/json"),), body
        )

    def test_v2_bad_cookies_are_500(self) -> None:
        response = decode_result({"statusCode": 200, "cookies": "a=1"}, "http-v2")
        assert response == Response(
            500,
            "Internal Server Error",
            (("Content-Type", "application/json"), ("Content-Length", "35")),
            b'{"message":"Internal Server Error"}',
            "cookies must be a list of strings, not 'a=1'",
        )


class TestAlb:
    def test_single_value_headers_and_description(self) -> None:
        result = {
            "statusCode": 404,
            "statusDescription": "404 Not Found",
            "headers": {"content-type": "text/plain"},
            "multiValueHeaders": {"ignored": ["x"]},
            "body": "AAE=",
            "isBase64Encoded": True,
        }
        assert decode_result(result, "alb") == Response(
            404, "Not Found", (("content-type", "text/plain"),), b"\x00\x01"
        )

    def test_multi_value_reads_multi_value_headers_only(self) -> None:
        result = {
            "statusCode": 200,
            "statusDescription": "200 OK",
            "headers": {"ignored": "x"},
            "multiValueHeaders": {"set-cookie": ["a=1", "b=2"]},
            "body": "",
        }
        assert decode_result(result, "alb", multi_value_headers=True) == Response(
            200, "OK", (("set-cookie", "a=1"), ("set-cookie", "b=2")), b""
        )

    def test_over_1_mb_is_502(self) -> None:
        result = {"statusCode": 200, "body": "a" * (1024 * 1024)}
        assert decode_result(result, "alb") == Response(
            502,
            "Bad Gateway",
            (("Content-Type", "text/html"), ("Content-Length", "122")),
            BAD_GATEWAY_HTML,
            "the response is 1048607 bytes, over the ALB limit of 1048576 bytes",
        )


class TestLattice:
    @pytest.mark.parametrize("format", ["lattice-v1", "lattice-v2"])
    def test_response(self, format: str) -> None:
        result = {
            "statusCode": 200,
            "statusDescription": "200 OK",
            "headers": {"content-type": "text/plain"},
            "body": "hi",
            "isBase64Encoded": False,
        }
        assert decode_result(result, format) == Response(
            200, "OK", (("content-type", "text/plain"),), b"hi"
        )


class TestEdge:
    def test_response(self) -> None:
        result = {
            "status": "200",
            "statusDescription": "OK",
            "headers": {
                "set-cookie": [
                    {"key": "Set-Cookie", "value": "a=1"},
                    {"key": "Set-Cookie", "value": "b=2"},
                ],
                "x-plain": [{"value": "v"}],
            },
            "body": "AAE=",
            "bodyEncoding": "base64",
        }
        assert decode_result(result, "edge") == Response(
            200,
            "OK",
            (("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("x-plain", "v")),
            b"\x00\x01",
        )

    def test_text_body_by_default(self) -> None:
        assert decode_result({"status": "200", "body": "AAE="}, "edge") == Response(
            200, "OK", (), b"AAE="
        )

    @pytest.mark.parametrize(
        ("result", "reason"),
        [
            ({"status": 200}, "status must be an HTTP status code, not 200"),
            ({"status": "abc"}, "status must be an HTTP status code, not 'abc'"),
            ({"status": "200", "headers": []}, "headers must be an object, not []"),
            (
                {"status": "200", "headers": {"x": "v"}},
                "headers 'x' must be a list of {key, value} objects, not 'v'",
            ),
            (
                {"status": "200", "bodyEncoding": "gzip"},
                "bodyEncoding must be 'text' or 'base64', not 'gzip'",
            ),
            (
                {"status": "200", "body": "a" * (1024 * 1024 + 1)},
                (
                    "the generated body is 1048577 bytes, over the origin-request "
                    "limit of 1048576 bytes"
                ),
            ),
        ],
    )
    def test_malformed_result_is_502(self, result: Any, reason: str) -> None:
        assert decode_result(result, "edge") == failure("edge", reason)


@pytest.mark.parametrize("format", FORMATS)
def test_every_format_has_a_failure_response(format: str) -> None:
    result = {"statusCode": 200, "body": {1, 2}}
    assert decode_result(result, format) == failure(
        format,
        "the result is not JSON serializable: Object of type set is not JSON "
        "serializable",
    )


def test_unknown_format() -> None:
    with pytest.raises(ValueError) as excinfo:
        decode_result({}, "soap")
    assert str(excinfo.value) == (
        "Unknown event format 'soap', expected one of: rest, http-v1, http-v2, "
        "function-url, alb, lattice-v1, lattice-v2, edge."
    )


RESPONSE = Response(
    200,
    "OK",
    (("X-A", "1"), ("x-a", "2"), ("Content-Type", "text/plain")),
    b"\xc3\xa9",
)


class TestResponseAccessors:
    def test_header_list_is_every_value_in_any_case(self) -> None:
        assert RESPONSE.header_list("X-a") == ["1", "2"]

    def test_header_joins_the_values(self) -> None:
        assert RESPONSE.header("x-A") == "1, 2"

    def test_missing_header_is_none(self) -> None:
        assert RESPONSE.header("missing") is None

    def test_text_is_the_body_decoded_from_utf_8(self) -> None:
        assert RESPONSE.text == "\u00e9"
