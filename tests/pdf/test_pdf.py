"""The printed book (`make pdf`), read back with pypdf: `make test-pdf` builds it, then runs this.

The two PDFs take a few minutes to build (every notebook is executed, and Chromium prints
the book twice), so this is not part of `make test`. It checks what a reader holds: the page
count, every chapter's title, equations typeset rather than left as TeX, every figure, and
a student edition with no line of any solution in it.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path

import pytest
import yaml

pypdf = pytest.importorskip("pypdf")

ROOT = Path(__file__).resolve().parents[2]
PDF_DIR = Path(os.environ.get("PDF_DIR", ROOT / "_build" / "pdf"))
PAGE = PDF_DIR / "site" / "_build" / "singlehtml" / "book.html"
RAW_TEX = ("$$", "\\frac", "\\partial")
INSTRUCTOR_PAGES = re.compile(r"^chapters/instructors")


def squeeze(text: str) -> str:
    """Ligatures undone (PDF text has "ﬀ" for "ff"), runs of spaces made one."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture(scope="module")
def editions() -> dict[str, list[str]]:
    """Each edition's pages as text, whitespace squeezed."""
    found = {}
    for edition in ("student", "instructor"):
        path = PDF_DIR / f"{edition}.pdf"
        if not path.exists():
            pytest.fail(f"{path} is missing: run `make pdf` (or `make test-pdf`)", pytrace=False)
        found[edition] = [squeeze(p.extract_text() or "") for p in pypdf.PdfReader(path).pages]
    return found


def toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf8"))
    return [toc["root"]] + [ch["file"] for part in toc["parts"] for ch in part["chapters"]]


def title(page: str) -> str:
    """The first level-1 heading of a page's source."""
    md, nb = ROOT / f"{page}.md", ROOT / f"{page}.ipynb"
    if md.exists():
        text = md.read_text(encoding="utf8")
    else:
        cells = json.loads(nb.read_text(encoding="utf8"))["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return re.search(r"^# (.+)$", text, re.M)[1].strip()


def cells(tag_filter):
    for page in toc_pages():
        path = ROOT / f"{page}.ipynb"
        if path.exists():
            for cell in json.loads(path.read_text(encoding="utf8"))["cells"]:
                if tag_filter(set(cell.get("metadata", {}).get("tags", []))):
                    yield cell["cell_type"], "".join(cell["source"])


# What a chapter's code prints of the package's own source (a function, or a buggy loop kept
# as text) is shown to every reader: a solution line that equals one of its lines is no leak.
PRINTED = re.compile(r"inspect\.getsource\((bp\.[\w.]+)\)|print\((bp\.[\w.]+)\)")


def printed_package_code(shown: str) -> str:
    import inspect

    import backproplab as bp

    found = []
    for m in PRINTED.finditer(shown):
        value = eval(m[1] or m[2], {"bp": bp})  # a dotted name from the chapters' own code
        found.append(value if isinstance(value, str) else inspect.getsource(value))
    return "\n".join(found)


def solution_lines() -> set[str]:
    """Distinctive code lines of the solutions: long, no comment, shown nowhere else."""
    shown = "\n".join(src for _, src in cells(lambda tags: "solution" not in tags))
    shown += "\n" + printed_package_code(shown)
    return {
        squeeze(line)
        for kind, src in cells(lambda tags: "solution" in tags)
        if kind == "code"
        for line in src.splitlines()
        if len(line.strip()) >= 20
        and not line.strip().startswith("#")
        and line.strip() not in shown
    }


def test_the_student_edition_is_shorter_by_its_solutions_and_both_are_books(editions):
    chapters = len(toc_pages())
    student, instructor = len(editions["student"]), len(editions["instructor"])
    assert chapters + 2 <= student < instructor, (student, instructor)


def test_every_page_is_numbered(editions):
    for edition, pages in editions.items():
        total = len(pages)
        for number in (1, total // 2, total):
            assert f"{number} / {total}" in pages[number - 1], f"{edition}: page {number}"


def test_every_chapter_title_is_in_the_book_and_its_contents(editions):
    for edition, pages in editions.items():
        text = " ".join(pages)
        for page in toc_pages():
            if edition == "student" and INSTRUCTOR_PAGES.match(page):
                # Named in the welcome page's map, but not printed: no page opens with it.
                opens = [p for p in pages if p.startswith(squeeze(title(page)))]
                assert opens == [], f"the student edition prints {page}"
                continue
            assert squeeze(title(page)) in text, f"{edition} edition lacks {title(page)!r}"
        contents = pages[1]
        assert contents.startswith("Contents") or "Contents" in contents[:80], contents[:200]
        # The contents give each chapter the page it starts on.
        for page in toc_pages()[1:]:
            if edition == "student" and INSTRUCTOR_PAGES.match(page):
                continue
            number = re.search(re.escape(squeeze(title(page))) + r" (\d+)", contents)
            assert number, f"{edition}: no page number for {title(page)!r} in the contents"
            assert pages[int(number[1]) - 1].startswith(squeeze(title(page))), title(page)


def test_no_raw_tex_outside_the_code(editions):
    # Code may hold TeX on purpose (a plot's label r"$\partial L$"); prose and equations not.
    code = squeeze("\n".join(src for kind, src in cells(lambda tags: True) if kind == "code"))
    for edition, pages in editions.items():
        for number, text in enumerate(pages, 1):
            for tex in RAW_TEX:
                for m in re.finditer(re.escape(tex), text):
                    around = text[max(0, m.start() - 30) : m.end() + 30]
                    pieces = [p for p in re.split(r"\s{2,}", around) if tex in p]
                    assert any(p.strip() in code for p in pieces) or around.strip() in code, (
                        f"{edition} edition, page {number}: raw TeX {tex!r} in '{around}'"
                    )


def test_the_student_edition_holds_no_solution_and_the_instructors_all(editions):
    lines = solution_lines()
    assert len(lines) > 20
    instructor = squeeze(" ".join(editions["instructor"]))
    student = squeeze(" ".join(editions["student"]))
    found = [line for line in lines if line in instructor]
    # Text extraction from PDF is not perfect; most lines must come back, or the check is void.
    assert len(found) >= 0.8 * len(lines), sorted(lines - set(found))[:5]
    leaked = [line for line in found if line in student]
    assert leaked == [], leaked[:5]
    assert "Solution to" in instructor and "Solution to" not in student


def test_every_figure_is_printed(editions):
    html = PAGE.read_text(encoding="utf8")
    parts = re.split(r'<span id="document-([^"]+)"></span>', html)
    # parts: [root page, name, its html, name, its html, ...]
    student_html = parts[0] + "".join(
        body
        for name, body in zip(parts[1::2], parts[2::2], strict=True)
        if not INSTRUCTOR_PAGES.match(name)
    )
    expected = {"instructor": html.count("<img "), "student": student_html.count("<img ")}
    assert expected["instructor"] >= 15
    for edition in editions:
        reader = pypdf.PdfReader(PDF_DIR / f"{edition}.pdf")
        images = sum(len(page.images) for page in reader.pages)
        assert images == expected[edition], (edition, images, expected[edition])
