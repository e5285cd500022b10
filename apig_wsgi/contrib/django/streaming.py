"""``APIG_WSGI_STREAM``: the fronts whose responses the streaming handler streams.

``apig_wsgi.contrib.django.handler.streaming_handler`` is the project's handler
for the ``apig_wsgi.runtime`` loop (see ``docs/streaming.rst``); this setting
names the fronts it streams to, as ``make_streaming_handler``'s ``stream``
does.
"""

from __future__ import annotations

from django.conf import settings

from apig_wsgi.options import OptionProblem
from apig_wsgi.streaming import STREAMING_FRONTS

STREAM_SETTING = "APIG_WSGI_STREAM"
DEFAULT_STREAM = ("function-url",)


def stream_problems(value: object) -> list[OptionProblem]:
    """Check ``APIG_WSGI_STREAM``."""
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        return [
            OptionProblem(
                "stream",
                f"{STREAM_SETTING} must be a list of front names, not {value!r}.",
                'Write a single front as ["function-url"].',
                TypeError,
            )
        ]
    for front in value:
        if not isinstance(front, str):
            return [
                OptionProblem(
                    "stream",
                    f"{STREAM_SETTING} must hold front names, found {front!r}.",
                    f"Use {' or '.join(map(repr, STREAMING_FRONTS))}.",
                    TypeError,
                )
            ]
        if front not in STREAMING_FRONTS:
            return [
                OptionProblem(
                    "stream",
                    f"{STREAM_SETTING} names {front!r}, which cannot stream.",
                    "Only Function URLs ('function-url', invoke mode "
                    "RESPONSE_STREAM) and REST APIs ('rest', response transfer "
                    "mode STREAM) stream Lambda responses.",
                    ValueError,
                )
            ]
    return []


def streaming_fronts() -> frozenset[str]:
    """The fronts ``APIG_WSGI_STREAM`` names (default: Function URLs).

    It was checked with the other settings (``conf.get_options``).
    """
    value = getattr(settings, STREAM_SETTING, None)
    return frozenset(DEFAULT_STREAM if value is None else value)
