"""``EventRouter``: your handlers for the events that are not HTTP requests.

Pass a router as ``non_http_handler``; HTTP events never reach it. It
recognises SQS, SNS, S3, DynamoDB and Kinesis records, EventBridge events
(scheduled ones included) and anything else as a direct invocation, and calls
the first registered handler that matches.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from apig_wsgi import event_sources
from apig_wsgi.errors import InvalidEventError
from apig_wsgi.event_sources import BATCH_SOURCES
from apig_wsgi.event_sources import EVENTBRIDGE
from apig_wsgi.event_sources import FILTERS
from apig_wsgi.event_sources import INVOKE
from apig_wsgi.event_sources import LABELS
from apig_wsgi.event_sources import RECORD_SOURCES
from apig_wsgi.event_sources import SCHEDULE
from apig_wsgi.event_sources import SOURCES
from apig_wsgi.event_sources import SQS
from apig_wsgi.event_sources import STREAM_SOURCES
from apig_wsgi.event_sources import detect_source
from apig_wsgi.options import OptionProblem
from apig_wsgi.options import import_callable
from apig_wsgi.options import setting_name

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any
    from typing import Callable
    from typing import TypeVar

    Handler = Callable[[Any, Any], Any]
    Match = Callable[[Any], object]
    H = TypeVar("H", bound=Handler)

logger = logging.getLogger(__name__)

#: The Django setting that lists handlers by import path.
EVENT_HANDLERS_OPTION = "event_handlers"
EVENT_HANDLERS_SETTING = setting_name(EVENT_HANDLERS_OPTION)

_MALFORMED = (KeyError, TypeError, ValueError, AttributeError)


class UnroutedEventError(InvalidEventError):
    """No registered handler matches the event or record."""


class RecordFailedError(Exception):
    """Raise it from a record handler to fail the record with just a message.

    The router logs the message without a traceback; any other exception is
    logged with its traceback. Either way the record counts as failed.
    """


class RecordsFailedError(RuntimeError):
    """Records of an SNS or S3 event failed, so the invocation fails.

    These sources have no partial-batch response: failing the invocation is
    what makes Lambda retry the event and, after the last retry, send it to
    the function's dead-letter queue or on-failure destination.
    """


class Route:
    """One registered handler and what it matches."""

    __slots__ = ("filters", "handler", "match", "source")

    def __init__(
        self,
        source: str,
        handler: Handler,
        filters: dict[str, str],
        match: Match | None = None,
    ) -> None:
        self.source = source
        self.handler = handler
        self.filters = filters
        self.match = match

    def matches(self, item: Any) -> bool:
        if self.source == SCHEDULE and not event_sources.is_scheduled(item):
            return False
        checks = FILTERS[self.source]  # validated when the route was added
        for name, value in self.filters.items():
            if not checks[name](item, value):
                return False
        return self.match is None or bool(self.match(item))

    def __repr__(self) -> str:
        parts = [repr(self.source), getattr(self.handler, "__qualname__", "handler")]
        parts += [f"{name}={value!r}" for name, value in self.filters.items()]
        if self.match is not None:
            parts.append("match=...")
        return f"Route({', '.join(parts)})"


def route_problem(
    source: object, handler: object, filters: Mapping[str, object]
) -> tuple[str, str, type[Exception]] | None:
    """What is wrong with a route: ``(message, hint, exception class)``."""
    if source not in SOURCES:
        return (
            f"Unknown event source {source!r}.",
            f"Use one of: {', '.join(SOURCES)}.",
            ValueError,
        )
    assert isinstance(source, str)
    if not callable(handler):
        return (
            f"The handler for {source} events must be callable, not {handler!r}.",
            "Pass a function taking (record or event, context).",
            TypeError,
        )
    allowed = FILTERS[source]
    for name, value in filters.items():
        if name not in allowed:
            names = ", ".join(allowed)
            return (
                f"Unknown filter {name!r} for {source} events.",
                f"{source} events can be filtered by: {names}.",
                TypeError,
            )
        if not isinstance(value, str) or not value:
            return (
                f"The {name} filter for {source} events must be a non-empty "
                f"string, not {value!r}.",
                f'Write it as a name, e.g. {name}="orders".',
                TypeError,
            )
    return None


def match_problem(match: object) -> tuple[str, str, type[Exception]] | None:
    if match is None or callable(match):
        return None
    return (f"match must be callable, not {match!r}.", "", TypeError)


class EventRouter:
    """Route SQS, SNS, S3, EventBridge, DynamoDB and Kinesis events and direct
    invocations to the handlers registered with its decorators.

    Record handlers are called once per record with ``(record, context)``;
    EventBridge and direct invocation handlers with ``(event, context)``,
    and their return value is the invocation's result.
    """

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(
        self,
        source: str,
        handler: Handler,
        /,
        *,
        match: Match | None = None,
        **filters: str | None,
    ) -> None:
        """Register ``handler`` for ``source`` events; None filters are ignored."""
        given = {name: value for name, value in filters.items() if value is not None}
        problem = route_problem(source, handler, given) or match_problem(match)
        if problem is not None:
            message, hint, kind = problem
            raise kind(f"{message} {hint}".strip())
        self.routes.append(Route(source, handler, given, match))

    def include(self, other: EventRouter) -> None:
        """Append the routes registered on ``other`` so far."""
        self.routes.extend(other.routes)

    def _decorator(
        self, source: str, match: Match | None, /, **filters: str | None
    ) -> Callable[[H], H]:
        def register(handler: H) -> H:
            self.add(source, handler, match=match, **filters)
            return handler

        return register

    def sqs(
        self, *, queue: str | None = None, match: Match | None = None
    ) -> Callable[[H], H]:
        """Handle each SQS message, of every queue or of the queue named ``queue``."""
        return self._decorator(event_sources.SQS, match, queue=queue)

    def sns(
        self, *, topic: str | None = None, match: Match | None = None
    ) -> Callable[[H], H]:
        """Handle each SNS notification, of every topic or of ``topic``."""
        return self._decorator(event_sources.SNS, match, topic=topic)

    def s3(
        self,
        *,
        bucket: str | None = None,
        event: str | None = None,
        match: Match | None = None,
    ) -> Callable[[H], H]:
        """Handle each S3 notification record, filtered by bucket and by a
        prefix of the event name such as ``"ObjectCreated"``."""
        return self._decorator(event_sources.S3, match, bucket=bucket, event=event)

    def dynamodb(
        self, *, table: str | None = None, match: Match | None = None
    ) -> Callable[[H], H]:
        """Handle each DynamoDB stream record, of every table or of ``table``."""
        return self._decorator(event_sources.DYNAMODB, match, table=table)

    def kinesis(
        self, *, stream: str | None = None, match: Match | None = None
    ) -> Callable[[H], H]:
        """Handle each Kinesis record, of every stream or of ``stream``."""
        return self._decorator(event_sources.KINESIS, match, stream=stream)

    def eventbridge(
        self,
        *,
        source: str | None = None,
        detail_type: str | None = None,
        match: Match | None = None,
    ) -> Callable[[H], H]:
        """Handle EventBridge events, filtered by ``source`` and ``detail-type``."""
        return self._decorator(
            EVENTBRIDGE, match, source=source, detail_type=detail_type
        )

    def schedule(
        self, *, rule: str | None = None, match: Match | None = None
    ) -> Callable[[H], H]:
        """Handle the events of EventBridge schedule rules, of every rule or of
        the rule named ``rule``."""
        return self._decorator(SCHEDULE, match, rule=rule)

    def invoke(
        self, *, key: str | None = None, match: Match | None = None
    ) -> Callable[[H], H]:
        """Handle direct invocations: every payload, or JSON objects with ``key``."""
        return self._decorator(INVOKE, match, key=key)

    def __call__(self, event: Any, context: Any) -> Any:
        source = detect_source(event)
        if source in RECORD_SOURCES:
            return self._handle_records(source, event["Records"], context)
        route = self._find_route(source, event)
        if route is None:
            raise UnroutedEventError(unrouted_event_message(source, event))
        return route.handler(event, context)

    def _find_route(self, source: str, item: Any) -> Route | None:
        sources = (EVENTBRIDGE, SCHEDULE) if source == EVENTBRIDGE else (source,)
        for route in self.routes:
            if route.source in sources and route.matches(item):
                return route
        return None

    def _handle_records(
        self, source: str, records: list[Any], context: Any
    ) -> dict[str, Any] | None:
        label = LABELS[source]
        identifiers: list[str] = []
        if source in BATCH_SOURCES:
            for index, record in enumerate(records):
                try:
                    identifiers.append(event_sources.record_id(source, record))
                except _MALFORMED as exc:
                    # Without identifiers no record can be retried alone.
                    raise InvalidEventError(
                        f"Malformed {label} event: record {index} has no usable "
                        f"identifier ({describe_malformation(exc)})."
                    ) from exc
        in_order = source in STREAM_SOURCES or (
            source == SQS
            and str(records[0].get("eventSourceARN", "")).endswith(".fifo")
        )
        failed: list[int] = []
        for index, record in enumerate(records):
            if self._handle_record(source, index, record, context):
                continue
            failed.append(index)
            if in_order:
                break
        if failed and in_order and source == SQS:
            unprocessed = range(failed[-1] + 1, len(records))
            failed.extend(unprocessed)
            if unprocessed:
                logger.warning(
                    "%d later message(s) of the FIFO queue were not processed, to "
                    "keep their order; they are reported in batchItemFailures.",
                    len(unprocessed),
                )
        if source in BATCH_SOURCES:
            return {
                "batchItemFailures": [
                    {"itemIdentifier": identifiers[index]} for index in failed
                ]
            }
        if failed:
            raise RecordsFailedError(
                f"{len(failed)} of {len(records)} {label} records failed (logged "
                "above); the invocation fails so that Lambda retries the event."
            )
        return None

    def _handle_record(
        self, source: str, index: int, record: Any, context: Any
    ) -> bool:
        name = record_name(source, index, record)
        try:
            route = (
                self._find_route(source, record) if isinstance(record, dict) else None
            )
        except _MALFORMED as exc:
            logger.error("Malformed %s: %s.", name, describe_malformation(exc))
            return False
        if route is None:
            if not isinstance(record, dict):
                logger.error(
                    "Malformed %s: expected a JSON object, got %s.",
                    name,
                    type(record).__name__,
                )
            else:
                logger.error(unrouted_record_message(source, name))
            return False
        try:
            route.handler(record, context)
        except RecordFailedError as exc:
            logger.error("%s failed: %s", name, exc)
            return False
        except Exception:
            logger.exception("%s failed.", capitalise(name))
            return False
        return True


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def record_name(source: str, index: int, record: Any) -> str:
    try:
        return event_sources.describe_record(source, record)
    except _MALFORMED:
        return f"{LABELS[source]} record {index}"


def describe_malformation(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing key {exc.args[0]!r}"
    return str(exc)


def unrouted_record_message(source: str, name: str) -> str:
    return (
        f"No handler for the {name}, which is reported as failed: register one "
        f"with router.{source}()."
    )


def unrouted_event_message(source: str, event: Any) -> str:
    if source == EVENTBRIDGE:
        return (
            f"No handler for the EventBridge event from source "
            f"{event['source']!r} with detail-type {event['detail-type']!r}: "
            "register one with router.eventbridge(), or router.schedule() for "
            "scheduled events."
        )
    if isinstance(event, dict):
        keys = ", ".join(repr(key) for key in list(event)[:8]) or "no keys"
        shape = f"a JSON object with {keys}"
    else:
        shape = f"a {type(event).__name__}"
    return (
        f"No handler for the direct invocation with {shape}, which is not an "
        "HTTP event either: register one with router.invoke()."
    )


def find_event_handler_problems(value: object) -> list[OptionProblem]:
    """Validate ``APIG_WSGI_EVENT_HANDLERS``: a list of dicts, each with a
    ``source``, a ``handler`` (callable or import path) and filters."""
    if not isinstance(value, (list, tuple)):
        return [
            OptionProblem(
                EVENT_HANDLERS_OPTION,
                f"{EVENT_HANDLERS_SETTING} must be a list of dicts, not {value!r}.",
                'Write e.g. [{"source": "sqs", "queue": "orders", "handler": '
                '"myapp.events.handle_order"}].',
                TypeError,
            )
        ]
    problems = []
    for index, entry in enumerate(value):
        problem = _entry_problem(entry)
        if problem is not None:
            message, hint, kind = problem
            problems.append(
                OptionProblem(
                    EVENT_HANDLERS_OPTION,
                    f"{EVENT_HANDLERS_SETTING}[{index}]: {message}",
                    hint,
                    kind,
                )
            )
    return problems


def _entry_problem(entry: object) -> tuple[str, str, type[Exception]] | None:
    if not isinstance(entry, dict) or "source" not in entry or "handler" not in entry:
        return (
            f"expected a dict with 'source' and 'handler' keys, got {entry!r}.",
            'Write e.g. {"source": "sqs", "handler": "myapp.events.handle"}.',
            TypeError,
        )
    filters = {k: v for k, v in entry.items() if k not in ("source", "handler")}
    handler = entry["handler"]
    if isinstance(handler, str):
        try:
            handler = import_callable(handler)
        except ValueError as exc:
            return (
                str(exc),
                "Check the spelling of the path and that the module imports cleanly.",
                ValueError,
            )
    return route_problem(entry["source"], handler, filters)


def router_from_setting(entries: list[dict[str, Any]]) -> EventRouter:
    """Build a router from a valid ``APIG_WSGI_EVENT_HANDLERS`` value."""
    router = EventRouter()
    for entry in entries:
        handler = entry["handler"]
        if isinstance(handler, str):
            handler = import_callable(handler)
        filters = {k: v for k, v in entry.items() if k not in ("source", "handler")}
        router.add(entry["source"], handler, **filters)
    return router
