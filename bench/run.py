"""Benchmark apig-wsgi against its peers, one virtual environment per adapter.

    python bench/run.py            # full run, writes bench/results.md
    python bench/run.py --smoke    # quick check of this branch + floor, no installs

See bench/README.md for what is measured and how.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENVS = BENCH / ".venvs"
WORKER = BENCH / "worker.py"

OURS = "apig-wsgi (this branch)"
RELEASED = "apig-wsgi 2.20.0"
COMMON = ["flask==3.1.3", "django==6.1.3"]
# Adapter -> (virtual environment folder, what pip installs besides COMMON).
ADAPTERS: dict[str, tuple[str, list[str]]] = {
    "floor": ("floor", []),
    OURS: ("this-branch", []),
    RELEASED: ("apig-wsgi-2.20.0", ["apig-wsgi==2.20.0"]),
    "serverless-wsgi": ("serverless-wsgi", ["serverless-wsgi==3.1.0"]),
    "aws-wsgi": ("aws-wsgi", ["aws-wsgi==0.2.7"]),
    "mangum + a2wsgi": ("mangum-a2wsgi", ["mangum==0.22.0", "a2wsgi==1.10.10"]),
}
# Workload -> row label, in table order (kept in step with workloads.build_workloads).
LABELS = {
    "tiny-rest": "tiny GET, REST API v1",
    "tiny-v2": "tiny GET, HTTP API v2",
    "tiny-alb": "tiny GET, ALB",
    "headers": "60 headers + 20 repeated query params (v1 multi-value)",
    "binary-out": "1 MiB binary response (image/png)",
    "text-out": "1 MiB UTF-8 text response",
    "body-in": "1 MiB base64 request body, read fully",
    "flask": "Flask JSON route (v2)",
    "django": "Django JSON view (v2)",
}
# Workload -> the target for this branch, as a ratio to the floor.
TARGETS = {
    "tiny-rest": 2.0,
    "tiny-v2": 2.0,
    "tiny-alb": 2.0,
    "headers": 12.0,
    "binary-out": 1.05,
    "body-in": 1.05,
    "text-out": 1.5,
    "flask": 1.05,
    "django": 1.05,
}
IMPORTS = {
    OURS: "from apig_wsgi import make_lambda_handler",
    RELEASED: "from apig_wsgi import make_lambda_handler",
    "serverless-wsgi": "import serverless_wsgi",
    "aws-wsgi": "import awsgi",
    "mangum + a2wsgi": "from mangum import Mangum; from a2wsgi import WSGIMiddleware",
}
RSS_WORKLOADS = ("tiny-rest", "binary-out")
MEMORY_WORKLOADS = {
    "large-text": "peak extra memory for a 5.9 MB text response, x body",
    "large-binary": "peak extra memory for a 4.4 MB binary response, x body",
}
MEMORY_TARGET = 1.5


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def venv_python(adapter: str, base_python: str) -> str:
    """The adapter's virtual environment's interpreter, made or refreshed as needed."""
    folder, extra = ADAPTERS[adapter]
    venv = VENVS / folder
    python = venv / "bin" / "python"
    wanted = json.dumps({"base": base_python, "packages": COMMON + extra})
    stamp = venv / "bench-stamp.json"
    if not python.exists() or not stamp.exists() or stamp.read_text() != wanted:
        log(f"== creating {venv.relative_to(ROOT)}")
        if venv.exists():
            shutil.rmtree(venv)
        subprocess.run([base_python, "-m", "venv", str(venv)], check=True)
        pip = [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ]
        subprocess.run([*pip, *COMMON, *extra], check=True)
        stamp.write_text(wanted)
    if adapter == OURS:
        # Always the working tree as it is now, installed as users do (not editable).
        log(f"== installing this branch into {venv.relative_to(ROOT)}")
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--force-reinstall",
                str(ROOT),
            ],
            check=True,
        )
    return str(python)


def worker(python: str, args: list[str], prefix: list[str]) -> Any:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.pop("PYTHONDEVMODE", None)
    proc = subprocess.run(
        [*prefix, python, str(WORKER), *args],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=str(BENCH),
    )
    return json.loads(proc.stdout)


def import_ms(
    python: str, statement: str, runs: int, prefix: list[str], clock: str
) -> float:
    """Median time of a fresh interpreter's import, minus that of `-c pass`.

    With the cpu clock, the time is the child's user + system CPU time.
    """
    # The children run in a neutral directory, so that no checkout on the
    # path shadows the package under test; a fresh clone has none yet.
    VENVS.mkdir(parents=True, exist_ok=True)

    def once(code: str) -> float:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([*prefix, python, "-I", "-c", code], check=True, cwd=str(VENVS))
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if clock == "wall":
            return wall
        return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    once(statement)
    once("pass")
    with_import, bare = [], []
    for _ in range(runs):
        with_import.append(once(statement))
        bare.append(once("pass"))
    return (statistics.median(with_import) - statistics.median(bare)) * 1000


def describe_machine(python: str) -> dict[str, str]:
    model = platform.processor() or platform.machine()
    try:
        lscpu = subprocess.run(
            ["lscpu"], capture_output=True, text=True, check=True
        ).stdout
        for line in lscpu.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    version = subprocess.run(
        [python, "-c", "import sys; print(sys.version.split()[0])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return {
        "cpu": f"{model}, {os.cpu_count()} cores",
        "python": version,
        "os": f"{platform.system()} {platform.release()}",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime(
            "%Y-%m-%d %H:%M UTC"
        ),
    }


def versions(python: str) -> str:
    out = subprocess.run(
        [python, "-m", "pip", "list", "--format=freeze", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    keep = (
        "apig",
        "serverless",
        "aws-wsgi",
        "mangum",
        "a2wsgi",
        "flask",
        "django",
        "werkzeug",
    )
    return ", ".join(line for line in out.split() if line.lower().startswith(keep))


def cell(row: dict[str, Any] | None, marks: dict[str, int]) -> str:
    if row is None:
        return "—"
    if row["status"] == "error":
        key = row["error"]
        marks.setdefault(key, len(marks) + 1)
        return f"✗ fails [{marks[key]}]"
    text = f"{row['us']:,.1f} ({row['ratio']:.2f}x)"
    if row["status"] == "wrong":
        key = "; ".join(row["problems"])
        marks.setdefault(key, len(marks) + 1)
        text += f" ✗ wrong [{marks[key]}]"
    return text


def table_rows(results: dict[str, Any], marks: dict[str, int]) -> list[list[str]]:
    """The results table: a header row, then one row per measurement."""
    adapters = list(results)
    table = [["workload", *adapters]]
    for name, label in LABELS.items():
        cells = []
        for adapter in adapters:
            rows = {r["workload"]: r for r in results[adapter]["rows"]}
            cells.append(cell(rows.get(name), marks))
        table.append([label, *cells])
    table.append(
        [
            "import time, ms",
            *(
                "—"
                if results[a].get("import_ms") is None
                else f"{results[a]['import_ms']:.1f}"
                for a in adapters
            ),
        ]
    )
    for workload in RSS_WORKLOADS:
        table.append(
            [
                f"peak RSS after 1000 x {workload}, MiB",
                *(
                    f"{results[a]['rss'][workload] / 1024:.1f}"
                    if workload in results[a].get("rss", {})
                    else "—"
                    for a in adapters
                ),
            ]
        )
    for workload, label in MEMORY_WORKLOADS.items():
        table.append(
            [
                label,
                *(
                    f"{results[a]['memory'][workload]:.2f}"
                    if workload in results[a].get("memory", {})
                    else "—"
                    for a in adapters
                ),
            ]
        )
    return table


def render_rst(results: dict[str, Any]) -> str:
    """The same table as an RST list-table, for README.rst."""
    lines = [".. list-table::", "   :header-rows: 1", ""]
    for row in table_rows(results, {}):
        lines.append("   * - " + row[0])
        lines += [f"     - {text}" for text in row[1:]]
    return "\n".join(lines) + "\n"


def render(results: dict[str, Any], machine: dict[str, str], command: str) -> str:
    adapters = list(results)
    marks: dict[str, int] = {}
    lines = [
        "# Benchmark results",
        "",
        (
            f"Made by `{command}` on {machine['date']}: {machine['cpu']}, "
            f"{machine['os']}, CPython {machine['python']}."
        ),
        "",
        (
            "Times are the process's CPU time (`--clock cpu`), so waiting for a core"
            " on a shared machine is not counted; mangum + a2wsgi also waits for its"
            " worker thread, which CPU time does not see."
            if machine.get("clock", "cpu") == "cpu"
            else "Times are wall-clock time (`--clock wall`)."
        ),
        "",
        "µs per invocation (median of the repeats) and, in brackets, the ratio to",
        "the floor: the median over the repeats of adapter time / floor time, each",
        "floor repeat timed in the same process right after the adapter's. The",
        "floor calls the same WSGI app with a prebuilt environ and does the base64",
        "or UTF-8 work the payload format makes unavoidable. ✗ marks a wrong answer",
        "or a failure, explained below the table: a fast wrong answer does not count.",
        "Import time: CPU time of a fresh interpreter importing the adapter, minus",
        "that of `python -c pass` (medians of `--import-runs`, 20 by default).",
        "",
    ]
    table = table_rows(results, marks)
    lines.append("| " + " | ".join(table[0]) + " |")
    lines.append("|---|" + "---:|" * len(adapters))
    lines += ["| " + " | ".join(row) + " |" for row in table[1:]]
    if marks:
        lines += ["", "Failures:", ""]
        for text, number in marks.items():
            who = sorted(
                {
                    f"{a} ({r['workload']})"
                    for a in adapters
                    for r in results[a]["rows"]
                    if r.get("error") == text
                    or (r["status"] == "wrong" and "; ".join(r["problems"]) == text)
                }
            )
            lines.append(f"{number}. {', '.join(who)}: {text}")
    notes = sorted(
        {
            f"{a}, {r['workload']}: {r['note']}"
            for a in adapters
            for r in results[a]["rows"]
            if r.get("note")
        }
    )
    if notes:
        lines += ["", "Notes:", ""] + [f"- {n}" for n in notes]
    if OURS in results:
        lines += ["", *targets(results), ""]
    lines += ["", "Packages:", ""]
    lines += [f"- {a}: {results[a]['versions']}" for a in adapters]
    return "\n".join(lines) + "\n"


def targets(results: dict[str, Any]) -> list[str]:
    """The issue's targets for this branch, met or not."""
    ours = {r["workload"]: r for r in results[OURS]["rows"]}
    lines = ["Targets for this branch (ratios from this run):", ""]
    for name, limit in TARGETS.items():
        row = ours.get(name)
        if row is None or "ratio" not in row:
            lines.append(f"- {LABELS[name]}: ≤ {limit}x — not measured")
            continue
        ok = row["ratio"] <= limit and row["status"] == "ok"
        verdict = "met" if ok else "MISSED"
        lines.append(f"- {LABELS[name]}: ≤ {limit}x — {row['ratio']:.2f}x {verdict}")
    released = results.get(RELEASED)
    if released and results[OURS].get("import_ms") is not None:
        mine, theirs = results[OURS]["import_ms"], released["import_ms"]
        verdict = "met" if mine <= theirs / 2 else "MISSED"
        lines.append(
            f"- import time: ≤ half of {RELEASED} ({theirs / 2:.1f} ms)"
            f" — {mine:.1f} ms {verdict}"
        )
        for workload in RSS_WORKLOADS:
            mine_kib = results[OURS]["rss"][workload]
            theirs_kib = released["rss"][workload]
            # ru_maxrss moves by a few pages between identical runs.
            verdict = "met" if mine_kib <= theirs_kib * 1.01 else "MISSED"
            lines.append(
                f"- peak RSS after 1000 x {workload}: ≤ {RELEASED}"
                f" ({theirs_kib / 1024:.1f} MiB) — {mine_kib / 1024:.1f} MiB {verdict}"
            )
    for workload, label in MEMORY_WORKLOADS.items():
        ratio = results[OURS].get("memory", {}).get(workload)
        if ratio is not None:
            verdict = "met" if ratio <= MEMORY_TARGET else "MISSED"
            lines.append(f"- {label}: ≤ {MEMORY_TARGET}x — {ratio:.2f}x {verdict}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="few iterations, checks on, only this branch and the floor, "
        "in the current interpreter (no virtual environments)",
    )
    parser.add_argument("--adapters", nargs="*", choices=list(ADAPTERS), default=None)
    parser.add_argument(
        "--python",
        default="python3.12",
        help="base interpreter of the virtual environments (default python3.12)",
    )
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--target", type=float, default=0.05, help="seconds per repeat")
    parser.add_argument("--import-runs", type=int, default=20)
    parser.add_argument(
        "--clock",
        choices=["cpu", "wall"],
        default="cpu",
        help="time the calls by the process's CPU time (default) or wall time",
    )
    parser.add_argument("--cpu", help="pin every measurement to this CPU with taskset")
    parser.add_argument(
        "--only",
        nargs="*",
        default=[],
        choices=list(LABELS),
        help="only these workloads",
    )
    parser.add_argument(
        "--output",
        help="Markdown file to write (default bench/results.md; none in smoke mode)",
    )
    args = parser.parse_args(argv)

    prefix = ["taskset", "-c", args.cpu] if args.cpu else []
    if args.smoke:
        chosen = args.adapters or ["floor", OURS]
        repeats, import_runs, rss_count = 5, 3, 20
    else:
        chosen = args.adapters or list(ADAPTERS)
        repeats, import_runs, rss_count = args.repeats, args.import_runs, 1000
    output = args.output or (None if args.smoke else str(BENCH / "results.md"))

    results: dict[str, Any] = {}
    for adapter in chosen:
        python = sys.executable if args.smoke else venv_python(adapter, args.python)
        log(f"== {adapter}")
        time_args = [
            "time",
            "--adapter",
            adapter,
            "--repeats",
            str(repeats),
            "--target",
            str(args.target),
            "--clock",
            args.clock,
        ]
        if args.smoke:
            time_args.append("--smoke")
        if args.only:
            time_args += ["--only", *args.only]
        entry: dict[str, Any] = {"rows": worker(python, time_args, prefix), "rss": {}}
        entry["import_ms"] = (
            None
            if adapter == "floor"
            else import_ms(python, IMPORTS[adapter], import_runs, prefix, args.clock)
        )
        for workload in RSS_WORKLOADS:
            entry["rss"][workload] = worker(
                python,
                [
                    "rss",
                    "--adapter",
                    adapter,
                    "--workload",
                    workload,
                    "--count",
                    str(rss_count),
                ],
                prefix,
            )["maxrss_kib"]
        entry["memory"] = {
            workload: worker(
                python,
                ["memory", "--adapter", adapter, "--workload", workload],
                prefix,
            )["peak_extra_ratio"]
            for workload in MEMORY_WORKLOADS
        }
        entry["versions"] = versions(python)
        entry["python"] = python
        results[adapter] = entry

    machine = describe_machine(
        sys.executable if args.smoke else venv_python("floor", args.python)
    )
    command = "python bench/run.py" + (
        " " + " ".join(argv if argv is not None else sys.argv[1:])
        if (argv if argv is not None else sys.argv[1:])
        else ""
    )
    machine["clock"] = args.clock
    report = render(results, machine, command)
    print(report)
    if output:
        Path(output).write_text(report)
        Path(output).with_suffix(".rst").write_text(render_rst(results))
        Path(output).with_suffix(".json").write_text(
            json.dumps({"machine": machine, "results": results}, indent=1)
        )
        log(f"== wrote {output}")

    broken = [
        f"{adapter} / {row['workload']}: "
        + (row.get("error") or "; ".join(row["problems"]))
        for adapter in (OURS, "floor")
        if adapter in results
        for row in results[adapter]["rows"]
        if row["status"] != "ok"
    ]
    if broken:
        log("Correctness checks failed for this branch:\n  " + "\n  ".join(broken))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
