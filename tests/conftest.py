from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.runtime.runtime_api import FakeLambda


@pytest.fixture
def fake_lambda(tmp_path: Path) -> Iterator[FakeLambda]:
    """A Runtime API server on 127.0.0.1 that starts runtime loops as Lambda does."""
    server = FakeLambda(tmp_path)
    try:
        yield server
    finally:
        server.stop()
