"""What a puzzle hands over, made ready for its template, in the reader's language.

Any text inside an artefact may be a plain string or {"fr": "…", "en": "…"}.

    table             {"caption": t, "columns": [t, …], "rows": [[…], …]}
    chart             {"title": t, "description": t, "mark": "line"|"bar",
                       "x": {"field": "week", "type": "O", "title": t},
                       "y": {"field": "units", "type": "Q", "title": t},
                       "series": {"field": "kind", "title": t} (optional), "values": [{…}, …]}
    confusion_matrix  {"caption": t, "labels": [t, …], "predicted_labels": [t, …] (optional),
                       "matrix": [[…], …]}  # rows: actual, columns: predicted
    model_card        {"name": t, "sections": [{"title": t, "body": markdown t}, …]}
    log               {"caption": t, "lines": [t, …]}
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from compagnon.core.charts import chart_block
from compagnon.core.markdown import render_markdown


def localise(value: Any) -> Any:
    english = (get_language() or "fr").startswith("en")
    if isinstance(value, dict):
        if set(value) <= {"fr", "en"} and value:
            return value.get("en" if english else "fr") or value.get("fr" if english else "en")
        return {key: localise(item) for key, item in value.items()}
    if isinstance(value, list):
        return [localise(item) for item in value]
    return value


def _chart(data: dict[str, Any]) -> Any:
    import altair as alt

    x, y, series = data["x"], data["y"], data.get("series")
    chart = alt.Chart(alt.Data(values=data["values"]))
    chart = chart.mark_bar() if data.get("mark") == "bar" else chart.mark_line(point=True)
    encoding = {
        "x": alt.X(f"{x['field']}:{x.get('type', 'O')}", title=x.get("title", x["field"])),
        "y": alt.Y(f"{y['field']}:{y.get('type', 'Q')}", title=y.get("title", y["field"])),
    }
    columns = [x.get("title", x["field"])]
    if series:
        encoding["color"] = alt.Color(
            f"{series['field']}:N", title=series.get("title", series["field"])
        )
        columns.append(series.get("title", series["field"]))
    columns.append(y.get("title", y["field"]))
    rows = [
        [row.get(x["field"]), *([row.get(series["field"])] if series else []), row.get(y["field"])]
        for row in data["values"]
    ]
    return chart_block(
        chart.encode(**encoding),
        title=data.get("title", ""),
        description=data.get("description", ""),
        columns=columns,
        rows=rows,
    )


def artefact_context(kind: str, raw: dict[str, Any]) -> dict[str, Any]:
    data = localise(raw)
    if kind == "chart":
        return {"kind": kind, "chart": _chart(data)}
    if kind == "confusion_matrix":
        labels = data.get("labels", [])
        rows = [
            {"label": label, "cells": cells}
            for label, cells in zip(labels, data.get("matrix", []), strict=False)
        ]
        return {
            "kind": kind,
            "caption": data.get("caption") or _("Confusion matrix"),
            "labels": data.get("predicted_labels") or labels,
            "rows": rows,
        }
    if kind == "model_card":
        sections = [
            {"title": s.get("title", ""), "body": render_markdown(s.get("body", ""))}
            for s in data.get("sections", [])
        ]
        return {"kind": kind, "name": data.get("name", ""), "sections": sections}
    if kind == "log":
        return {"kind": kind, "caption": data.get("caption", ""), "lines": data.get("lines", [])}
    return {
        "kind": "table",
        "caption": data.get("caption", ""),
        "columns": data.get("columns", []),
        "rows": data.get("rows", []),
    }
