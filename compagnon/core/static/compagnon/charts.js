// Draws every chart of the page ([data-chart], spec in the <script type="application/json"> beside
// it) with vega-embed. Loaded as a module on every page, it fetches Vega only when a chart is
// there. Vega's expression interpreter replaces its code generator, so no eval is needed and the
// Content-Security-Policy stays strict. Without JavaScript the description and the table remain.
// Nothing is fetched on a page without a chart: the interpreter is imported on demand too.

const urls = document.querySelector('meta[name="compagnon-charts"]').dataset;
const french = document.documentElement.lang === "fr";
const formatLocale = french
  ? { decimal: ",", thousands: "\u202f", grouping: [3], currency: ["", "\u00a0€"], percent: "\u202f%" }
  : undefined;
const timeFormatLocale = french
  ? {
      dateTime: "%A %e %B %Y à %X", date: "%d/%m/%Y", time: "%H:%M:%S", periods: ["AM", "PM"],
      days: ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
      shortDays: ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
      months: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
      shortMonths: ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
    }
  : undefined;

let loading = null;
function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = reject;
    document.head.appendChild(script);
  });
}
function loadVega() {
  if (!loading) {
    loading = loadScript(urls.vega)
      .then(() => loadScript(urls.vegaLite))
      .then(() => loadScript(urls.vegaEmbed))
      .then(() => import("vega-interpreter"))
      .then((module) => module.expressionInterpreter);
  }
  return loading;
}

async function draw(root) {
  const canvases = root.querySelectorAll("[data-chart]:not([data-chart-drawn])");
  if (!canvases.length) { return; }
  const expressionInterpreter = await loadVega();
  for (const canvas of canvases) {
    canvas.setAttribute("data-chart-drawn", "");
    const source = canvas.closest(".chart").querySelector('script[type="application/json"]');
    const spec = JSON.parse(source.textContent);
    try {
      await window.vegaEmbed(canvas, spec, {
        actions: false, renderer: "svg", ast: true, expr: expressionInterpreter,
        defaultStyle: false, formatLocale, timeFormatLocale, tooltip: false,
      });
      canvas.classList.add("is-drawn");
    } catch (error) {
      canvas.setAttribute("data-chart-error", String(error));
    }
  }
}

draw(document);
document.addEventListener("htmx:afterSettle", (event) => draw(event.detail.elt || document));
