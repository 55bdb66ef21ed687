"""The comparison heatmap: items down, criteria across, the mean score as colour (0-100)."""

from __future__ import annotations

from typing import Any

import altair as alt
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


def heatmap(results: Results, items: list[Item]) -> Any:
    rows = _rows(results, items)
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("criterion:N", title=None, sort=None, axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("item:N", title=None, sort=None),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "score:Q",
            title=_("Score (0-100)"),
            scale=alt.Scale(domain=[0, 100], scheme="greens"),
        ),
        tooltip=["item:N", "criterion:N", "mean:Q", "score:Q"],
    )
    labels = base.mark_text(baseline="middle").encode(text=alt.Text("mean:Q", format=".1f"))
    return alt.layer(cells, labels)


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
