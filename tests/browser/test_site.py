"""The built website, page by page, in a real browser with no internet.

Serves the built book (SITE_DIR, default _build/html) on 127.0.0.1 and opens every HTML page
the build produced in headless Chromium. On every page:

- math is typeset by MathJax (served from _static) and no raw TeX is left in the text;
- no request leaves 127.0.0.1, and every local request succeeds (no 404);
- every image has loaded with a non-zero size;
- no traceback or error output is shown;
- no JavaScript error is raised (pageerror or console error);
- every exercise shows its task, and its solution is folded until the reader opens it;
- every widget cell (bp.Trainer, bp.BackpropStepper) shows a static picture with a size.

Build first (`make book`), or point SITE_DIR at another build:
    jupyter-book build . --path-output /tmp/site-build -W -n --keep-going
    SITE_DIR=/tmp/site-build/_build/html pytest tests/browser/test_site.py
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE_DIR = Path(os.environ.get("SITE_DIR", ROOT / "_build" / "html")).resolve()
LOCAL_HOST = "127.0.0.1"

# Folders of a Sphinx build that hold assets and templates, not pages.
NOT_PAGES = {"_static", "_sources", "_images", "_downloads", "_panels_static", ".doctrees"}
# Pages Sphinx writes itself: they carry no math, but are checked for everything else.
GENERATED = {"search.html", "genindex.html", "py-modindex.html"}

# TeX that MathJax should have turned into mjx-container elements. Checked in text outside
# code (code may legitimately print "$x$" labels or a LaTeX string).
RAW_TEX = re.compile(
    r"\$\$|\\\(|\\\)|\\\[|\\\]"
    r"|\\(?:frac|dfrac|partial|sigma|sum|prod|begin|end|left|right|mathbf|mathrm|cdot|odot"
    r"|tanh|nabla|theta|alpha|beta|eta|delta|Delta|bigl|bigr|top|quad|text|hat|tfrac)\b"
)


def _site_missing_reason() -> str | None:
    if (SITE_DIR / "index.html").exists() or any(SITE_DIR.glob("*.html")):
        return None
    return f"no built site in {SITE_DIR}: run `make book` first, or set SITE_DIR"


def discover_pages() -> list[str]:
    """Every HTML page of the build, as a path relative to SITE_DIR (posix)."""
    if _site_missing_reason():
        return []
    pages = []
    for path in sorted(SITE_DIR.rglob("*.html")):
        rel = path.relative_to(SITE_DIR)
        if rel.parts[0] in NOT_PAGES:
            continue
        pages.append(rel.as_posix())
    return pages


PAGES = discover_pages()


@contextlib.contextmanager
def serve(directory: Path):
    """Serve a directory with the stdlib HTTP server on 127.0.0.1, on a free port."""

    class QuietHandler(SimpleHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 (the stdlib's name)
            pass

    handler = functools.partial(QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer((LOCAL_HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def require_site():
    reason = _site_missing_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def site_url():
    """The built site, served on 127.0.0.1."""
    require_site()
    with serve(SITE_DIR) as url:
        yield url


def is_local(url: str, base: str) -> bool:
    if url.startswith(("data:", "blob:", "about:")):
        return True
    return urlsplit(url).netloc == urlsplit(base).netloc


class PageVisit:
    """One page opened in a fresh browser context, with every request and error recorded."""

    def __init__(self, browser, base: str, rel: str):
        self.base = base
        self.rel = rel
        self.non_local: list[str] = []
        self.failed: list[str] = []
        self.js_errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(20_000)
        # Anything not served by our server is recorded and aborted, so the test cannot hang
        # waiting for the internet.
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", self._on_request)
        self.page.on("response", self._on_response)
        self.page.on("requestfailed", self._on_failed)
        self.page.on("pageerror", lambda exc: self.js_errors.append(f"pageerror: {exc}"))
        self.page.on("console", self._on_console)

    def _route(self, route):
        if is_local(route.request.url, self.base):
            route.continue_()
        else:
            route.abort()

    def _on_request(self, request):
        if not is_local(request.url, self.base):
            self.non_local.append(request.url)

    def _on_response(self, response):
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")

    def _on_failed(self, request):
        if is_local(request.url, self.base):
            self.failed.append(f"failed ({request.failure}) {request.url}")

    def _on_console(self, msg):
        if msg.type == "error":
            self.js_errors.append(f"console error: {msg.text}")

    def open(self):
        self.page.goto(f"{self.base}/{self.rel}", wait_until="load")
        self.page.wait_for_load_state("networkidle")
        return self.page

    def close(self):
        self.context.close()


# ---------------------------------------------------------------------------------------
# The checks, run inside the page. Each returns plain data for the asserts below.

WAIT_FOR_MATHJAX = """
async () => {
  if (!document.querySelector('.math')) return 'no math';
  const t0 = Date.now();
  while (!(window.MathJax && window.MathJax.startup && window.MathJax.startup.promise
           && window.MathJax.version)) {
    if (Date.now() - t0 > 10000) return 'MathJax never loaded';
    await new Promise(r => setTimeout(r, 50));
  }
  await window.MathJax.startup.promise;
  return 'typeset';
}
"""

FINDINGS = """
async () => {
  const SKIP = 'pre, code, script, style, textarea, mjx-container, .highlight, .cell_input';
  const out = {};

  // Math: every math element was typeset; text outside code, as the reader gets it.
  const mathEls = [...document.querySelectorAll('.math')];
  out.mathElements = mathEls.length;
  out.typeset = document.querySelectorAll('mjx-container').length;
  out.untypeset = mathEls.filter(el => !el.querySelector('mjx-container'))
                         .map(el => el.textContent.trim().slice(0, 80));
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement && !n.parentElement.closest(SKIP)) texts.push(n.textContent);
  }
  out.text = texts.join(' ');

  // Images: wait for lazy ones, then every <img> must have loaded with a size.
  const imgs = [...document.images];
  imgs.forEach(img => { if (img.loading === 'lazy') img.loading = 'eager'; });
  await Promise.all(imgs.map(img => img.complete ? null : new Promise(r => {
    img.addEventListener('load', r); img.addEventListener('error', r); setTimeout(r, 5000);
  })));
  out.brokenImages = imgs.filter(img => !(img.complete && img.naturalWidth > 0))
                         .map(img => img.currentSrc || img.src || img.outerHTML.slice(0, 120));

  // Tracebacks and error outputs.
  out.errorOutputs = [...document.querySelectorAll(
      '.cell_output .traceback, .cell_output .output.error, .cell_output [class*="ipythontb"]')]
    .map(el => el.textContent.trim().slice(0, 200));
  out.stderrErrors = [...document.querySelectorAll('.cell_output .output.stderr')]
    .map(el => el.textContent)
    .filter(t => /Traceback|Error\\b|RuntimeWarning/.test(t))
    .map(t => t.trim().slice(0, 200));
  out.bodyText = document.body.innerText;

  // Widgets whose view needs JavaScript from a CDN show nothing offline.
  out.blankWidgets = document.querySelectorAll(
      'script[type="application/vnd.jupyter.widget-view+json"]').length;

  // Exercises and their solutions.
  const visible = el => !!el && el.checkVisibility() &&
      el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().height > 0;
  out.exercises = [...document.querySelectorAll('div.exercise')].map(ex => ({
    id: ex.id,
    visible: visible(ex),
    text: ex.innerText.trim().length,
    stubCells: [...ex.querySelectorAll('.cell')].map(c => ({
      inputVisible: visible(c.querySelector('.cell_input')),
    })),
  }));
  out.solutions = [...document.querySelectorAll('.solution')].map(sol => {
    const title = sol.querySelector('.admonition-title');
    const link = title && title.querySelector('a[href^="#"]');
    const body = sol.querySelector('section, .solution-content') ||
                 [...sol.children].find(c => !c.classList.contains('admonition-title'));
    return {
      id: sol.id,
      of: link ? decodeURIComponent(link.getAttribute('href').slice(1)) : null,
      dropdown: sol.classList.contains('dropdown') || !!sol.closest('details'),
      titleVisible: visible(title),
      bodyVisible: visible(body),
    };
  });

  // Pictures in cell outputs (outside folded solutions) must have a size.
  const folded = el => el.closest('.solution, details:not([open]), .toggle-hidden');
  const PICTURES = '.cell_output img, .cell_output table, .cell_output svg, .cell_output canvas';
  const picture = el => !el.closest('button, .copybtn');  // not the copy button's icon
  out.emptyPictures = [...document.querySelectorAll(PICTURES)]
    .filter(picture).filter(el => !folded(el))
    .filter(el => { const r = el.getBoundingClientRect(); return !(r.width > 0 && r.height > 0); })
    .map(el => el.outerHTML.slice(0, 120));

  // Per code cell, in page order: does its output show a picture with a size?
  out.cells = [...document.querySelectorAll('div.cell')].map(c => {
    const pics = [...c.querySelectorAll(PICTURES)].filter(picture);
    const sized = pics.filter(el => {
      const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; });
    return {
      input: (c.querySelector('.cell_input') || {innerText: ''}).innerText.slice(0, 200),
      pictures: pics.length,
      sizedPictures: sized.length,
      sizes: sized.map(el => {
        const r = el.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)];
      }),
      outputText: (c.querySelector('.cell_output') || {innerText: ''}).innerText.slice(0, 200),
    };
  });
  return out;
}
"""


WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def executed_notebook(rel: str) -> dict | None:
    """The notebook a page was built from, as the build executed it (jupyter_execute)."""
    path = SITE_DIR.parent / "jupyter_execute" / Path(rel).with_suffix(".ipynb")
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf8"))


def rendered_code_cells(nb: dict) -> list[dict]:
    """The notebook's code cells that myst-nb renders as div.cell, in page order."""
    cells = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        tags = cell.get("metadata", {}).get("tags", [])
        if "remove-cell" in tags or not source.strip():
            continue
        mimes = {m for out in cell.get("outputs", []) for m in out.get("data", {})}
        cells.append({"source": source, "tags": tags, "mimes": mimes})
    return cells


