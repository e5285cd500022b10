"""What Lambda's Python runtimes provide beside the standard library: boto3.

The example's zip does not ship boto3: the task backend imports it only to
send a task, and the runtimes come with it. The tests give the zip's code a
directory with boto3 and its dependencies from this environment, after the
task root on the path, as the runtime's own site-packages come after it.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

SDK_MODULES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3")


def runtime_sdk(directory: Path) -> Path:
    """Fill ``directory`` with links to the SDK's modules; return it."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in (*SDK_MODULES, "six"):
        spec = importlib.util.find_spec(name)
        assert spec is not None, name
        assert spec.origin is not None, name
        origin = Path(spec.origin)
        source = origin.parent if origin.name == "__init__.py" else origin
        (directory / source.name).symlink_to(source)
    return directory
