"""Draw the benchmark results as an SVG bar chart, with the standard library.

    python bench/chart.py bench/results.json   # writes bench/results.svg

One group of bars per workload, one bar per adapter: its time as a ratio to
the floor, on a logarithmic axis, since the adapters differ by up to 300x.
``bench/run.py`` calls ``render_svg`` after each full run.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

COLOURS = ("#1f77b4", "#9ecae9", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b")
WIDTH = 1000
LABEL_WIDTH = 370
PLOT_LEFT = LABEL_WIDTH + 10
PLOT_RIGHT = WIDTH - 90
BAR = 11
BAR_GAP = 2
GROUP_GAP = 16
TOP = 74
# The ratio axis: from the floor (1x) to 1000x.
DECADES = 3


def render_svg(
    results: Mapping[str, Any], machine: Mapping[str, str], labels: Mapping[str, str]
) -> str:
    """The chart of ``results`` (``bench/results.json``'s ``results``).

    ``labels`` maps each workload to its row label, in order.
    """
    adapters = [name for name in results if name != "floor"]
    group = len(adapters) * (BAR + BAR_GAP) + GROUP_GAP
    height = TOP + group * len(labels) + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        _text(
            10,
            20,
            "Time per invocation as a ratio to the floor (lower is better, "
            "logarithmic scale)",
            size=15,
            weight="bold",
        ),
        _text(
            10,
            38,
            f"{machine['date']}: {machine['cpu']}, CPython {machine['python']}. "
            "✗ fails: the adapter cannot handle the event; ✗ wrong: a wrong answer.",
            fill="#555555",
        ),
    ]
    parts += _legend(adapters)
    plot_bottom = TOP + group * len(labels) - GROUP_GAP + 6
    for power in range(DECADES + 1):
        x = _x(10.0**power)
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{plot_bottom}" '
            'stroke="#dddddd"/>'
        )
        parts.append(
            _text(
                x, plot_bottom + 16, f"{10**power:g}x", anchor="middle", fill="#555555"
            )
        )
    for index, (workload, label) in enumerate(labels.items()):
        top = TOP + index * group
        middle = top + (group - GROUP_GAP) / 2
        parts.append(_text(LABEL_WIDTH, middle + 4, label, anchor="end"))
        for position, adapter in enumerate(adapters):
            rows = {row["workload"]: row for row in results[adapter]["rows"]}
            y = top + position * (BAR + BAR_GAP)
            parts += _bar(rows.get(workload), y, COLOURS[position % len(COLOURS)])
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _legend(adapters: list[str]) -> list[str]:
    parts = []
    x = 10
    for position, adapter in enumerate(adapters):
        colour = COLOURS[position % len(COLOURS)]
        parts.append(f'<rect x="{x}" y="48" width="12" height="12" fill="{colour}"/>')
        parts.append(_text(x + 16, 58, adapter))
        x += 26 + 7 * len(adapter)
    return parts


def _bar(row: Mapping[str, Any] | None, y: float, colour: str) -> list[str]:
    if row is None:
        return []
    if row["status"] == "error":
        return [_text(PLOT_LEFT + 4, y + BAR - 1, "✗ fails", fill="#b00020")]
    ratio = row["ratio"]
    end = max(_x(ratio), PLOT_LEFT + 2)
    label = f"{ratio:.2f}x"
    if row["status"] == "wrong":
        label += " ✗ wrong"
    return [
        f'<rect x="{PLOT_LEFT}" y="{y:.1f}" width="{end - PLOT_LEFT:.1f}" '
        f'height="{BAR}" fill="{colour}"/>',
        _text(
            end + 4,
            y + BAR - 1,
            label,
            size=11,
            fill="#b00020" if row["status"] == "wrong" else "#333333",
        ),
    ]


def _x(ratio: float) -> float:
    """The x position of ``ratio``; ratios below the floor sit at the floor."""
    fraction = math.log10(max(ratio, 1.0)) / DECADES
    return PLOT_LEFT + fraction * (PLOT_RIGHT - PLOT_LEFT)


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    size: int = 12,
    weight: str = "normal",
    fill: str = "#222222",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'font-weight="{weight}" fill="{fill}">{escape(text)}</text>'
    )


def write_chart(results_json: Path, labels: Mapping[str, str]) -> Path:
    """Write the chart of ``results_json`` beside it, as ``.svg``."""
    data = json.loads(results_json.read_text())
    svg = results_json.with_suffix(".svg")
    svg.write_text(render_svg(data["results"], data["machine"], labels))
    return svg


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    from run import LABELS

    print(write_chart(Path(sys.argv[1]), LABELS))
