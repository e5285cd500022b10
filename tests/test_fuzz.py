"""Mutated corpus events: a valid environ or InvalidEventError, nothing else."""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import pytest

from apig_wsgi import InvalidEventError
from apig_wsgi import make_lambda_handler
from tests.test_conformance import SAMPLES
from tests.utils import echo_app
from tests.utils import load_event

SEED = 20261129
MUTATIONS_PER_RUN = 4000

REPLACEMENTS: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    2**70,
    1.5,
    "",
    "x" * 1_000_000,
    "\ud800",
    "a\udfffb",
    "\x00\r\n",
    "%",
    "%E9",
    "\u00e9\U0001f600",
    [],
    ["\ud800"],
    [1, None],
    {},
    {"\ud800": "\udc00"},
    {"k": [None]},
]


def containers(value: Any, found: list[Any]) -> list[Any]:
    """Every dict and list inside ``value``, ``value`` included."""
    if isinstance(value, (dict, list)):
        found.append(value)
        items = value.values() if isinstance(value, dict) else value
        for item in items:
            containers(item, found)
    return found


def mutate(event: dict[str, Any], rng: random.Random) -> None:
    for _ in range(rng.randint(1, 4)):
        target = rng.choice(containers(event, []))
        if not target:
            continue
        key = rng.choice(list(target)) if isinstance(target, dict) else None
        if key is None:
            key = rng.randrange(len(target))
        if rng.random() < 0.3:
            del target[key]
        else:
            target[key] = copy.deepcopy(rng.choice(REPLACEMENTS))


def checked_echo_app(environ: dict[str, Any], start_response: Any) -> Any:
    """Fail unless the environ keeps PEP 3333's rules, then echo it."""
    for key, value in environ.items():
        if key.isupper():
            assert type(value) is str, (key, value)
            value.encode("latin-1")
    assert environ["SERVER_NAME"], environ
    assert environ["SERVER_PORT"].isdigit(), environ
    assert environ["REQUEST_METHOD"], environ
    assert environ["PATH_INFO"][:1] in ("", "/"), environ
    assert environ["wsgi.url_scheme"] in ("http", "https"), environ
    return echo_app(environ, start_response)


HANDLER_OPTIONS: list[dict[str, Any]] = [
    {},
    {"binary_support": True, "script_name": "auto", "access_log": "text"},
    {"script_name": "/caf\u00e9", "access_log": "json"},
]


@pytest.mark.parametrize("handler_index", range(len(HANDLER_OPTIONS)))
def test_mutated_corpus_events_raise_only_the_documented_error(
    handler_index: int,
) -> None:
    handler = make_lambda_handler(checked_echo_app, **HANDLER_OPTIONS[handler_index])
    rng = random.Random(SEED + handler_index)
    events = [load_event(sample) for sample in SAMPLES]
    outcomes = {"answered": 0, "refused": 0}
    for _ in range(MUTATIONS_PER_RUN):
        event = copy.deepcopy(rng.choice(events))
        mutate(event, rng)
        try:
            result = handler(event, None)
        except InvalidEventError:
            outcomes["refused"] += 1
            continue
        json.dumps(result)
        outcomes["answered"] += 1
    # Both outcomes must be common, or the mutations test little.
    assert min(outcomes.values()) > MUTATIONS_PER_RUN // 10, outcomes
