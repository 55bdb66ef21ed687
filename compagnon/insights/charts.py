"""The insights charts (Altair specs, see core/charts.py), each with its table of figures."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
from django.utils.translation import gettext as _

from compagnon.core.charts import ChartBlock, chart_block


def group_labels() -> dict[str, str]:
    return {"took_part": _("Took part in the club"), "other": _("Did not take part")}


def source_labels() -> dict[str, str]:
    return {
        "feedback": _("“I learned” feedback (levels before and after)"),
        "history": _("Profile skill levels over time"),
        "challenges": _("Challenge results (percentile, first and latest)"),
        "quizzes": _("Quiz scores out of 100 (first and best attempt)"),
    }


def _spec(chart: Any) -> dict[str, Any]:
    """The Vega-Lite dict, without Altair's schema validation (a tenth of a second per chart
    on every page view; the specs are fixed by this module and checked by its tests)."""
    return chart.to_dict(validate=False)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f} %"


def survival_chart(curves: dict[str, Any]) -> tuple[ChartBlock, Any] | None:
    """Kaplan-Meier curves with their 95 % bands; returns the block and the Altair chart."""
    labels = group_labels()
    rows = []
    for name, curve in curves.items():
        if not curve:
            continue
        for point in curve["points"]:
            rows.append(
                {
                    "group": labels[name],
                    "years": point["t"],
                    "share": point["s"],
                    "low": point["low"],
                    "high": point["high"],
                }
            )
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    years, share = _("Years after the first year"), _("Share still at the organisation")
    base = alt.Chart(frame).encode(
        x=alt.X("years:Q", title=years, axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("group:N", title=None),
    )
    band = base.mark_area(opacity=0.2, interpolate="step-after").encode(
        y=alt.Y("low:Q", title=share, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        y2="high:Q",
    )
    line = base.mark_line(interpolate="step-after").encode(
        y=alt.Y("share:Q", title=share, scale=alt.Scale(domain=[0, 1])),
        tooltip=["group:N", "years:Q", alt.Tooltip("share:Q", format=".0%")],
    )
    chart = _spec(band + line)
    yearly = [row for row in rows if float(row["years"]).is_integer()]
    block = chart_block(
        chart,
        title=_("Who stays: share of data people still at their organisation"),
        description=_(
            "Kaplan-Meier curves, with 95 % bands, for data people who took part in the club "
            "during their first year and those who did not."
        ),
        columns=[_("Group"), years, share, _interval()],
        rows=[
            [
                row["group"],
                int(row["years"]),
                _pct(row["share"]),
                f"{_pct(row['low'])} - {_pct(row['high'])}",
            ]
            for row in yearly
        ],
    )
    return block, chart


def _interval() -> str:
    # Not a format string: "% i" would otherwise read as a directive and the French
    # "95 %" would fail msgfmt's format check.
    # xgettext:no-python-format
    return _("95 % interval")


def growth_chart(growth: dict[str, Any]) -> tuple[ChartBlock, Any] | None:
    """Each source's standardised gain (effect size) with its 95 % interval."""
    labels = source_labels()
    rows = []
    for name, figures in growth.items():
        effect = (figures or {}).get("effect_size")
        if not effect or effect.get("low") is None:
            continue
        rows.append(
            {
                "source": labels[name],
                "effect": effect["value"],
                "low": effect["low"],
                "high": effect["high"],
                "n": effect["n"],
            }
        )
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    title_effect = _("Effect size (standardised gain)")
    base = alt.Chart(frame).encode(
        y=alt.Y("source:N", title=None, sort=None, axis=alt.Axis(labelLimit=180))
    )
    chart = _spec(
        base.mark_rule(strokeWidth=2).encode(x=alt.X("low:Q", title=title_effect), x2="high:Q")
        + base.mark_point(filled=True, size=80).encode(
            x="effect:Q", tooltip=["source:N", "effect:Q", "low:Q", "high:Q", "n:Q"]
        )
    )
    block = chart_block(
        chart,
        title=_("Skills growth, by source"),
        description=_(
            "The standardised gain (Cohen's d for paired measures) for each source, with its "
            "95 % bootstrap interval. 0.2 is usually read as small, 0.5 medium, 0.8 large."
        ),
        columns=[_("Source"), title_effect, _interval(), _("People")],
        rows=[
            [
                row["source"],
                f"{row['effect']:.2f}",
                f"{row['low']:.2f} - {row['high']:.2f}",
                row["n"],
            ]
            for row in rows
        ],
        height=160,
    )
    return block, chart


def history_chart(changes: list[Any]) -> ChartBlock | None:
    """A person's own levels over time, one line per skill."""
    rows = [
        {
            "skill": str(change.tag),
            "date": change.changed_at.date().isoformat(),
            "level": change.level,
        }
        for change in changes
        if change.level is not None
    ]
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    level = _("Level (1 notions to 4 expert)")
    chart = (
        alt.Chart(frame)
        .mark_line(point=True, interpolate="step-after")
        .encode(
            x=alt.X("date:T", title=_("Date")),
            y=alt.Y(
                "level:Q", title=level, scale=alt.Scale(domain=[1, 4]), axis=alt.Axis(tickMinStep=1)
            ),
            color=alt.Color("skill:N", title=None),
            tooltip=["skill:N", "date:T", "level:Q"],
        )
    )
    return chart_block(
        _spec(chart),
        title=_("My skill levels over time"),
        description=_("Each skill's level on my profile, at each change."),
        columns=[_("Skill"), _("Date"), level],
        rows=[[row["skill"], row["date"], row["level"]] for row in rows],
    )
