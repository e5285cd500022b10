"""Every code example of README.rst and docs/ is a tested file or a run command.

Python examples are files under docs/examples, included with literalinclude
(README.rst, which is read without Sphinx, carries copies of them). Console
blocks of the project's one-shot commands are run here, in the folder their
``.. runs-in:`` comment names, and their output is compared.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "docs" / "examples"
PAGES = [
    ROOT / "README.rst",
    ROOT / "CHANGELOG.rst",
    *sorted((ROOT / "docs").glob("*.rst")),
]
PYTHON = {"python", "py", "python3", "pycon", "ipython", "default"}
FUTURE = "from __future__ import annotations\n\n"
# The project's one-shot commands: these console examples must run.
RUNNABLE = re.compile(
    r"(python -m apig_wsgi (invoke|event)|apig-wsgi (invoke|event)"
    r"|manage\.py apig_invoke|flask .*apig invoke)"
)
_DIRECTIVE = re.compile(r"^(\s*)\.\. (code-block|code|sourcecode)::\s*(\S*)\s*$")
_RUNS_IN = re.compile(r"^\s*\.\. runs-in: (\S+)\s*$")
_LITERAL_INCLUDE = re.compile(r"^\s*\.\. literalinclude:: (\S+)\s*$")


@dataclass
class Block:
    path: Path
    line: int
    language: str
    text: str
    runs_in: str | None

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip())


def block_text(lines: list[str], start: int, indent: int) -> str:
    """The indented content after the directive or ``::`` line at ``start``."""
    body: list[str] = []
    index = start + 1
    # Directive options come first.
    while index < len(lines) and lines[index].strip().startswith(":"):
        index += 1
    while index < len(lines) and (
        not lines[index].strip() or indent_of(lines[index]) > indent
    ):
        body.append(lines[index])
        index += 1
    while body and not body[-1].strip():
        body.pop()
    while body and not body[0].strip():
        body.pop(0)
    margin = min((indent_of(line) for line in body if line.strip()), default=0)
    return "\n".join(line[margin:] for line in body) + "\n"


def find_blocks(path: Path) -> list[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks = []
    for number, line in enumerate(lines):
        directive = _DIRECTIVE.match(line)
        if directive:
            language = directive[3] or "default"
        elif line.rstrip().endswith("::") and not line.lstrip().startswith(".."):
            language = "literal"
        else:
            continue
        previous = next(
            (lines[i] for i in range(number - 1, -1, -1) if lines[i].strip()), ""
        )
        runs_in = _RUNS_IN.match(previous)
        blocks.append(
            Block(
                path,
                number + 1,
                language,
                block_text(lines, number, indent_of(line)),
                runs_in[1] if runs_in else None,
            )
        )
    return blocks


BLOCKS = [block for page in PAGES for block in find_blocks(page)]
CONSOLE = [block for block in BLOCKS if block.language == "console"]


def example_files() -> list[Path]:
    return sorted(
        path
        for path in EXAMPLES.rglob("*")
        if path.is_file()
        and path.name != "ruff.toml"
        and not any(
            part.startswith(".") or part == "__pycache__"
            for part in path.relative_to(EXAMPLES).parts
        )
    )


def test_pages_are_found() -> None:
    assert {page.name for page in PAGES} >= {"README.rst", "index.rst", "django.rst"}
    assert len(CONSOLE) >= 5


def test_every_block_names_its_language() -> None:
    # A bare "::" block would be shown as Python by other renderers.
    assert [block.where for block in BLOCKS if block.language == "literal"] == []


def test_python_in_docs_pages_is_included_from_tested_files() -> None:
    inline = [
        block.where
        for block in BLOCKS
        if block.language in PYTHON and block.path.parent == ROOT / "docs"
    ]
    assert inline == []


def test_python_in_readme_and_changelog_copies_an_example_file() -> None:
    examples = {
        path.read_text(encoding="utf-8").replace(FUTURE, "", 1): path
        for path in example_files()
        if path.suffix == ".py"
    }
    untested = [
        block.where
        for block in BLOCKS
        if block.language in PYTHON
        and block.path.parent == ROOT
        and block.text not in examples
    ]
    assert untested == []


def test_literalincludes_name_existing_files() -> None:
    missing = []
    for page in PAGES:
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines()):
            include = _LITERAL_INCLUDE.match(line)
            if include and not (page.parent / include[1]).is_file():
                missing.append(f"{page.name}:{number + 1}: {include[1]}")
    assert missing == []


def test_every_example_file_is_tested() -> None:
    lines = [
        line
        for path in (ROOT / "tests").rglob("*.py")
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    run_in = {ROOT / block.runs_in for block in CONSOLE if block.runs_in}

    def tested(path: Path) -> bool:
        # Named by a test, as "page/file.py" or as path parts on one line,
        # or run by a console example.
        relative = path.relative_to(EXAMPLES)
        return any(
            str(relative) in line
            or (f'"{relative.parent.name}"' in line and f'"{relative.name}"' in line)
            for line in lines
        ) or any(folder in path.parents for folder in run_in)

    assert [str(path) for path in example_files() if not tested(path)] == []


def commands(block: Block) -> list[tuple[str, str]]:
    """The block's ``$`` commands, each with the output shown after it."""
    pairs: list[tuple[str, list[str]]] = []
    for line in block.text.splitlines():
        if line.startswith("$ "):
            pairs.append((line[2:], []))
        else:
            assert pairs, f"{block.where}: output before any command"
            pairs[-1][1].append(line)
    return [(command, "\n".join(output)) for command, output in pairs]


def output_pattern(expected: str) -> re.Pattern[str]:
    """``expected`` as a pattern: a ``...`` line stands for any lines, and
    ``...`` within a line for any text."""
    parts = []
    for line in expected.splitlines():
        if line.strip() == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(re.escape(line).replace(r"\.\.\.", r"[^\n]*?") + r"\n")
    return re.compile("".join(parts))


@pytest.mark.parametrize("block", CONSOLE, ids=[block.where for block in CONSOLE])
def test_console_example_runs(block: Block) -> None:
    runnable = [pair for pair in commands(block) if RUNNABLE.search(pair[0])]
    if not runnable:
        pytest.skip("installs, servers and AWS calls are not run")
    assert block.runs_in is not None, f"{block.where}: add '.. runs-in: <folder>'"
    if "manage.py" in block.text and find_spec("django") is None:
        pytest.skip("Django is not installed (Python 3.9)")
    environment = {
        **os.environ,
        # python and flask are this interpreter's, and so is apig_wsgi.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
    }
    # The examples run elsewhere than the project's root, where coverage's
    # relative settings would not apply; they are not measured.
    for name in (
        "DJANGO_SETTINGS_MODULE",
        "COVERAGE_PROCESS_CONFIG",
        "COVERAGE_PROCESS_START",
    ):
        environment.pop(name, None)
    for command, expected in runnable:
        completed = subprocess.run(
            ["bash", "-c", command],
            cwd=ROOT / block.runs_in,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
            timeout=120,
        )
        # Trailing blank lines are not shown in the pages.
        output = completed.stdout.rstrip("\n") + "\n"
        if not expected:
            assert completed.returncode == 0, output
            continue
        assert output_pattern(expected + "\n").fullmatch(output), (
            f"{block.where}: $ {command}\n--- expected\n{expected}\n--- got\n{output}"
        )
