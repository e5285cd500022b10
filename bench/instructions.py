"""Count the CPU instructions one invocation costs, with valgrind's callgrind.

    python bench/instructions.py                 # tiny rows and headers
    python bench/instructions.py tiny-v2 --calls 2000

Timings on a shared machine move by tens of percent; instruction counts repeat
to within a percent, so they show whether a change to the core helps. Each
count runs the loop twice in fresh interpreters, with 0 and with --calls
calls, and divides the difference, so start-up and imports cancel out.

Besides the floor and this checkout, the REST and HTTP API rows have a "bare"
subject: a translation of that event format with no checks at all (no event
validation, no binary decision, no size limit, no PEP 3333 checks), which
encodes query parameters with this checkout's encoder. It is not a usable
adapter, only a measure of what the translation itself costs in CPython.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path
from typing import Any
from typing import Callable

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORKLOADS = ["tiny-rest", "tiny-v2", "tiny-alb", "headers"]
SUBJECTS = ["floor", "this checkout", "bare"]
BARE_WORKLOADS = ["tiny-rest", "tiny-v2", "headers"]


BARE_ENVIRON = {
    "SCRIPT_NAME": "",
    "SERVER_PROTOCOL": "HTTP/1.1",
    "wsgi.version": (1, 0),
    "wsgi.errors": sys.stderr,
    "wsgi.multithread": False,
    "wsgi.multiprocess": False,
    "wsgi.run_once": False,
    "wsgi.url_scheme": "https",
    "SERVER_PORT": "443",
    "CONTENT_LENGTH": "0",
}


def run_bare(
    app: Callable[..., Any], environ: dict[str, Any]
) -> tuple[int, list[tuple[str, str]], str]:
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
        started.append((status, headers))

    body = b"".join(app(environ, start_response))
    status, headers = started[0]
    return int(status[:3]), headers, body.decode()


def bare_v2_handler(app: Callable[..., Any]) -> Callable[[dict[str, Any], Any], Any]:
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        environ = BARE_ENVIRON.copy()
        http = event["requestContext"]["http"]
        environ["REQUEST_METHOD"] = http["method"]
        environ["PATH_INFO"] = event["rawPath"]
        environ["QUERY_STRING"] = event.get("rawQueryString", "")
        for name, value in event["headers"].items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        environ["REMOTE_ADDR"] = http["sourceIp"]
        environ["SERVER_NAME"] = environ.get("HTTP_HOST", "")
        environ["wsgi.input"] = BytesIO()
        status_code, headers, body = run_bare(app, environ)
        return {
            "statusCode": status_code,
            "headers": {name.lower(): value for name, value in headers},
            "cookies": [],
            "body": body,
            "isBase64Encoded": False,
        }

    return handler


def bare_rest_handler(app: Callable[..., Any]) -> Callable[[dict[str, Any], Any], Any]:
    from apig_wsgi.environ import encode_query

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        environ = BARE_ENVIRON.copy()
        environ["REQUEST_METHOD"] = event["httpMethod"]
        environ["PATH_INFO"] = event["path"]
        query = event.get("multiValueQueryStringParameters")
        environ["QUERY_STRING"] = encode_query(query) if query else ""
        for name, values in event["multiValueHeaders"].items():
            environ["HTTP_" + name.upper().replace("-", "_")] = ",".join(values)
        environ["REMOTE_ADDR"] = event["requestContext"]["identity"]["sourceIp"]
        environ["SERVER_NAME"] = environ.get("HTTP_HOST", "")
        environ["wsgi.input"] = BytesIO()
        status_code, headers, body = run_bare(app, environ)
        grouped: dict[str, list[str]] = {}
        for name, value in headers:
            grouped.setdefault(name, []).append(value)
        return {
            "statusCode": status_code,
            "multiValueHeaders": grouped,
            "body": body,
            "isBase64Encoded": False,
        }

    return handler


def run_calls(subject: str, workload_name: str, calls: int) -> None:
    """The child: build one subject's call, then make it ``calls`` times."""
    sys.path[:0] = [str(ROOT), str(BENCH)]
    from workloads import build_workloads
    from workloads import make_app
    from workloads import make_floor

    workload = next(w for w in build_workloads() if w.name == workload_name)
    app = make_app(workload.app_kind)
    call: Callable[[], Any]
    if subject == "floor":
        call = make_floor(workload, app)
    else:
        if subject == "bare":
            bare = bare_v2_handler if workload_name == "tiny-v2" else bare_rest_handler
            handler = bare(app)
        else:
            from apig_wsgi import make_lambda_handler

            handler = make_lambda_handler(app)
        event = workload.event

        def call() -> Any:
            return handler(event, None)

    call()
    for _ in range(calls):
        call()


def collected(python: str, subject: str, workload: str, calls: int) -> int:
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        python,
        __file__,
        "--child",
        subject,
        workload,
        str(calls),
    ]
    # Dict layouts, and so instruction counts, depend on the hash seed.
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    match = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or match is None:
        raise SystemExit(
            f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-2000:]}"
        )
    return int(match.group(1))


def per_call(python: str, subject: str, workload: str, calls: int) -> int:
    return (
        collected(python, subject, workload, calls)
        - collected(python, subject, workload, 0)
    ) // calls


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("workloads", nargs="*", help=", ".join(WORKLOADS))
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        subject, workload, calls = args.child
        run_calls(subject, workload, int(calls))
        return 0
    unknown = sorted(set(args.workloads) - set(WORKLOADS))
    if unknown:
        parser.error(f"unknown workloads {unknown}; choose from {WORKLOADS}")
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt install valgrind).")
    jobs = [
        (subject, workload)
        for workload in args.workloads or WORKLOADS
        for subject in SUBJECTS
        if subject != "bare" or workload in BARE_WORKLOADS
    ]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        counts = list(
            pool.map(
                lambda job: per_call(args.python, job[0], job[1], args.calls), jobs
            )
        )
    floors = {w: c for (s, w), c in zip(jobs, counts) if s == "floor"}
    print(f"{'workload':<10} {'subject':<14} {'instructions':>12}  ratio")
    for (subject, workload), count in zip(jobs, counts):
        ratio = count / floors[workload]
        print(f"{workload:<10} {subject:<14} {count:>12,}  {ratio:5.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
