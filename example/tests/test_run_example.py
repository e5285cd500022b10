"""scripts/run-example.sh, the newcomer's command from README.rst."""

from __future__ import annotations

import os
import re
import subprocess
import urllib.request

from conftest import REPO_DIR


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
        match = re.search(r" as http-v2 events on (http://127\.0\.0\.1:\d+/)$", line)
        assert match is not None, line
        with urllib.request.urlopen(match.group(1) + "api/request/") as response:
            body = response.read().decode()
        assert response.status == 200
        assert '"event_format": "http-v2"' in body
        # The script migrated example/db.sqlite3 before serving.
        with urllib.request.urlopen(match.group(1) + "guestbook/") as response:
            guestbook = response.read().decode()
        assert response.status == 200
        assert '<span id="entry-count">' in guestbook
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stderr.close()
