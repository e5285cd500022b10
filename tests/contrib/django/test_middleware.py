from __future__ import annotations

import asyncio
import json

from django.test import AsyncClient
from django.test import Client


def test_apig_context_is_none_outside_lambda() -> None:
    response = Client().get("/anything/")

    assert response.status_code == 200
    assert json.loads(response.content) == {"apig_context": None}


def test_apig_context_is_none_outside_lambda_async() -> None:
    response = asyncio.run(AsyncClient().get("/async/"))

    assert response.status_code == 200
    assert json.loads(response.content) == {"apig_context": None}