def widget_cells(rel: str) -> list[tuple[int, dict]]:
    """(index among rendered code cells, cell) for each cell whose output is a widget view.

    The site cannot run a widget, so each of these must show its static picture instead.
    Cells tagged remove-output (a widget meant for JupyterLab only) are left out.
    """
    nb = executed_notebook(rel)
    if nb is None:
        return []
    return [
        (i, cell)
        for i, cell in enumerate(rendered_code_cells(nb))
        if WIDGET_MIME in cell["mimes"] and "remove-output" not in cell["tags"]
    ]


FENCE = re.compile(r"^(`{3,}|~{3,})([^\n]*)\n.*?^\1[ \t]*$", re.M | re.S)
INLINE_CODE = re.compile(r"`[^`\n]+`")
SOURCE_MATH = re.compile(r"\$\$|\$[^$\s][^$\n]*\$|\{math\}")


def without_code(markdown: str) -> str:
    """Markdown with its code blocks and inline code removed (directives like {note} stay)."""

    def drop(m):
        info = m.group(2).strip()
        if info.startswith("{") and not info.startswith(("{code", "{literalinclude")):
            return m.group(0)
        return ""

    return INLINE_CODE.sub("", FENCE.sub(drop, markdown))


def page_has_source_math(rel: str) -> bool:
    """Whether the page's source (as copied into _sources) has math outside code."""
    for suffix in (".ipynb", ".md"):
        src = SITE_DIR / "_sources" / Path(rel).with_suffix(suffix)
        if src.exists():
            text = src.read_text(encoding="utf8")
            if suffix == ".ipynb":
                nb = json.loads(text)
                text = "\n".join(
                    "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"
                )
            return bool(SOURCE_MATH.search(without_code(text)))
    return False


