"""The comparison heatmap: items down, criteria across, the mean score as colour (0-100)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from compagnon.benchathons.aggregation import ONE_TO_FIVE, YES_NO, Results, normalised
from compagnon.benchathons.models import Item
from compagnon.core.charts import ChartBlock, chart_block, chart_svg


def _rows(results: Results, items: list[Item]) -> list[dict[str, Any]]:
    rows = []
    for item in items:
        for criterion in results.criteria:
            if criterion.scale not in (ONE_TO_FIVE, YES_NO):
                continue
            cell = results.cell(item.pk, criterion.id)
            if cell.mean is None:
                continue
            value = normalised(criterion.scale, cell.mean)
            rows.append(
                {
                    "item": str(item),
                    "criterion": criterion.name,
                    "score": round(100 * value, 1) if value is not None else None,
                    "mean": round(cell.mean, 2),
                }
            )
    return rows


def heatmap(results: Results, items: list[Item]) -> dict[str, Any]:
    """The Vega-Lite spec, written as a dict: building it with Altair validates the data
    against the schema, which costs most of the page for a large grid."""
    axis = {"labelAngle": -30, "labelLimit": 160}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": _rows(results, items)},
        "encoding": {
            "x": {
                "field": "criterion",
                "type": "nominal",
                "title": None,
                "sort": None,
                "axis": axis,
            },
            "y": {"field": "item", "type": "nominal", "title": None, "sort": None},
        },
        "layer": [
            {
                "mark": {"type": "rect"},
                "encoding": {
                    "color": {
                        "field": "score",
                        "type": "quantitative",
                        "title": _("Score (0-100)"),
                        "scale": {"domain": [0, 100], "scheme": "greens"},
                    },
                    "tooltip": [
                        {"field": "item", "type": "nominal"},
                        {"field": "criterion", "type": "nominal"},
                        {"field": "mean", "type": "quantitative"},
                        {"field": "score", "type": "quantitative"},
                    ],
                },
            },
            {
                "mark": {"type": "text", "baseline": "middle"},
                "encoding": {"text": {"field": "mean", "type": "quantitative", "format": ".1f"}},
            },
        ],
    }


def heatmap_block(results: Results, items: list[Item]) -> ChartBlock | None:
    rows = _rows(results, items)
    if not rows:
        return None
    height = max(160, 36 * len(items))
    return chart_block(
        heatmap(results, items),
        title=_("Comparison heatmap"),
        description=_(
            "Mean score of each item on each 1-5 and yes/no criterion; darker is better."
        ),
        columns=[_("Item"), _("Criterion"), _("Mean"), _("Score (0-100)")],
        rows=[[row["item"], row["criterion"], row["mean"], row["score"]] for row in rows],
        height=height,
    )


def heatmap_svg(results: Results, items: list[Item]) -> str:
    if not _rows(results, items):
        return ""
    return chart_svg(heatmap(results, items), width=640, height=max(160, 36 * len(items)))
