"""The Content-Security-Policy allows no inline script or style; templates must not need them."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(ROOT.rglob("templates/**/*.html"))

INLINE = [
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style[\s>]", re.I), "<style> block"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event-handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (
        # Data blocks run nothing; the one import map carries the request's nonce (base.html).
        re.compile(
            r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")"
            r"(?![^>]*type=\"application/ld\+json\")"
            r"(?![^>]*type=\"importmap\" nonce=\"\{\{ request.csp_nonce \}\}\")[^>]*>",
            re.I,
        ),
        "inline <script>",
    ),
]


def test_templates_are_found():
    assert len(TEMPLATES) > 20


def _is_email(template: Path) -> bool:
    return "email" in template.parent.parts[-1:]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_template_has_no_inline_code(template):
    text = template.read_text()
    found = [label for pattern, label in INLINE if pattern.search(text)]
    if _is_email(template):
        # Mail clients drop <style> and never load the site's CSS: an email's HTML carries
        # its styles inline. It is never a page of the site (the staff preview sends its
        # own policy); scripts and handlers stay forbidden there too.
        found = [label for label in found if label != "style attribute"]
    assert not found, f"{template.name}: {', '.join(found)}"


def test_csp_header_is_sent(client, db):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_the_import_map_carries_the_pages_nonce(client, db):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'<script type="importmap" nonce="{nonce}">' in response.text
