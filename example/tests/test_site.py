"""The example site through its real Lambda handler and apig_wsgi's test client.

The handler is the one the site stack names; called as a handler, it answers
every front buffered (test_lambda_zip.py streams through the runtime loop).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import logging
from typing import Any

import pytest
from django.core.management import call_command
from example_site.events import EVENT_COUNT
from example_site.events import EVENT_INTERVAL
from example_site.guestbook.models import Entry
from example_site.guestbook.models import ThankYou
from example_site.guestbook.tasks import thank_signer
from example_site.views import MASK
from example_site.views import MAX_UPLOAD_BYTES
from fronts import FRONTS
from fronts import IMAGE
from fronts import client_for as client_for_handler
from fronts import csrf_form_token
from fronts import logo_url
from fronts import set_cookies
from multipart import CONTENT_TYPE
from multipart import form_data
from sse import server_sent_events

from apig_wsgi.contrib.django.handler import streaming_handler
from apig_wsgi.testing import Client
from apig_wsgi.testing import build_event


def client_for(front: str) -> Client:
    return client_for_handler(streaming_handler, front)


@pytest.mark.parametrize("front", FRONTS)
def test_index_shows_the_request(front: str) -> None:
    response = client_for(front).get("/", query={"q": "apig"})

    assert response.status == 200
    assert response.header("content-type") == "text/html; charset=utf-8"
    text = response.text
    assert f'<td id="event-format">{front}</td>' in text
    assert '<td id="method">GET</td>' in text
    assert '<td id="query-string">q=apig</td>' in text
    assert '<td id="remote-addr">203.0.113.10</td>' in text


def test_index_behind_rest_stage_puts_stage_in_script_name() -> None:
    response = client_for("rest").get("/")

    text = response.text
    assert '<td id="script-name">/live</td>' in text
    assert '<td id="path-info">/</td>' in text
    assert '<td id="stage">live</td>' in text
    assert 'href="/live/cookies/"' in text
    assert 'src="/live/static/apig-wsgi.' in text


def test_index_on_http_api_has_no_script_name() -> None:
    text = client_for("http-v2").get("/").text

    assert '<td id="script-name"></td>' in text
    assert '<td id="stage">$default</td>' in text
    assert 'href="/cookies/"' in text


@pytest.mark.parametrize("front", FRONTS)
def test_request_json_masks_secrets(front: str) -> None:
    response = client_for(front).get(
        "/api/request/?access_token=t0k3n&page=2",
        headers={"Authorization": "Bearer hunter2", "X-Api-Key": "k3y"},
        cookies={"sessionid": "s3ss10n", "flavour": "plain"},
    )

    assert response.status == 200
    seen = response.json()
    assert seen["headers"]["Authorization"] == MASK
    assert seen["headers"]["X-Api-Key"] == MASK
    assert seen["cookies"] == {"sessionid": MASK, "flavour": "plain"}
    assert seen["query_string"] == "access_token=%2A%2A%2A%2A%2A%2A%2A%2A&page=2"
    for secret in ("hunter2", "k3y", "s3ss10n", "t0k3n"):
        assert secret not in response.text


def test_request_json_lists_apig_context() -> None:
    seen = client_for("http-v2").get("/api/request/").json()

    apig = seen["apig_context"]
    assert apig["event_format"] == "http-v2"
    assert apig["stage"] == "$default"
    assert apig["source_ip"] == "203.0.113.10"
    assert apig["context"]["function_name"] == "apig-wsgi-local"
    assert apig["full_event"]["rawPath"] == "/api/request/"
    assert seen["links"] == {
        "index": "/",
        "cookies": "/cookies/",
        "compressed": "/compressed/",
        "upload": "/upload/",
        "guestbook": "/guestbook/",
        "events": "/events/",
        "request-json": "/api/request/",
    }


@pytest.mark.parametrize("front", FRONTS)
def test_cookies_page_sets_two_cookies(front: str) -> None:
    response = client_for(front).get("/cookies/")

    assert response.status == 200
    assert set_cookies(response) == {"flavour": "oatmeal-raisin", "theme": "dark"}


@pytest.mark.parametrize("front", FRONTS)
def test_logo_arrives_as_png_bytes(front: str) -> None:
    client = client_for(front)
    url = logo_url(client.get("/"))

    response = client.get(url.removeprefix("/live"))

    assert response.status == 200
    assert response.header("content-type") == "image/png"
    assert response.body == IMAGE.read_bytes()
    assert response.result["isBase64Encoded"] is True


@pytest.mark.parametrize("front", FRONTS)
def test_compressed_page_arrives_gzipped(front: str) -> None:
    response = client_for(front).get(
        "/compressed/", headers={"Accept-Encoding": "gzip"}
    )

    assert response.status == 200
    assert response.header("content-encoding") == "gzip"
    assert b"Line 199: compressed" in gzip.decompress(response.body)


@pytest.mark.parametrize("front", FRONTS)
def test_upload_with_csrf_token_is_accepted(front: str) -> None:
    client = client_for(front)
    seen = client.get("/api/request/").json()
    form = client.get("/upload/")
    csrf_cookie = set_cookies(form)["csrftoken"]
    attachment = bytes(range(256)) * 10

    response = client.post(
        "/upload/",
        headers={
            "Content-Type": CONTENT_TYPE,
            "Origin": f"{seen['scheme']}://{seen['host']}",
        },
        cookies={"csrftoken": csrf_cookie},
        body=form_data(
            {"csrfmiddlewaretoken": csrf_form_token(form), "name": "Ada"},
            {"attachment": ("bytes.bin", attachment)},
        ),
    )

    assert response.status == 200, response.text
    text = response.text
    assert '<span id="result-name">Ada</span>' in text
    assert '<span id="result-filename">bytes.bin</span>' in text
    assert '<span id="result-size">2560</span>' in text
    assert hashlib.sha256(attachment).hexdigest() in text


def test_upload_without_csrf_token_is_forbidden() -> None:
    response = client_for("http-v2").post(
        "/upload/",
        headers={"Content-Type": CONTENT_TYPE},
        body=form_data({"name": "Ada"}, {"attachment": ("a.txt", b"a")}),
    )

    assert response.status == 403


def test_upload_over_the_limit_is_refused() -> None:
    client = client_for("http-v2")
    form = client.get("/upload/")

    response = client.post(
        "/upload/",
        headers={
            "Content-Type": CONTENT_TYPE,
            "Origin": "https://abcdef1234.execute-api.us-east-1.amazonaws.com",
        },
        cookies={"csrftoken": set_cookies(form)["csrftoken"]},
        body=form_data(
            {"csrfmiddlewaretoken": csrf_form_token(form), "name": "Ada"},
            {"attachment": ("big.bin", b"x" * (512 * 1024 + 1))},
        ),
    )

    assert response.status == 400
    assert "The file is 524289 bytes; the limit is 524288 bytes." in response.text


def test_largest_upload_fits_every_front() -> None:
    """An upload at the limit, with its form, fits the ALB's 1 MB event limit."""
    client = client_for("alb")
    seen = client.get("/api/request/").json()
    form = client.get("/upload/")
    attachment = bytes(range(256)) * (2 * 1024)
    request: dict[str, Any] = {
        "headers": {
            "Content-Type": CONTENT_TYPE,
            "Origin": f"{seen['scheme']}://{seen['host']}",
        },
        "cookies": {"csrftoken": set_cookies(form)["csrftoken"]},
        "body": form_data(
            {"csrfmiddlewaretoken": csrf_form_token(form), "name": "A" * 100},
            {"attachment": ("big.bin", attachment)},
        ),
    }

    response = client.post("/upload/", **request)
    event = build_event("alb", "POST", "/upload/", multi_value_headers=True, **request)

    assert len(attachment) == MAX_UPLOAD_BYTES
    assert response.status == 200, response.text
    assert len(json.dumps(event).encode()) < 1_000_000


