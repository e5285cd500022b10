# lambda_function.py: any WSGI app, plus handlers for the other events.
from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_plus

from myproject.wsgi import application

from apig_wsgi import make_lambda_handler
from apig_wsgi.routing import EventRouter
from apig_wsgi.routing import RecordFailedError

router = EventRouter()
shipped: list[str] = []


@router.sqs(queue="orders")
def ship_order(record: dict[str, Any], context: Any) -> None:
    order = json.loads(record["body"])
    if not order.get("paid"):
        # Fails only this message; SQS delivers it again later.
        raise RecordFailedError(f"order {order['id']} is not paid yet")
    shipped.append(order["id"])


@router.s3(bucket="uploads", event="ObjectCreated")
def new_upload(record: dict[str, Any], context: Any) -> None:
    key = unquote_plus(record["s3"]["object"]["key"])
    print(f"new upload: {key}")


@router.schedule(rule="nightly-report")
def nightly_report(event: dict[str, Any], context: Any) -> dict[str, str]:
    return {"report": f"for {event['time']}"}


@router.invoke(key="ping")
def ping(event: dict[str, Any], context: Any) -> str:
    return "pong"


lambda_handler = make_lambda_handler(application, non_http_handler=router)
