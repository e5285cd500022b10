"""Call the unpacked Lambda zip's handler as the Lambda runtime would.

Run as ``python -I -S lambda_zip_driver.py TASK_ROOT HANDLER SDK_DIR``: the
interpreter then has only the standard library on its path, and this script
adds the task root, then the runtime's boto3 (see ``runtime_sdk.py``), as
Lambda's runtime does, and loads ``HANDLER`` (``module.attribute``, the
stack's ``Handler``). Each line on stdin is an event as JSON; each line
written to stdout is the handler's result as JSON.
"""

from __future__ import annotations

import importlib
import json
import sys
import uuid


class LambdaContext:
    function_name = "apig-wsgi-example"
    function_version = "$LATEST"
    invoked_function_arn = (
        "arn:aws:lambda:eu-west-1:123456789012:function:apig-wsgi-example"
    )
    memory_limit_in_mb = "512"
    log_group_name = "/aws/lambda/apig-wsgi-example"
    log_stream_name = "2026/11/25/[$LATEST]0123456789abcdef"

    def __init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        return 25_000


def main() -> None:
    task_root, handler_name, sdk_dir = sys.argv[1:]
    sys.path[:0] = [task_root]
    sys.path.append(sdk_dir)
    module_name, _, attribute = handler_name.rpartition(".")
    handler = getattr(importlib.import_module(module_name), attribute)

    packages = {
        "apig_wsgi",
        "asgiref",
        "dj_database_url",
        "django",
        "example_site",
        "psycopg",
        "whitenoise",
    }
    outside = sorted(
        name
        for name, module in sys.modules.items()
        if name.split(".")[0] in packages
        and not (getattr(module, "__file__", None) or task_root).startswith(task_root)
    )
    if outside:
        raise SystemExit(f"Modules loaded from outside {task_root}: {outside}")
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        try:
            result = handler(json.loads(line), LambdaContext())
        except Exception as exc:
            result = {"errorType": type(exc).__name__, "errorMessage": str(exc)}
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