def test_unknown_page_is_404() -> None:
    assert client_for("rest").get("/missing/").status == 404


def test_system_checks_find_no_issues() -> None:
    out = io.StringIO()

    call_command("check", fail_level="WARNING", stdout=out)

    assert out.getvalue() == "System check identified no issues (0 silenced).\n"


def test_guestbook_keeps_entries_in_the_database() -> None:
    client = client_for("http-v2")

    sign(client, "Ada")

    after = client.get("/guestbook/")
    assert '<strong class="entry-name">Ada</strong>' in after.text


def sign(client: Client, name: str) -> None:
    page = client.get("/guestbook/")
    response = client.post(
        "/guestbook/",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": "https://abcdef1234.execute-api.us-east-1.amazonaws.com",
        },
        cookies={"csrftoken": set_cookies(page)["csrftoken"]},
        body=f"csrfmiddlewaretoken={csrf_form_token(page)}&name={name}&message=Hi".encode(),
    )
    assert response.status == 302, response.text


def test_signing_enqueues_a_task_that_records_a_thank_you() -> None:
    # Without TASKS_QUEUE_URL the settings run tasks at once, as locally.
    client = client_for("http-v2")

    sign(client, "Grace")
    after = client.get("/guestbook/")

    entry = Entry.objects.get(name="Grace")
    assert ThankYou.objects.get(entry=entry).note == "Thank you for signing, Grace!"
    assert (
        '<strong class="entry-name">Grace</strong>: <span class="entry-message">Hi'
        '</span> <em class="thank-you">Thank you for signing, Grace!</em>'
    ) in after.text


