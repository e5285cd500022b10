"""Measure one adapter inside its own virtual environment; print JSON.

Run by run.py with the interpreter of the adapter's virtual environment:

    python bench/worker.py time --adapter NAME [--smoke]
    python bench/worker.py rss --adapter NAME --workload NAME --count 1000
"""

from __future__ import annotations

import argparse
import gc
import io
import itertools
import json
import resource
import statistics
import sys
import time
import traceback
import tracemalloc
from typing import Any
from typing import Callable

import adapters
from workloads import MEMORY_BODIES
from workloads import App
from workloads import Workload
from workloads import build_memory_workloads
from workloads import build_workloads
from workloads import make_app
from workloads import make_floor


def reference(workload: Workload, app: App) -> tuple[int, str, bytes]:
    """Status, Content-Type and body of a direct call: what adapters must deliver."""
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        seen["status"] = int(status.split()[0])
        seen["type"] = next(v for k, v in headers if k.lower() == "content-type")
        return None

    environ = dict(workload.environ)
    environ["wsgi.input"] = io.BytesIO(workload.request_body)
    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return seen["status"], seen["type"], body


# CPU time of this process: on a machine shared with other work, time spent
# waiting for a core is not the adapter's. "wall" is there for quiet machines.
CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}
clock = CLOCKS["cpu"]


def loop(call: Callable[[], Any], number: int) -> float:
    """Seconds per call over number calls."""
    repeat = itertools.repeat(None, number)
    start = clock()
    for _ in repeat:
        call()
    return (clock() - start) / number


def measure(
    adapter_call: Callable[[], Any],
    floor_call: Callable[[], Any],
    repeats: int,
    target: float,
    smoke: bool,
) -> tuple[list[float], list[float]]:
    """Interleaved repeats of the adapter and the floor, so both see the same noise."""
    adapter_call()
    floor_call()
    single = max(loop(adapter_call, 1), 1e-7)
    number = 2 if smoke else max(1, int(target / single))
    samples: tuple[list[float], list[float]] = ([], [])
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeats):
            samples[0].append(loop(adapter_call, number))
            samples[1].append(loop(floor_call, number))
    finally:
        if gc_was_enabled:
            gc.enable()
    return samples


def time_workload(
    adapter: str, workload: Workload, repeats: int, target: float, smoke: bool
) -> dict[str, Any]:
    row: dict[str, Any] = {"workload": workload.name, "problems": [], "note": ""}
    app = make_app(workload.app_kind)
    floor = make_floor(workload, app)
    expected = reference(workload, app)
    if adapter == "floor":
        _, floor_samples = measure(floor, floor, repeats, target, smoke)
        row.update(status="ok", us=statistics.median(floor_samples) * 1e6)
        row.update(floor_us=row["us"], ratio=1.0)
        return row
    try:
        row["problems"], row["note"] = adapters.check(adapter, workload, expected)
        handler, _ = adapters.build_handler(adapter, workload, app)
    except Exception as exc:
        row.update(status="error", error=f"{type(exc).__name__}: {exc}")
        row["traceback"] = traceback.format_exc(limit=-3)
        return row
    row["status"] = "wrong" if row["problems"] else "ok"
    ours, floors = measure(invoke(handler, workload), floor, repeats, target, smoke)
    row["us"] = statistics.median(ours) * 1e6
    row["floor_us"] = statistics.median(floors) * 1e6
    # Each adapter repeat is timed right next to a floor repeat: the median of
    # these paired ratios shrugs off the bursts of load on a shared machine.
    row["ratio"] = statistics.median(a / f for a, f in zip(ours, floors))
    row["samples_us"] = [round(s * 1e6, 2) for s in ours]
    row["floor_samples_us"] = [round(s * 1e6, 2) for s in floors]
    return row


def invoke(handler: Any, workload: Workload) -> Callable[[], Any]:
    """A call of ``handler`` with the workload's event, as Lambda makes it."""
    event = workload.event
    context = adapters.LambdaContext()

    def call() -> Any:
        return handler(event, context)

    return call


def invocation(adapter: str, workload: Workload, app: App) -> Callable[[], Any]:
    """One call of the workload through ``adapter``, or through the floor."""
    if adapter == "floor":
        return make_floor(workload, app)
    handler, _ = adapters.build_handler(adapter, workload, app)
    return invoke(handler, workload)


def cmd_time(args: argparse.Namespace) -> int:
    global clock
    clock = CLOCKS[args.clock]
    adapters.django_settings_for(args.adapter)
    rows = []
    for workload in build_workloads():
        if args.only and workload.name not in args.only:
            continue
        row = time_workload(
            args.adapter, workload, args.repeats, args.target, args.smoke
        )
        rows.append(row)
        print(
            f"  {args.adapter:<24} {workload.name:<11} {row['status']:<6}"
            + (f" {row['us']:10.1f} µs  {row['ratio']:6.2f}x" if "us" in row else "")
            + (f"  {row.get('error', '')}" if row["status"] == "error" else "")
            + ("".join(f"\n      ! {p}" for p in row["problems"])),
            file=sys.stderr,
            flush=True,
        )
    json.dump(rows, sys.stdout)
    return 0


def cmd_rss(args: argparse.Namespace) -> int:
    """Peak resident memory after count invocations of one workload."""
    adapters.django_settings_for(args.adapter)
    workload = next(w for w in build_workloads() if w.name == args.workload)
    call = invocation(args.adapter, workload, make_app(workload.app_kind))
    for _ in range(args.count):
        call()
    # Linux reports ru_maxrss in KiB.
    json.dump(
        {"maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}, sys.stdout
    )
    return 0


def cmd_memory(args: argparse.Namespace) -> int:
    """Peak memory that answering one large response adds, over the body's size.

    Measured with tracemalloc around one call, after a first call has warmed
    every cache, so it counts what the adapter allocates for the response.
    """
    adapters.django_settings_for(args.adapter)
    workload = next(w for w in build_memory_workloads() if w.name == args.workload)
    call = invocation(args.adapter, workload, make_app(workload.app_kind))
    call()
    tracemalloc.start()
    result = call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del result
    body = MEMORY_BODIES[workload.name]
    json.dump({"peak_extra_ratio": peak / len(body)}, sys.stdout)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    timing = sub.add_parser("time")
    timing.add_argument("--adapter", required=True)
    timing.add_argument("--smoke", action="store_true")
    timing.add_argument("--repeats", type=int, default=21)
    timing.add_argument("--target", type=float, default=0.05, help="seconds per repeat")
    timing.add_argument("--only", nargs="*", default=[])
    timing.add_argument("--clock", choices=list(CLOCKS), default="cpu")
    rss = sub.add_parser("rss")
    rss.add_argument("--adapter", required=True)
    rss.add_argument("--workload", required=True)
    rss.add_argument("--count", type=int, default=1000)
    memory = sub.add_parser("memory")
    memory.add_argument("--adapter", required=True)
    memory.add_argument("--workload", required=True)
    args = parser.parse_args(argv)
    if args.command == "time":
        return cmd_time(args)
    if args.command == "memory":
        return cmd_memory(args)
    return cmd_rss(args)


if __name__ == "__main__":
    sys.exit(main())
