"""Cold starts of a built Lambda zip: start-up, first and second request.

    python bench/cold_start.py example/deployment/build/lambda.zip \\
        --env DJANGO_SETTINGS_MODULE=example_site.settings --path /

The zip is unpacked once; each run then starts a fresh ``python -I -S -B``
with only the standard library and the unpacked task root importable (as the
Lambda runtime does, and without writing bytecode, as Lambda's read-only task
root cannot), imports the handler, and sends the same request twice. It
reports the median and range of: process start to handler ready, the first
request, the second request, and first divided by second. Use the Python
version the zip was built for: its bytecode is only used by that version.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from apig_wsgi.testing import build_event  # noqa: E402

DRIVER = BENCH / "cold_start_driver.py"
DEFAULT_HANDLER = "apig_wsgi.contrib.django.handler.lambda_handler"


def one_cold_start(
    python: str,
    task_root: Path,
    handler: str,
    event: dict[str, Any],
    env: dict[str, str],
) -> dict[str, float]:
    started = time.perf_counter()
    process = subprocess.Popen(
        [python, "-I", "-S", "-B", str(DRIVER), str(task_root), handler],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    try:
        line = process.stdout.readline()
        ready = (time.perf_counter() - started) * 1000
        if json.loads(line or "{}") != {"ready": True}:
            raise SystemExit(f"The handler did not start: {line!r}")
        timings = []
        for _ in range(2):
            process.stdin.write(json.dumps(event) + "\n")
            process.stdin.flush()
            answer = json.loads(process.stdout.readline())
            if answer["status"] != 200:
                raise SystemExit(f"The request failed with status {answer['status']}.")
            timings.append(answer["ms"])
    finally:
        process.stdin.close()
        process.wait(timeout=60)
        process.stdout.close()
    return {
        "ready_ms": ready,
        "first_ms": timings[0],
        "second_ms": timings[1],
        "ratio": timings[0] / timings[1],
    }


def summarise(runs: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    return {
        key: {
            "median": statistics.median(run[key] for run in runs),
            "min": min(run[key] for run in runs),
            "max": max(run[key] for run in runs),
        }
        for key in ("ready_ms", "first_ms", "second_ms", "ratio")
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("zip", type=Path, help="the built Lambda zip")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--path", default="/", help="the request path (GET)")
    parser.add_argument("--format", default="http-v2", help="the front's event format")
    parser.add_argument("--handler", default=DEFAULT_HANDLER)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an environment variable of the function (repeat for more)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON, not a table")
    args = parser.parse_args(argv)

    env = {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"}
    for item in args.env:
        name, equals, value = item.partition("=")
        if not equals:
            parser.error(f"--env takes NAME=VALUE, not {item!r}")
        env[name] = value
    event = build_event(args.format, "GET", args.path)
    with tempfile.TemporaryDirectory() as directory:
        task_root = Path(directory)
        with zipfile.ZipFile(args.zip) as archive:
            archive.extractall(task_root)
        runs = [
            one_cold_start(args.python, task_root, args.handler, event, env)
            for _ in range(args.runs)
        ]
    summary = summarise(runs)
    if args.json:
        print(json.dumps({"runs": runs, "summary": summary}, indent=2))
        return 0
    print(f"{args.zip} ({len(runs)} runs, GET {args.path} as {args.format}):")
    print("| measure | median | min | max |")
    print("|---|---:|---:|---:|")
    labels = {
        "ready_ms": "process start to handler ready (ms)",
        "first_ms": "first request (ms)",
        "second_ms": "second request (ms)",
        "ratio": "first / second",
    }
    for key, label in labels.items():
        row = summary[key]
        print(
            f"| {label} | {row['median']:.1f} | {row['min']:.1f} | {row['max']:.1f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