def visit_page(browser, base: str, rel: str) -> dict:
    """Open one page and return everything the checks need."""
    v = PageVisit(browser, base, rel)
    try:
        page = v.open()
        findings = {"mathjax": page.evaluate(WAIT_FOR_MATHJAX)}
        findings.update(page.evaluate(FINDINGS))
        findings["solutions_stuck"] = solutions_that_do_not_open(page)
        page.wait_for_timeout(100)  # let late errors arrive
        findings["non_local"] = list(v.non_local)
        findings["failed"] = list(v.failed)
        findings["js_errors"] = list(v.js_errors)
    finally:
        v.close()
    return findings


def solutions_that_do_not_open(page) -> list[str]:
    """Click each folded solution's title; return the ids of those whose body stays hidden."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    stuck = []
    solutions = page.locator(".solution")
    for i in range(solutions.count()):
        sol = solutions.nth(i)
        # Click where a reader would: on the title's text, "Solution to Exercise 3", which is
        # mostly a link (with sphinx-togglebutton alone this raises "button is not defined";
        # _static/toggle-title.js fixes it).
        link = sol.locator(".admonition-title a")
        (link if link.count() else sol.locator("summary, .admonition-title")).first.click()
        body = sol.locator("section, .solution-content").first
        try:
            body.wait_for(state="visible", timeout=2000)
        except PlaywrightTimeout:
            stuck.append(sol.get_attribute("id") or f"solution {i + 1}")
    return stuck


# ---------------------------------------------------------------------------------------
# What is wrong with a page, as a list of sentences (empty: nothing wrong).


def offline_problems(f: dict) -> list[str]:
    problems = [f"request left {LOCAL_HOST} (a CDN?): {url}" for url in f["non_local"]]
    problems += [f"local request failed: {fail}" for fail in f["failed"]]
    problems += [f"JavaScript error: {err}" for err in f["js_errors"]]
    problems += [f"broken image: {img}" for img in f["brokenImages"]]
    return problems


def math_problems(f: dict, expect_math: bool) -> list[str]:
    problems = [f"math left untypeset ({f['mathjax']}): {m!r}" for m in f["untypeset"]]
    raw = sorted({m.group(0) for m in RAW_TEX.finditer(f["text"])})
    if raw:
        problems.append(f"raw TeX in the visible text: {raw}")
    if expect_math and f["typeset"] == 0:
        problems.append("the source has math but MathJax typeset none")
    return problems


def traceback_problems(f: dict) -> list[str]:
    problems = []
    if "Traceback (most recent call last)" in f["bodyText"]:
        problems.append("a traceback shows")
    problems += [f"error output: {e!r}" for e in f["errorOutputs"]]
    problems += [f"error or RuntimeWarning on stderr: {e!r}" for e in f["stderrErrors"]]
    return problems


def exercise_problems(f: dict) -> list[str]:
    problems = []
    solved = {s["of"] for s in f["solutions"]}
    for ex in f["exercises"]:
        if not (ex["visible"] and ex["text"] > 0):
            problems.append(f"exercise {ex['id']} does not show")
        if any(not stub["inputVisible"] for stub in ex["stubCells"]):
            problems.append(f"exercise {ex['id']} hides its code stub")
        if ex["id"] not in solved:
            problems.append(f"exercise {ex['id']} has no solution on its page")
    for sol in f["solutions"]:
        if not sol["dropdown"]:
            problems.append(f"solution {sol['id']} is not a dropdown (:class: dropdown)")
        if not sol["titleVisible"]:
            problems.append(f"solution {sol['id']} has no visible title")
        if sol["bodyVisible"]:
            problems.append(f"solution {sol['id']} is shown unfolded")
    problems += [f"clicking the title of {sid} does not unfold it" for sid in f["solutions_stuck"]]
    return problems


def picture_problems(f: dict, widget_cell_indices: list[int]) -> list[str]:
    problems = []
    if f["blankWidgets"]:
        problems.append(f"{f['blankWidgets']} widget view(s) with no static picture (blank)")
    if "Loading widget" in f["bodyText"]:
        problems.append("'Loading widget...' shows")
    problems += [f"output picture of zero size: {p}" for p in f["emptyPictures"]]
    for i in widget_cell_indices:
        if i >= len(f["cells"]):
            problems.append(f"widget cell {i} is missing from the page")
        elif not f["cells"][i]["sizedPictures"]:
            cell = f["cells"][i]
            problems.append(
                f"widget cell {i} ({cell['input'][:60]!r}) shows no picture with a size "
                f"(output text: {cell['outputText'][:80]!r})"
            )
    return problems


# ---------------------------------------------------------------------------------------
# The tests.


@pytest.fixture(scope="module")
def visits(browser, site_url):
    """Each page is opened once; every test reads what that visit found."""
    cache: dict[str, dict] = {}

    def visit(rel: str) -> dict:
        if rel not in cache:
            cache[rel] = visit_page(browser, site_url, rel)
        return cache[rel]

    return visit


def test_the_site_has_pages():
    require_site()
    assert any(p.startswith("chapters/") for p in PAGES), f"no chapter pages in {SITE_DIR}"
    assert "search.html" in PAGES and "genindex.html" in PAGES


@pytest.mark.parametrize("rel", PAGES)
def test_page_works_offline_without_errors(visits, rel):
    problems = offline_problems(visits(rel))
    assert not problems, f"{rel}:\n" + "\n".join(problems)


@pytest.mark.parametrize("rel", PAGES)
def test_page_math_is_typeset(visits, rel):
    expect_math = Path(rel).name not in GENERATED and page_has_source_math(rel)
    problems = math_problems(visits(rel), expect_math)
    assert not problems, f"{rel}:\n" + "\n".join(problems)


@pytest.mark.parametrize("rel", PAGES)
def test_page_shows_no_traceback(visits, rel):
    problems = traceback_problems(visits(rel))
    assert not problems, f"{rel}:\n" + "\n".join(problems)


@pytest.mark.parametrize("rel", PAGES)
def test_exercises_show_their_task_and_fold_their_solution(visits, rel):
    problems = exercise_problems(visits(rel))
    assert not problems, f"{rel}:\n" + "\n".join(problems)


@pytest.mark.parametrize("rel", PAGES)
def test_output_pictures_and_widgets_have_a_size(visits, rel):
    f = visits(rel)
    expected = [i for i, _ in widget_cells(rel)]
    if expected:
        n_cells = len(rendered_code_cells(executed_notebook(rel)))
        assert len(f["cells"]) == n_cells, (
            f"{rel}: {len(f['cells'])} code cells on the page, {n_cells} in the notebook"
        )
    problems = picture_problems(f, expected)
    assert not problems, f"{rel}:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "chapter, widget",
    [
        ("chapters/05-backprop.html", "BackpropStepper"),
        ("chapters/07-training.html", "Trainer"),
        ("chapters/09-deep.html", "Trainer"),
    ],
)
def test_widget_chapters_show_their_widget(visits, chapter, widget):
    """The backprop chapter uses the stepper and the training chapter the Trainer, and the
    site shows a picture where it is used."""
    require_site()
    nb = executed_notebook(chapter)
    assert nb is not None, f"{chapter}: no executed notebook next to {SITE_DIR}"
    cells = rendered_code_cells(nb)
    uses = [i for i, c in enumerate(cells) if re.search(rf"\b{widget}\s*\(", c["source"])]
    assert uses, f"{chapter}: no code cell creates bp.{widget}(...)"
    f = visits(chapter)
    assert len(f["cells"]) == len(cells), f"{chapter}: page and notebook cells differ"
    # The picture is in the cell that creates or shows the widget, or in the cell after it.
    near = {j for i in uses for j in (i, i + 1) if j < len(cells)}
    assert any(f["cells"][j]["sizedPictures"] for j in near), (
        f"{chapter}: no picture with a size where bp.{widget} is used"
    )


# ---------------------------------------------------------------------------------------
# The checks must bite: a page with every fault is caught by every check.

BROKEN_PAGE = r"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>broken</title>
<script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"></script>
<script>const THEBE_JS_URL = "x";</script>
<script>const THEBE_JS_URL = "x";</script>
</head><body>
<p>Raw display math: $$L = \frac{1}{n}$$</p>
<span class="math notranslate nohighlight">\(f(x)\)</span>
<img src="missing.png" alt="a figure that is not there">
<div class="exercise admonition" id="ex-orphan"><p class="admonition-title">Exercise 1</p>
  <section><p>Do it.</p></section></div>
<div class="exercise admonition" id="ex-open"><p class="admonition-title">Exercise 2</p>
  <section><p>Do this too.</p></section></div>
<div class="solution admonition" id="sol-open">
  <p class="admonition-title">Solution to <a href="#ex-open">Exercise 2</a></p>
  <section><p>The answer, in plain sight.</p></section></div>
<div class="cell"><div class="cell_input"><pre>1/0</pre></div><div class="cell_output">
  <div class="output traceback highlight-ipythontb"><pre>Traceback (most recent call last)
ZeroDivisionError: division by zero</pre></div></div></div>
<div class="cell"><div class="cell_input"><pre>bp.Trainer()</pre></div><div class="cell_output">
  <script type="application/vnd.jupyter.widget-view+json">{"model_id": "x"}</script>
  <table style="display:none"><tr><td>hidden</td></tr></table></div></div>
</body></html>
"""


def test_the_checks_catch_a_broken_page(browser, tmp_path):
    (tmp_path / "broken.html").write_text(BROKEN_PAGE, encoding="utf8")
    with serve(tmp_path) as base:
        f = visit_page(browser, base, "broken.html")

    offline = "\n".join(offline_problems(f))
    assert "cdn.jsdelivr.net" in offline
    assert "404" in offline and "missing.png" in offline
    assert "THEBE_JS_URL" in offline and "broken image" in offline

    math = "\n".join(math_problems(f, expect_math=True))
    assert "untypeset" in math and "$$" in math and "\\frac" in math

    assert any("traceback" in p for p in traceback_problems(f))

    exercises = "\n".join(exercise_problems(f))
    assert "ex-orphan has no solution" in exercises
    assert "sol-open is not a dropdown" in exercises and "sol-open is shown unfolded" in exercises

    pictures = "\n".join(picture_problems(f, widget_cell_indices=[1]))
    assert "blank" in pictures and "zero size" in pictures
    assert "widget cell 1" in pictures
