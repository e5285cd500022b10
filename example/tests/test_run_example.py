"""scripts/run-example.sh, the newcomer's command from README.rst."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import urllib.request

from conftest import REPO_DIR
from sse import ticks


def test_run_example_serves_the_site_locally() -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "DJANGO_", "VIRTUAL_ENV", "DATABASE_URL"))
    }
    # The script sets itself up (example/.venv) and passes --port on.
    process = subprocess.Popen(
        ["bash", "scripts/run-example.sh", "--port", "0"],
        cwd=REPO_DIR,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    try:
        line = ""
        for line in process.stderr:
            if line.startswith("Serving "):
                break
        match = re.search(
            r" as function-url events on (http://127\.0\.0\.1:\d+/)$", line
        )
        assert match is not None, line
        with urllib.request.urlopen(match.group(1) + "api/request/") as response:
            seen = json.load(response)
        assert response.status == 200
        assert seen["apig_context"]["event_format"] == "function-url"
        # The script migrated example/db.sqlite3 before serving.
        with urllib.request.urlopen(match.group(1) + "guestbook/") as response:
            guestbook = response.read().decode()
        assert response.status == 200
        assert '<span id="entry-count">' in guestbook
        # The events arrive as the view sends them: the first before the last
        # was sent.
        with urllib.request.urlopen(match.group(1) + "events/stream/") as response:
            first = b""
            while not first.endswith(b"\n\n"):
                first += response.readline()
            first_seen = time.time()
            rest = response.read()
        events = ticks((first + rest).decode())
        assert [event["number"] for event in events] == [1, 2, 3, 4, 5]
        assert first_seen < events[-1]["sent_at"]
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stderr.close()
