"""Accessibility of the built website: WCAG 2.1 AA as axe-core tests it, on every page.

axe-core (pinned and hash-checked by `make axe`, see the Makefile) runs inside Chromium on
every page of the build (SITE_DIR, default _build/html), in three states:

- "as loaded": what a reader first gets, in the light theme;
- "opened": with every folded solution, hidden code cell, <details> and menu opened;
- "dark": opened, with the reader's system set to dark (the theme follows it): colour
  contrast only, the one rule whose result depends on the theme.

A page fails on any serious or critical violation of a WCAG 2.0/2.1 A or AA rule. Every
<img> must also have alt text that says something: not empty, not a file name, not "image".

Run `make axe` first (or set AXE_JS to an axe.min.js), and build the site (`make book`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from test_site import PAGES, ROOT, SITE_DIR, is_local, require_site, serve

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# The rule that depends on colours, run again in the dark theme. (link-in-text-block also
# compares colours, but only for links that are not underlined, and the theme underlines
# links in the text in both themes; the light run checks it.)
COLOUR_RULES = ["color-contrast"]
FAILING_IMPACTS = {"serious", "critical"}
MODES = ["as loaded", "opened", "dark"]
# A page that only forwards the reader elsewhere (index.html -> the first chapter).
REDIRECT = re.compile(r'<meta http-equiv="refresh"', re.I)
# alt text that names the file or the kind of thing instead of what it shows.
GENERIC_ALT = {
    "png", "jpg", "jpeg", "svg", "gif", "image", "img", "picture", "figure", "fig", "plot",
    "graph", "chart", "output", "untitled", "photo", "icon", "logo", "diagram",
}  # fmt: skip
FILE_NAME = re.compile(r"^\S+\.(png|jpe?g|svg|gif|webp|bmp|pdf)$|^\S*/\S*$|^[0-9a-f]{16,}", re.I)


def is_redirect(rel: str) -> bool:
    html = (SITE_DIR / rel).read_text(encoding="utf8")
    return bool(REDIRECT.search(html)) and "<body" not in html.lower()


AUDITED = [rel for rel in PAGES if not is_redirect(rel)]


def axe_script() -> Path:
    """The axe.min.js `make axe` fetched (or AXE_JS): skip locally, fail in CI without it."""
    given = os.environ.get("AXE_JS")
    found = [Path(given)] if given else sorted((ROOT / "_build" / "axe").glob("*/axe.min.js"))
    found = [p if p.is_absolute() else ROOT / p for p in found]
    if found and found[-1].exists():
        return found[-1]
    reason = "axe-core is not installed: run `make axe` (needs npm), or set AXE_JS"
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


# ---------------------------------------------------------------------------------------
# In the page.

WAIT_FOR_MATHJAX = """
async () => {
  if (!document.querySelector('.math')) return;
  const t0 = Date.now();
  while (!(window.MathJax && window.MathJax.startup && window.MathJax.startup.promise)) {
    if (Date.now() - t0 > 10000) return;
    await new Promise(r => setTimeout(r, 50));
  }
  await window.MathJax.startup.promise;
}
"""

# Opens everything a reader can open and marks it; returns what is still folded (must be
# nothing). The rest of the page is as it was loaded, and already audited.
OPENED = "[data-a11y-opened]"
OPEN_ALL = """
() => {
  const mark = el => el.setAttribute('data-a11y-opened', '');
  document.querySelectorAll('details:not([open])').forEach(d => { d.open = true; mark(d); });
  // sphinx-togglebutton (folded solutions): a click on the title toggles.
  document.querySelectorAll('.admonition.toggle.toggle-hidden').forEach(el => {
    el.querySelector(':scope > .admonition-title').click(); mark(el);
  });
  // The header's menus (download, launch, repository): Bootstrap shows one at a time on
  // click; here all at once, so that their items are checked too.
  document.querySelectorAll('.dropdown-menu:not(.show)').forEach(m => {
    m.classList.add('show'); mark(m);
  });
  return [...document.querySelectorAll('details:not([open]), .toggle-hidden')]
    .map(el => el.outerHTML.slice(0, 120));
}
"""

RUN_AXE = """
async ([context, tags, rules]) => {
  if (context && !document.querySelector(context)) return [];
  const options = rules ? {runOnly: {type: 'rule', values: rules}}
                        : {runOnly: {type: 'tag', values: tags}};
  options.resultTypes = ['violations'];
  const results = await axe.run(context ? {include: [[context]]} : document, options);
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), impact: n.impact,
                              summary: n.failureSummary})),
  }));
}
"""

IMAGES = """
() => [...document.images].map(img => ({
  src: img.getAttribute('src') || '', alt: img.getAttribute('alt'),
}))
"""


# Colours are measured in their final state, not halfway through a fade (an opened solution
# fades in over 0.3 s; the theme's colours change with a transition).
NO_TRANSITIONS = (
    "*, *::before, *::after { transition: none !important; animation: none !important; }"
)


def audit_page(page, base: str, rel: str, axe_js: Path) -> dict:
    """Open one page in the (reused) tab and audit it in every mode."""
    page.emulate_media(color_scheme="light")
    page.goto(f"{base}/{rel}", wait_until="load")
    page.evaluate(WAIT_FOR_MATHJAX)
    page.add_style_tag(content=NO_TRANSITIONS)
    page.add_script_tag(path=str(axe_js))
    found = {"images": page.evaluate(IMAGES)}
    found["as loaded"] = page.evaluate(RUN_AXE, [None, WCAG_TAGS, None])
    found["still folded"] = page.evaluate(OPEN_ALL)
    found["opened"] = page.evaluate(RUN_AXE, [OPENED, WCAG_TAGS, None])
    # The theme starts in "auto" mode, and follows a change of the system setting live.
    page.emulate_media(color_scheme="dark")
    page.wait_for_function("document.documentElement.dataset.theme === 'dark'", timeout=5000)
    found["dark"] = page.evaluate(RUN_AXE, [None, WCAG_TAGS, COLOUR_RULES])
    return found


def violation_problems(violations: list[dict]) -> list[str]:
    """One line per serious or critical node: rule, impact, where, and axe's summary."""
    problems = []
    for v in violations:
        for n in v["nodes"]:
            impact = n["impact"] or v["impact"]
            if impact in FAILING_IMPACTS:
                summary = " ".join((n["summary"] or "").split())
                problems.append(f"{v['id']} ({impact}) at {n['target']}: {v['help']}. {summary}")
    return problems


