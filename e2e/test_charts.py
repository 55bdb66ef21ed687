"""A chart is drawn in the page by vega-embed under the site's strict Content-Security-Policy."""

import re

import altair as alt
import pandas as pd
import pytest
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import include, path
from playwright.sync_api import expect

from compagnon.core.charts import chart_block


def _chart_page(request):
    frame = pd.DataFrame({"month": ["janv.", "févr.", "mars"], "people": [12, 19, 31]})
    block = chart_block(
        alt.Chart(frame).mark_bar().encode(x=alt.X("month:N", sort=None), y="people:Q"),
        title="Membres actifs",
        description="Les membres actifs passent de 12 à 31 en trois mois.",
        columns=["Mois", "Membres"],
        rows=frame.values.tolist(),
    )
    body = render_to_string("core/chart.html", {"chart": block}, request=request)
    page = render_to_string("base.html", {}, request=request).replace("</main>", body + "</main>")
    return HttpResponse(page)


urlpatterns = [path("chart-test/", _chart_page), path("", include("compagnon.urls"))]


@pytest.mark.urls("test_charts")
def test_chart_is_drawn_without_breaking_the_policy(page, transactional_db):
    violations = []
    page.on("console", lambda message: violations.append(message.text))
    page.on("pageerror", lambda error: violations.append(str(error)))
    page.goto("/chart-test/")
    canvas = page.locator("[data-chart]")
    expect(canvas).to_have_class(re.compile(r"\bis-drawn\b"))
    expect(canvas.locator("svg")).to_be_visible()
    assert canvas.locator("svg .mark-rect path").count() == 3
    assert not violations
    frame = page.get_by_role("img", name="Les membres actifs passent de 12 à 31 en trois mois.")
    expect(frame).to_be_visible()
    page.get_by_text("Show the figures as a table").or_(
        page.get_by_text("Afficher les chiffres sous forme de tableau")
    ).click()
    expect(page.get_by_role("row")).to_have_count(4)


def test_a_page_without_a_chart_fetches_no_chart_library(page, transactional_db):
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto("/")
    page.wait_for_load_state("networkidle")
    assert [url for url in fetched if "/static/compagnon/charts.js" in url]
    assert not [url for url in fetched if "/static/vendor/vega" in url], fetched
