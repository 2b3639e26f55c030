"""Print the book to two PDFs: ``make pdf``.

The whole book is built as one HTML page (Sphinx's ``singlehtml`` builder, through
jupyter-book, every notebook executed), then Debian's Chromium (/usr/bin/chromium), driven by
Playwright, prints that page twice:

- ``_build/pdf/instructor.pdf``: every solution unfolded, the instructors' pages included;
- ``_build/pdf/student.pdf``: the solutions and the instructors' pages are removed from the page
  before it is printed, so their text is not in the file at all (not merely hidden).

Before printing, the script waits until MathJax has typeset every equation (their numbers
included) and refuses to print raw TeX. A print style sheet (``tools/print.css``) starts each
chapter on a new page, wraps long code lines and keeps figures whole; a table of contents
with page numbers opens the book, and Chromium's footer numbers every page. Widgets show the
static picture the website shows. Nothing is fetched from the internet.

    python tools/pdf.py [--skip-build] [--out _build/pdf]
"""

from __future__ import annotations

import argparse
import functools
import html
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
import unicodedata
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without the networking flags Chromium keeps trying to reach the internet (FIELD-NOTES).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
EDITIONS = ("student", "instructor")
# Pages a student copy leaves out (as tools/student.py does): the instructors' pages.
INSTRUCTOR_PAGES = re.compile(r"^chapters/instructors")
RAW_TEX = ("$$", "\\frac", "\\partial", "\\begin{", "\\sum")


def build_site(out: Path) -> Path:
    """Build the book as one HTML page under out/site; return the folder of the page."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf8"))
    sphinx = config.setdefault("sphinx", {})
    local = sphinx.setdefault("local_extensions", {}) or {}
    sphinx["local_extensions"] = {k: str((ROOT / v).resolve()) for k, v in local.items()}
    sphinx["local_extensions"]["singlehtml_nodes"] = str(ROOT / "tools")
    sphinx.setdefault("config", {}).setdefault("extensions", []).append("singlehtml_nodes")
    out.mkdir(parents=True, exist_ok=True)
    (out / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf8")
    site = out / "site"
    shutil.rmtree(site, ignore_errors=True)
    jb = Path(sys.executable).with_name("jupyter-book")
    args = [str(jb), "build", str(ROOT), "--builder", "singlehtml"]
    args += ["--config", str(out / "_config.yml"), "--path-output", str(site)]
    if subprocess.run(args + ["-W", "-n", "--keep-going"]).returncode != 0:
        raise SystemExit("make pdf: the one-page build of the book failed (its log is above)")
    return site / "_build" / "singlehtml"


def book_page(folder: Path) -> Path:
    """The one page, copied to the folder's top, where its relative links (_static/) resolve."""
    root_doc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf8"))["root"]
    page = folder / "book.html"
    shutil.copy2(folder / f"{root_doc}.html", page)
    return page