def alt_problems(images: list[dict]) -> list[str]:
    problems = []
    for img in images:
        alt, src = img["alt"], img["src"]
        if alt is None or not alt.strip():
            problems.append(f"image without alt text: {src}")
        elif alt.strip().lower().rstrip(".") in GENERIC_ALT or FILE_NAME.match(alt.strip()):
            problems.append(f"image whose alt text says nothing ({alt!r}): {src}")
        elif Path(src).name and alt.strip() == Path(src).name:
            problems.append(f"image whose alt text is its file name: {src}")
    return problems


class Auditor:
    """One tab in one browser context for all pages; each page is audited once."""

    def __init__(self, browser, base: str, axe_js: Path):
        self.base, self.axe_js = base, axe_js
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(20_000)
        self.context.route(
            "**/*", lambda r: r.continue_() if is_local(r.request.url, base) else r.abort()
        )
        self.page = self.context.new_page()
        self.cache: dict[str, dict] = {}

    def __call__(self, rel: str) -> dict:
        if rel not in self.cache:
            self.cache[rel] = audit_page(self.page, self.base, rel, self.axe_js)
        return self.cache[rel]


@pytest.fixture(scope="module")
def audit(browser):
    require_site()
    axe_js = axe_script()
    with serve(SITE_DIR) as base:
        auditor = Auditor(browser, base, axe_js)
        yield auditor
        auditor.context.close()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("rel", AUDITED)
def test_page_has_no_serious_wcag_violation(audit, rel, mode):
    found = audit(rel)
    if mode == "opened":
        assert not found["still folded"], f"{rel}: could not open {found['still folded']}"
    problems = violation_problems(found[mode])
    assert not problems, f"{rel} ({mode}):\n" + "\n".join(problems)


@pytest.mark.parametrize("rel", AUDITED)
def test_every_image_has_meaningful_alt_text(audit, rel):
    problems = alt_problems(audit(rel)["images"])
    assert not problems, f"{rel}:\n" + "\n".join(problems)


# ---------------------------------------------------------------------------------------
# The audit must bite: a page with a fault in each state is caught in that state.

BROKEN_PAGE = """<!DOCTYPE html>
<html lang="en" data-theme="light"><head><meta charset="utf-8"><title>broken</title>
<style>
  .faint { color: #aaa; }
  html[data-theme="dark"] body { background: #111; color: #eee; }
  html[data-theme="dark"] .dark-faint { color: #333; }
</style>
<script>
  const m = window.matchMedia('(prefers-color-scheme: dark)');
  const set = () => { document.documentElement.dataset.theme = m.matches ? 'dark' : 'light'; };
  set(); m.onchange = set;
</script>
</head><body><main>
<h1>A broken page</h1>
<p class="faint">Light grey text on white, 2.3:1.</p>
<p class="dark-faint">Fine in light, dark grey on black in dark mode.</p>
<img src="a.png"><img src="b.png" alt="png"><img src="c.png" alt="c.png">
<img src="d.png" alt="A loss curve falling to the noise floor.">
<button aria-label="Find">Search Ctrl+K</button>
<details><summary>Show the answer</summary><button></button></details>
</main></body></html>
"""


def test_the_audit_catches_a_broken_page(browser, tmp_path):
    (tmp_path / "broken.html").write_text(BROKEN_PAGE, encoding="utf8")
    with serve(tmp_path) as base:
        auditor = Auditor(browser, base, axe_script())
        try:
            found = auditor("broken.html")
        finally:
            auditor.context.close()

    loaded = "\n".join(violation_problems(found["as loaded"]))
    assert "color-contrast (serious) at .faint" in loaded
    assert 'image-alt (critical) at img[src="a.png"]' in loaded
    assert "label-content-name-mismatch (serious)" in loaded
    assert "button-name" not in loaded  # inside the closed <details>: not yet seen

    assert not found["still folded"]
    assert "button-name (critical)" in "\n".join(violation_problems(found["opened"]))

    dark = "\n".join(violation_problems(found["dark"]))
    assert "color-contrast (serious) at .dark-faint" in dark
    assert ".faint" not in dark.replace(".dark-faint", "")  # #aaa on #111 passes in the dark
    assert "image-alt" not in dark  # colour rules only

    alts = "\n".join(alt_problems(found["images"]))
    assert "without alt text: a.png" in alts
    assert "says nothing ('png')" in alts and "says nothing ('c.png')" in alts
    assert "d.png" not in alts
