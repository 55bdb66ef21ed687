"""Charts: a Vega-Lite spec (built with Altair) drawn in the page by vega-embed, or as SVG for a PDF.

A chart is never the only way to read its figures: `ChartBlock` carries the same numbers as a
table, shown under the chart in a `<details>`, and a one-sentence description that screen
readers announce in place of the drawing.

    block = chart_block(
        alt.Chart(frame).mark_line().encode(x="week:T", y="people:Q"),
        title=_("Active people per week"),
        description=_("Active people rose from 12 to 31 over the term."),
        columns=[_("Week"), _("People")],
        rows=[[week, count] for week, count in series],
    )
    {% include "core/chart.html" with chart=block %}

In the page, `compagnon/charts.js` draws every `[data-chart]` with vega-embed, using Vega's
expression interpreter so the strict Content-Security-Policy (no eval) still holds. The scripts
are loaded only on pages that hold a chart. For a PDF, `chart_svg()` renders the same spec with
vl-convert, offline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from altair import SCHEMA_URL

# The site's palette (site.css): greens first, then colours that stay distinct for the common
# colour-vision deficiencies (Okabe-Ito order).
PALETTE = ["#17603a", "#e69f00", "#0072b2", "#cc79a7", "#009e73", "#d55e00", "#56b4e9", "#4a5551"]
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Ubuntu, sans-serif'

CONFIG: dict[str, Any] = {
    "font": FONT,
    "background": "transparent",
    "view": {"stroke": None},
    "mark": {"color": PALETTE[0]},
    "range": {"category": PALETTE},
    "axis": {"labelColor": "#1c2321", "titleColor": "#1c2321", "gridColor": "#d4ddd8"},
    "legend": {"labelColor": "#1c2321", "titleColor": "#1c2321", "orient": "bottom"},
    "title": {"color": "#1c2321", "anchor": "start"},
}


@dataclass(frozen=True)
class ChartBlock:
    """What `core/chart.html` needs: the spec, its caption and the same figures as a table."""

    title: str
    description: str
    spec: dict[str, Any]
    columns: Sequence[str] = field(default_factory=list)
    rows: Sequence[Sequence[Any]] = field(default_factory=list)


def chart_spec(chart: Any, *, width: int | str = "container", height: int = 260) -> dict[str, Any]:
    """An Altair chart (or a Vega-Lite dict) as a spec with the site's look, sized to its box."""
    spec = dict(chart) if isinstance(chart, dict) else chart.to_dict()
    # Drawn by the Vega-Lite of node_modules, the version Altair writes for: one schema for all.
    spec["$schema"] = SCHEMA_URL
    spec.setdefault("width", width)
    spec.setdefault("height", height)
    # Fit the width to the box; the height is the plot's own, so axes and legends add to it.
    spec.setdefault("autosize", {"type": "fit-x", "contains": "padding"})
    spec["config"] = {**CONFIG, **spec.get("config", {})}
    return spec


def chart_block(
    chart: Any,
    *,
    title: str,
    description: str,
    columns: Sequence[str] = (),
    rows: Sequence[Sequence[Any]] = (),
    height: int = 260,
) -> ChartBlock:
    return ChartBlock(
        title=str(title),
        description=str(description),
        spec=chart_spec(chart, height=height),
        columns=[str(column) for column in columns],
        rows=[list(row) for row in rows],
    )


def chart_svg(chart: Any, *, width: int = 640, height: int = 260) -> str:
    """The chart as an SVG document (for PDFs), drawn offline by vl-convert."""
    import vl_convert

    spec = chart_spec(chart, width=width, height=height)
    spec["autosize"] = {"type": "pad"}
    return vl_convert.vegalite_to_svg(spec)
