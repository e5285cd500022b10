"""A page of server-sent events, streamed through the Function URL.

The stream is a ``StreamingHttpResponse``: apig-wsgi's runtime loop sends each
event to the Function URL (invoke mode ``RESPONSE_STREAM``) as the view yields
it. The other fronts cannot stream; they deliver the whole response at once,
when the view is done.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

from django.http import HttpRequest
from django.http import HttpResponse
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

EVENT_COUNT = 5
# Seconds between two events: long enough to see them arrive one by one.
EVENT_INTERVAL = 0.5


@require_safe
def page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "example_site/events.html",
        {"count": EVENT_COUNT, "interval": EVENT_INTERVAL},
    )


def ticks() -> Iterator[str]:
    """The events: a tick every EVENT_INTERVAL seconds with the time it was
    sent, then ``done``, after which the page stops listening (an EventSource
    would otherwise connect again)."""
    for number in range(1, EVENT_COUNT + 1):
        if number > 1:
            time.sleep(EVENT_INTERVAL)
        data = {"number": number, "of": EVENT_COUNT, "sent_at": time.time()}
        yield f"id: {number}\nevent: tick\ndata: {json.dumps(data)}\n\n"
    yield "event: done\ndata: {}\n\n"


@require_safe
def stream(request: HttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(ticks(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    return response
