"""Time to first byte, streamed versus buffered, and the runtime loop's start-up.

    python bench/streaming.py                     # this interpreter
    python bench/streaming.py --python bench/.venvs/awslambdaric/bin/python

The runtime processes run against the Runtime API server of the tests
(tests/runtime/runtime_api.py) on 127.0.0.1. Start-up is compared with
awslambdaric when the given interpreter has it (pip install awslambdaric).
See bench/README.md.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from apig_wsgi.testing import build_event  # noqa: E402
from tests.runtime.runtime_api import FakeLambda  # noqa: E402

APPS = "bench.streaming_apps"


def has_awslambdaric(python: str) -> bool:
    probe = subprocess.run([python, "-c", "import awslambdaric"], check=False)
    return probe.returncode == 0


def startup_ms(python: str, command: list[str], handler: str, runs: int) -> float:
    """Median time from spawning the runtime to its first request for an event."""
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            fake = FakeLambda(Path(tmp))
            try:
                started = time.perf_counter()
                fake.start_runtime(handler, {}, command=[python, *command])
                fake.wait_until_idle()
                times.append((time.perf_counter() - started) * 1000)
            finally:
                fake.stop()
    return statistics.median(times)


def ttfb_ms(python: str, format: str, runs: int) -> tuple[float, float]:
    """Median time to the first body byte and to the end, for ``format``."""
    firsts, totals = [], []
    with tempfile.TemporaryDirectory() as tmp:
        fake = FakeLambda(Path(tmp))
        try:
            fake.start_runtime(
                f"{APPS}.ticker",
                {"APIG_WSGI_STREAM": "function-url"},
                command=[python, "-m", "apig_wsgi.runtime"],
            )
            fake.wait_until_idle()
            for _ in range(runs + 1):
                started = time.monotonic()
                invocation = fake.submit(build_event(format, "GET", "/"))
                fake.wait(invocation)
                if invocation.kind == "stream":
                    first = invocation.chunks[0][0]
                else:
                    first = time.monotonic()
                firsts.append((first - started) * 1000)
                totals.append((time.monotonic() - started) * 1000)
        finally:
            fake.stop()
    # The first invocation warms the process up.
    return statistics.median(firsts[1:]), statistics.median(totals[1:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    python = args.python
    version = subprocess.run(
        [python, "-c", "import sys; print(sys.version.split()[0])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # Installed packages (awslambdaric) come with bytecode; give this
    # checkout's modules theirs too, so start-up does not include compiling.
    subprocess.run(
        [
            python,
            "-m",
            "compileall",
            "-q",
            *(str(ROOT / name) for name in ("apig_wsgi", "bench")),
        ],
        check=True,
    )
    lines = [
        f"Python {version}, median of {args.runs} runs.",
        "",
        "| measurement | ms |",
        "|---|---:|",
    ]
    streamed = ttfb_ms(python, "function-url", args.runs)
    buffered = ttfb_ms(python, "alb", args.runs)
    lines += [
        f"| first byte, streamed (Function URL) | {streamed[0]:.1f} |",
        f"| first byte, buffered (ALB) | {buffered[0]:.1f} |",
        f"| whole response, streamed | {streamed[1]:.1f} |",
        f"| whole response, buffered | {buffered[1]:.1f} |",
    ]
    ours = ["-m", "apig_wsgi.runtime"]
    rows = [
        ("apig_wsgi.runtime, bare handler", ours, f"{APPS}.bare_handler"),
        ("apig_wsgi.runtime, WSGI app", ours, f"{APPS}.ticker"),
    ]
    if has_awslambdaric(python):
        rows.append(
            (
                "awslambdaric, bare handler",
                ["-m", "awslambdaric", f"{APPS}.bare_handler"],
                f"{APPS}.bare_handler",
            )
        )
    for label, command, handler in rows:
        lines.append(
            f"| start-up to first /next, {label} | "
            f"{startup_ms(python, command, handler, args.runs):.1f} |"
        )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
