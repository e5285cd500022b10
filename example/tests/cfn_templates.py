"""The deployment's CloudFormation templates, parsed as cfn-lint parses them."""

from __future__ import annotations

import json
from typing import Any

from cfnlint.decode.cfn_yaml import loads  # type: ignore[import-untyped]
from conftest import DEPLOYMENT_DIR


def load_template(name: str) -> dict[str, Any]:
    """``name`` in deployment/, with its short forms (``!Ref``) spelled out."""
    template: dict[str, Any] = json.loads(
        json.dumps(loads((DEPLOYMENT_DIR / name).read_text()))
    )
    return template
