# myapp/lambda_events.py: imported when Django starts.
from __future__ import annotations

from typing import Any

from apig_wsgi.contrib.django.events import router


@router.sns(topic="alerts")
def alert(record: dict[str, Any], context: Any) -> None:
    print("alert:", record["Sns"]["Subject"])


@router.kinesis(stream="clicks")
def click(record: dict[str, Any], context: Any) -> None:
    print("click:", record["kinesis"]["partitionKey"])