def serve(folder: Path):
    """A quiet HTTP server for folder on 127.0.0.1; returns (server, base URL)."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


# Runs in the page: keep the article, unfold or remove the solutions, add the contents.
PREPARE = """
([edition, instructorPages, contentsTitle]) => {
  const article = document.querySelector("article.bd-article") || document.querySelector("main");
  document.body.replaceChildren(article);
  document.body.classList.add("bbh-print");
  const drop = (el) => el && el.remove();
  if (edition === "student") {
    document.querySelectorAll("div.solution").forEach(drop);
    for (const span of document.querySelectorAll('span[id^="document-"]')) {
      const doc = span.id.slice("document-".length);
      if (new RegExp(instructorPages).test(doc)) { drop(span.nextElementSibling); drop(span); }
    }
  }
  // Unfold what the website folds: solutions (sphinx-togglebutton) and hidden code cells.
  document.querySelectorAll(".toggle-hidden").forEach((el) => el.classList.remove("toggle-hidden"));
  document.querySelectorAll("button.toggle-button").forEach(drop);
  document.querySelectorAll("details").forEach((el) => { el.open = true; });
  // The chapters, each starting on a new page, listed in a table of contents.
  const chapters = [];
  for (const span of document.querySelectorAll('span[id^="document-"]')) {
    const section = span.nextElementSibling;
    const heading = section && section.querySelector("h2");
    if (!heading) continue;
    section.classList.add("bbh-chapter");
    chapters.push({id: section.id, title: heading.textContent.replace(/#$/, "").trim()});
  }
  const nav = document.createElement("nav");
  nav.className = "bbh-contents";
  const h = document.createElement("h2");
  h.textContent = contentsTitle;
  const list = document.createElement("ol");
  for (const ch of chapters) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = "#" + ch.id;
    a.textContent = ch.title;
    const page = document.createElement("span");
    page.className = "bbh-page";
    page.dataset.title = ch.title;
    li.append(a, page);
    list.append(li);
  }
  nav.append(h, list);
  // A title page, then the contents, then the welcome page's text.
  const title = article.querySelector("h1");
  title.after(nav);
  return chapters.map((ch) => ch.title);
}
"""

TYPESET = """
async () => {
  await MathJax.startup.promise;
  await document.fonts.ready;
  return document.querySelectorAll("mjx-container").length;
}
"""


def header(title: str, edition: str) -> str:
    style = "font-size:8px;width:100%;margin:0 14mm;color:#555;font-family:sans-serif"
    return f'<div style="{style}">{html.escape(title)} · {edition} edition</div>'


FOOTER = (
    '<div style="font-size:8px;width:100%;text-align:center;color:#555;font-family:sans-serif">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


def squeeze(text: str) -> str:
    """Text as PDF extraction and the page can both be compared: ligatures undone, spaces one."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def chapter_pages(pdf: Path, titles: list[str], skip: int) -> dict[str, int]:
    """The page (1-based) each chapter starts on: a new page that opens with its title."""
    from pypdf import PdfReader

    texts = [squeeze(p.extract_text() or "") for p in PdfReader(pdf).pages]
    pages, start = {}, skip
    for title in titles:
        for i in range(start, len(texts)):
            if texts[i].startswith(squeeze(title)):
                pages[title] = i + 1
                start = i + 1
                break
    return pages


def print_edition(browser, url: str, edition: str, title: str, out: Path) -> Path:
    """Print one edition to out/<edition>.pdf; return its path."""
    page = browser.new_page()
    blocked = []

    def offline(route):
        if route.request.url.startswith(url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", offline)
    page.goto(url + "book.html", wait_until="load")
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate(TYPESET)
    titles = page.evaluate(PREPARE, [edition, INSTRUCTOR_PAGES.pattern, "Contents"])
    page.add_style_tag(path=str(ROOT / "tools" / "print.css"))
    page.evaluate(TYPESET)
    # Code may print TeX on purpose (a plot's label); the prose and the equations may not.
    text = page.evaluate(
        """() => { const copy = document.body.cloneNode(true);
                   copy.querySelectorAll("pre, code, .highlight").forEach((el) => el.remove());
                   return copy.textContent; }"""
    )
    raw = [tex for tex in RAW_TEX if tex in text]
    if raw:
        raise SystemExit(f"make pdf: the {edition} edition still shows raw TeX {raw}")
    if page.locator("mjx-merror").count():
        raise SystemExit(f"make pdf: MathJax reports errors in the {edition} edition")
    options = dict(
        format="A4",
        print_background=True,
        display_header_footer=True,
        header_template=header(title, edition),
        footer_template=FOOTER,
        margin=dict(top="18mm", bottom="16mm", left="14mm", right="14mm"),
        outline=True,
        tagged=True,
    )
    path = out / f"{edition}.pdf"
    page.pdf(path=str(path), **options)
    # Second pass: the contents get the page numbers the first pass gave each chapter.
    contents_pages = 2  # the title page and the contents
    numbers = chapter_pages(path, titles, skip=contents_pages)
    page.evaluate(
        """(numbers) => document.querySelectorAll(".bbh-page").forEach((el) => {
             el.textContent = numbers[el.dataset.title] || ""; })""",
        numbers,
    )
    page.pdf(path=str(path), **options)
    page.close()
    if blocked:
        print(f"make pdf: blocked {len(blocked)} requests to the internet, e.g. {blocked[0]}")
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf")
    parser.add_argument("--skip-build", action="store_true", help="reuse the one-page build")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"make pdf needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
        return 2
    folder = args.out / "site" / "_build" / "singlehtml"
    if not args.skip_build:
        folder = build_site(args.out)
    page = book_page(folder)
    title = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf8"))["title"]
    from playwright.sync_api import sync_playwright

    server, url = serve(page.parent)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for edition in EDITIONS:
                path = print_edition(browser, url, edition, str(title), args.out)
                print(f"make pdf: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
            browser.close()
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
