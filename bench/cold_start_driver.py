"""Start a Lambda task root the way the Python runtime does, and time it.

Run by cold_start.py as ``python -I -S -B cold_start_driver.py TASK_ROOT HANDLER``:
only the standard library and TASK_ROOT are importable, and nothing writes
bytecode (Lambda's task root is read-only). Prints one JSON line when the
handler is imported, then reads events as JSON lines and prints, for each,
the handler's status code and how long it took in milliseconds.
"""

from __future__ import annotations

import importlib
import json
import sys
import time


class LambdaContext:
    function_name = "cold-start"
    function_version = "1"
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:cold-start"
    memory_limit_in_mb = "512"
    aws_request_id = "00000000-0000-4000-8000-000000000000"
    log_group_name = "/aws/lambda/cold-start"
    log_stream_name = "2026/11/29/[1]cold-start"

    def get_remaining_time_in_millis(self) -> int:
        return 25_000


def main() -> None:
    task_root, handler_path = sys.argv[1], sys.argv[2]
    sys.path.insert(0, task_root)
    module_name, _, attribute = handler_path.rpartition(".")
    handler = getattr(importlib.import_module(module_name), attribute)
    print(json.dumps({"ready": True}), flush=True)
    context = LambdaContext()
    for line in sys.stdin:
        event = json.loads(line)
        started = time.perf_counter()
        result = handler(event, context)
        elapsed = (time.perf_counter() - started) * 1000
        print(
            json.dumps({"status": result.get("statusCode"), "ms": elapsed}),
            flush=True,
        )


if __name__ == "__main__":
    main()
