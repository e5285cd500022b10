"""Load the code examples of the docs pages as the modules they stand for."""

from __future__ import annotations

import importlib.util
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

EXAMPLES_DIR = Path(__file__).parents[1] / "docs" / "examples"


@contextmanager
def example_modules(**modules: Any) -> Iterator[None]:
    """Put ``modules`` (dotted name to module or example path) in sys.modules.

    A value that is a string names an example file, ``"<page>/<file>.py"``,
    executed as that module; parent packages are made empty.
    """
    added: list[str] = []
    try:
        for name, value in modules.items():
            parts = name.split(".")
            for depth in range(1, len(parts)):
                package = ".".join(parts[:depth])
                if package not in sys.modules:
                    module = types.ModuleType(package)
                    module.__path__ = []
                    sys.modules[package] = module
                    added.append(package)
            if isinstance(value, str):
                spec = importlib.util.spec_from_file_location(
                    name, EXAMPLES_DIR / value
                )
                assert spec is not None
                assert spec.loader is not None
                module = importlib.util.module_from_spec(spec)
                sys.modules[name] = module
                added.append(name)
                spec.loader.exec_module(module)
            else:
                sys.modules[name] = value
                added.append(name)
        yield
    finally:
        for name in reversed(added):
            sys.modules.pop(name, None)


def module_with(**attributes: Any) -> types.ModuleType:
    module = types.ModuleType("example_stand_in")
    for name, value in attributes.items():
        setattr(module, name, value)
    return module