def test_thank_you_task_runs_twice_without_a_second_note() -> None:
    entry = Entry.objects.create(name="Twice", message="SQS may deliver twice")

    first = thank_signer.call(entry.pk)
    second = thank_signer.call(entry.pk)

    assert (first, second) == (True, False)
    assert ThankYou.objects.filter(entry=entry).count() == 1


def test_thank_you_task_for_a_deleted_entry_warns(
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = Entry.objects.create(name="Gone", message="Deleted before the task ran")
    entry_id = entry.pk
    entry.delete()

    with caplog.at_level(logging.WARNING):
        assert thank_signer.call(entry_id) is False

    assert caplog.messages == [f"Guestbook entry {entry_id} is gone: nobody to thank."]


def test_guestbook_rejects_an_empty_entry() -> None:
    client = client_for("http-v2")
    page = client.get("/guestbook/")

    response = client.post(
        "/guestbook/",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": "https://abcdef1234.execute-api.us-east-1.amazonaws.com",
        },
        cookies={"csrftoken": set_cookies(page)["csrftoken"]},
        body=f"csrfmiddlewaretoken={csrf_form_token(page)}&name=&message=".encode(),
    )

    assert response.status == 400
    assert "This field is required." in response.text


def test_admin_login_page_renders() -> None:
    response = client_for("rest").get("/admin/login/")

    assert response.status == 200
    assert 'href="/live/static/admin/css/base.' in response.text


def test_head_request_gets_headers_only() -> None:
    response = client_for("alb").head("/api/request/")

    assert response.status == 200
    assert response.header("content-type") == "application/json"
    assert response.body == b""


def test_other_methods_on_a_read_only_page_are_not_allowed() -> None:
    response = client_for("http-v2").options("/cookies/")

    assert response.status == 405
    assert response.header("allow") == "GET, HEAD"


def test_events_page_listens_to_the_stream_behind_the_stage() -> None:
    response = client_for("rest").get("/events/")

    assert response.status == 200
    assert 'new EventSource("/live/events/stream/")' in response.text


@pytest.mark.parametrize("front", ["function-url", "alb"])
def test_event_stream_buffered_holds_every_event(front: str) -> None:
    response = client_for(front).get("/events/stream/")

    assert response.status == 200
    assert response.header("content-type") == "text/event-stream"
    assert response.header("cache-control") == "no-cache"
    events = server_sent_events(response.text)
    assert [(e.get("id"), e["event"]) for e in events] == [
        *((str(number), "tick") for number in range(1, EVENT_COUNT + 1)),
        (None, "done"),
    ]
    ticks = [json.loads(event["data"]) for event in events[:-1]]
    assert [(tick["number"], tick["of"]) for tick in ticks] == [
        (number, EVENT_COUNT) for number in range(1, EVENT_COUNT + 1)
    ]
    # The view sleeps between two events.
    gaps = [b["sent_at"] - a["sent_at"] for a, b in zip(ticks, ticks[1:])]
    assert min(gaps) >= EVENT_INTERVAL
