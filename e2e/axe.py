"""axe-core (from npm) run inside the page: WCAG 2.1 A and AA violations, as readable lines."""

from pathlib import Path

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


def violations(page, *, serious_only: bool = False) -> list[str]:
    """The page's violations (only the serious and critical ones with `serious_only`)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if not serious_only or v["impact"] in ("serious", "critical")
    ]
