"""The benchathon's results written as report sections (Markdown), for `knowledge`.

Four sections are written by the benchathon and overwritten at each publication;
the hosts keep writing the others (what did not work, data, next leads) by hand:

- the question: the goal, the grid and the items;
- what worked: the comparison table, the heatmap and what the evaluators wrote;
- the difficulties: where the evaluators disagreed;
- the links to code: the items' links and the evidence of each evaluation.

Everything typed by people is escaped for Markdown tables and links.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from compagnon.benchathons.aggregation import NUMBER, ONE_TO_FIVE, TEXT, YES_NO, Cell, Results
from compagnon.benchathons.models import Benchathon, Criterion, Item


def _cell_text(text: str) -> str:
    """One line, safe inside a Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def _scale_label(criterion: Criterion) -> str:
    if criterion.scale == NUMBER and criterion.unit:
        return _("number (%(unit)s)") % {"unit": criterion.unit}
    return str(criterion.get_scale_display())


def format_cell(scale: str, cell: Cell, unit: str = "") -> str:
    """A cell of the comparison table: mean, range and how many answered."""
    if cell.mean is None or cell.low is None or cell.high is None:
        return "—"
    if scale == YES_NO:
        text = _("%(percent)d %% yes") % {"percent": round(100 * cell.mean)}
    elif scale == ONE_TO_FIVE:
        text = f"{cell.mean:.1f}"
        if cell.high > cell.low:
            text += f" ({cell.low:g}-{cell.high:g})"
    else:
        text = f"{cell.mean:.3g}" + (f" {unit}" if unit else "")
        if cell.high > cell.low:
            text += f" ({cell.low:g}-{cell.high:g})"
    if cell.disagreement:
        text += " ⚠"
    return text


def grid_markdown(criteria: list[Criterion]) -> str:
    lines = [
        f"| {_('Criterion')} | {_('Scale')} | {_('Weight')} | {_('Description')} |",
        "|---|---|---|---|",
    ]
    for criterion in criteria:
        lines.append(
            f"| {_cell_text(criterion.name)} | {_scale_label(criterion)} | "
            f"{criterion.weight:g} | {_cell_text(criterion.description)} |"
        )
    return "\n".join(lines)


def _link(text: str, url: str) -> str:
    label = text.replace("[", "\\[").replace("]", "\\]")
    return f"[{label}](<{url}>)" if url else label


def items_markdown(items: list[Item]) -> str:
    return "\n".join(
        f"- {_link(item.name, item.url)}"
        + (f" — {_('version')} {_cell_text(item.version)}" if item.version else "")
        for item in items
    )


def table_markdown(results: Results, criteria: list[Criterion], items: list[Item]) -> str:
    shown = [criterion for criterion in criteria if criterion.scale != TEXT]
    header = [_("Item"), *(_cell_text(c.name) for c in shown), _("Overall (0-100)")]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    ranked = sorted(items, key=lambda item: -(results.overall.get(item.pk) or -1))
    for item in ranked:
        cells = [format_cell(c.scale, results.cell(item.pk, c.pk), c.unit) for c in shown]
        overall = results.overall.get(item.pk)
        row = [_cell_text(str(item)), *cells, "—" if overall is None else f"{overall:g}"]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def texts_markdown(results: Results, criteria: list[Criterion], items: list[Item]) -> str:
    parts = []
    for criterion in criteria:
        if criterion.scale != TEXT:
            continue
        answers = []
        for item in items:
            for text in results.cell(item.pk, criterion.pk).texts:
                answers.append(f"- **{_cell_text(str(item))}**: {_cell_text(text)}")
        if answers:
            parts.append(f"### {_cell_text(criterion.name)}\n\n" + "\n".join(answers))
    return "\n\n".join(parts)


def disagreements_markdown(results: Results, criteria: list[Criterion], items: list[Item]) -> str:
    names = {item.pk: str(item) for item in items}
    by_id = {criterion.pk: criterion for criterion in criteria}
    lines = []
    for item_id, criterion_id in results.disagreements:
        cell = results.cell(item_id, criterion_id)
        criterion = by_id[criterion_id]
        lines.append(
            "- "
            + _("%(item)s, %(criterion)s: answers from %(low)g to %(high)g (%(count)d evaluators).")
            % {
                "item": _cell_text(names[item_id]),
                "criterion": _cell_text(criterion.name),
                "low": cell.low,
                "high": cell.high,
                "count": cell.count,
            }
        )
    if not lines:
        return ""
    return (
        _("The evaluators disagreed (by 2 points or more, or yes against no) on:")
        + "\n\n"
        + "\n".join(lines)
    )


def report_sections(
    *,
    benchathon: Benchathon,
    results: Results,
    criteria: list[Criterion],
    items: list[Item],
    evidence: list[tuple[Item, list[str]]],
    with_chart: bool,
) -> dict[str, str]:
    question = []
    if benchathon.goal.strip():
        question.append(benchathon.goal.strip())
    question.append(f"## {_('The evaluation grid')}\n\n{grid_markdown(criteria)}")
    question.append(f"## {_('Items under evaluation')}\n\n{items_markdown(items)}")
    worked = [
        f"## {_('Comparison')}\n\n{table_markdown(results, criteria, items)}",
        _(
            "Mean of the submitted evaluations; the range of the answers in brackets; "
            "⚠ marks a disagreement. The overall score weighs the 1-5 and yes/no criteria."
        ),
    ]
    if with_chart:
        url = reverse("benchathons:chart_svg", kwargs={"pk": benchathon.pk})
        worked.append(f"![{_('Comparison heatmap')}]({url})")
    texts = texts_markdown(results, criteria, items)
    if texts:
        worked.append(f"## {_('What the evaluators wrote')}\n\n{texts}")
    code = [f"## {_('Items')}\n\n{items_markdown(items)}"]
    for item, links in evidence:
        code.append(f"### {_cell_text(str(item))}\n\n" + "\n".join(f"- <{link}>" for link in links))
    return {
        "question": "\n\n".join(question),
        "what_worked": "\n\n".join(worked),
        "difficulties": disagreements_markdown(results, criteria, items),
        "code_links": "\n\n".join(code),
    }
