"""Chart blocks: the spec carries the site's look, the table the same figures, the SVG draws offline."""

import altair as alt
import pandas as pd
from django.template.loader import render_to_string

from compagnon.core.charts import chart_block, chart_svg


def _chart():
    frame = pd.DataFrame({"month": ["Jan", "Feb"], "people": [3, 5]})
    return alt.Chart(frame).mark_bar().encode(x="month:N", y="people:Q")


def test_block_keeps_the_figures_and_a_description():
    block = chart_block(
        _chart(),
        title="Active",
        description="From 3 to 5.",
        columns=["Month", "People"],
        rows=[["Jan", 3], ["Feb", 5]],
    )
    assert block.spec["width"] == "container"
    assert block.spec["config"]["font"].startswith("system-ui")
    html = render_to_string("core/chart.html", {"chart": block})
    assert 'role="img" aria-label="From 3 to 5."' in html
    assert '<th scope="row">Feb</th><td>5</td>' in html
    assert '<script type="application/json">' in html


def test_spec_text_cannot_close_the_script_block():
    frame = pd.DataFrame({"label": ["</script><script>alert(1)</script>"], "n": [1]})
    block = chart_block(
        alt.Chart(frame).mark_bar().encode(x="label:N", y="n:Q"), title="t", description="d"
    )
    html = render_to_string("core/chart.html", {"chart": block})
    assert "</script><script>" not in html


def test_svg_for_pdfs_is_drawn_offline():
    svg = chart_svg(_chart())
    assert svg.lstrip().startswith("<svg") and "Feb" in svg
