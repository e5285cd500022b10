"""The benchmark chart checked in beside bench/results.json is drawn from it."""

from __future__ import annotations

import importlib.util
import json
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).parents[1] / "bench"


def bench_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def chart() -> ModuleType:
    return bench_module("chart")


@pytest.fixture(scope="module")
def labels(chart: ModuleType) -> dict[str, str]:
    # run.py imports chart as a top-level module, as when run as a script.
    sys.modules["chart"] = chart
    try:
        labels: dict[str, str] = bench_module("run").LABELS
    finally:
        del sys.modules["chart"]
    return labels


def test_checked_in_chart_is_drawn_from_the_checked_in_results(
    chart: ModuleType, labels: dict[str, str]
) -> None:
    data = json.loads((BENCH / "results.json").read_text())
    expected = chart.render_svg(data["results"], data["machine"], labels)
    assert (BENCH / "results.svg").read_text() == expected


def test_chart_has_a_bar_or_a_failure_mark_per_adapter_and_workload(
    chart: ModuleType, labels: dict[str, str]
) -> None:
    data = json.loads((BENCH / "results.json").read_text())
    svg = ElementTree.fromstring(
        chart.render_svg(data["results"], data["machine"], labels)
    )
    namespace = "{http://www.w3.org/2000/svg}"
    texts = [element.text for element in svg.iter(f"{namespace}text")]
    bars = [
        element
        for element in svg.iter(f"{namespace}rect")
        if element.get("height") == str(chart.BAR)
    ]
    adapters = [name for name in data["results"] if name != "floor"]
    failures = sum(
        row["status"] == "error"
        for name in adapters
        for row in data["results"][name]["rows"]
    )
    assert len(bars) + failures == len(adapters) * len(labels)
    assert texts.count("✗ fails") == failures
    rows = [row for name in adapters for row in data["results"][name]["rows"]]
    labelled = {"ok": "{:.2f}x", "wrong": "{:.2f}x ✗ wrong"}
    for row in rows:
        if row["status"] in labelled:
            assert labelled[row["status"]].format(row["ratio"]) in texts
    for label in labels.values():
        assert label in texts
