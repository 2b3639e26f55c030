"""Student copies of the chapters: what an instructor hands out, and nothing more.

One tool for both ways a student gets the chapters, so they cannot drift:

    python tools/student.py _build/student   # `make student`
    python tools/student.py chapters         # Binder's postBuild: in place

A student copy
- drops the cells tagged ``solution`` or ``check-prose`` (nbconvert's TagRemovePreprocessor)
  and every output;
- leaves out the instructors' pages (``chapters/instructors*.md``) and keeps the other
  pages of chapters/ (the welcome page, the exercise index);
- rewrites each MyST reference that JupyterLab cannot resolve into a plain Markdown link:
  jupyterlab-myst resolves ``{eq}``/``{ref}``/``{numref}`` only to labels of the same
  notebook, and shows any other as "⚠ label". An equation of another chapter becomes
  "[(3) in chapter 2](https://<site>/chapters/02-problem.html#equation-eq-loss)", numbered
  as the website numbers it; a page becomes a link to its student copy (or to the website,
  for a page students do not get); a figure of the same notebook, whose caption lives in
  the cell's metadata where JupyterLab does not show it, becomes "the figure above/below".

It needs only nbformat, nbconvert and PyYAML, which JupyterLab brings along, so postBuild
runs it in Binder's lean student environment. The numbers and anchors are Sphinx's: with ``numfig`` and no numbered sections, equations
(labelled display math), figures (named) and exercises are numbered across the whole book
in the order of _toc.yml, and an anchor is docutils' id of the label.
"""

from __future__ import annotations

import argparse
import fnmatch
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import nbformat
import yaml
from nbconvert.preprocessors import ClearOutputPreprocessor, TagRemovePreprocessor

ROOT = Path(__file__).resolve().parents[1]
#: Cells a student never gets: the answers, and the asserts that keep the website honest.
DROP_TAGS = ("solution", "check-prose")
#: Pages of chapters/ a student never gets (issue 14: the instructors' pages).
INSTRUCTOR_PAGES = "instructors*.md"
#: Sphinx hides these cells from the website, so they take no number there.
HIDDEN_TAGS = ("remove-cell",)

ROLE = re.compile(r"\{(eq|numref|ref|doc)\}`([^`]+)`")
EXPLICIT = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.S)
EQ_LABEL = re.compile(r"\$\$[ \t]*\(([A-Za-z0-9_.:-]+)\)")
DIRECTIVE = re.compile(
    r"^[ \t]*(`{3,}|:{3,})\{([\w-]+)\}[ \t]*([^\n]*)\n((?:[ \t]*:[\w-]+:[^\n]*\n)*)", re.M
)
OPTION = re.compile(r"^[ \t]*:([\w-]+):[ \t]*(.*?)[ \t]*$", re.M)
TARGET = re.compile(r"^\(([A-Za-z0-9_.:-]+)\)=[ \t]*\n+[ \t]*#+[ \t]+(.+)$", re.M)
# A fenced block of literal text (not a {directive}): examples in it are not references.
CODE_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})(?!\s*\{)[^\n]*\n.*?^[ \t]*\1[ \t]*$", re.M | re.S)
HEADING = re.compile(r"^#[ \t]+(.+?)[ \t]*$", re.M)
FORMAT = {"equation": "({number})", "figure": "Fig. {number}", "exercise": "Exercise {number}"}


def make_id(text: str) -> str:
    """docutils' id for a label (how Sphinx spells the anchor): lower case, '-' between words."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass
class Target:
    """Something a reference can point at, where the website puts it."""

    label: str
    kind: str  # "equation", "figure", "exercise" or "section"
    doc: str  # docname, e.g. "chapters/02-problem"
    cell: int  # index of the defining cell in its page (0 for a .md page)
    kept: bool  # still in the student copy (not in a dropped cell)
    in_markdown: bool  # defined in Markdown, where jupyterlab-myst can see it
    title: str = ""
    number: int | None = None

    @property
    def anchor(self) -> str:
        return make_id(("equation-" if self.kind == "equation" else "") + self.label)


@dataclass
class Page:
    doc: str
    path: Path
    title: str
    nb: nbformat.NotebookNode | None  # None for a .md page
    text: str = ""  # a .md page's text


def _source(cell) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def _tags(cell) -> list:
    return list(cell.get("metadata", {}).get("tags", []))


class Book:
    """The book as Sphinx sees it: its pages in _toc.yml order, and every numbered target."""

    def __init__(self, root: Path = ROOT):
        self.root = Path(root)
        config = yaml.safe_load((self.root / "_config.yml").read_text())
        self.site = site_url(config)
        toc = yaml.safe_load((self.root / "_toc.yml").read_text())
        self.pages = [self._read(doc) for doc in _toc_docs(toc)]
        self.by_doc = {page.doc: page for page in self.pages}
        self.targets: dict[str, Target] = {}
        counters = dict.fromkeys(FORMAT, 0)
        for page in self.pages:
            for target in self._targets(page):
                if target.kind in counters:
                    counters[target.kind] += 1
                    target.number = counters[target.kind]
                self.targets.setdefault(target.label, target)

    def _read(self, doc: str) -> Page:
        for suffix in (".ipynb", ".md"):
            path = self.root / (doc + suffix)
            if path.exists():
                break
        else:
            raise FileNotFoundError(f"_toc.yml names {doc}, which has no .ipynb or .md file")
        if path.suffix == ".ipynb":
            nb = nbformat.read(path, as_version=4)
            text = "\n".join(_source(c) for c in nb.cells if c.cell_type == "markdown")
            return Page(doc, path, _title(text, doc), nb)
        text = path.read_text()
        return Page(doc, path, _title(text, doc), None, text)

    def _targets(self, page: Page):
        """The page's labelled things, in the order Sphinx meets them."""
        cells = page.nb.cells if page.nb is not None else [nbformat.v4.new_markdown_cell(page.text)]
        for i, cell in enumerate(cells):
            tags = _tags(cell)
            if any(t in tags for t in HIDDEN_TAGS):
                continue
            kept = not any(t in tags for t in DROP_TAGS)
            text = _source(cell)
            if cell.cell_type == "code":
                figure = cell.get("metadata", {}).get("mystnb", {}).get("figure", {})
                if figure.get("name"):
                    yield Target(figure["name"], "figure", page.doc, i, kept, False)
                continue
            if cell.cell_type != "markdown":
                continue
            text = _blank_code(text)
            found = []  # (position, target): equations and directives interleave
            for m in EQ_LABEL.finditer(text):
                found.append((m.start(), Target(m[1], "equation", page.doc, i, kept, True)))
            for m in DIRECTIVE.finditer(text):
                name, argument = m[2], m[3].strip()
                options = dict(OPTION.findall(m[4]))
                label = options.get("label") or options.get("name")
                if name == "math" and label:
                    kind = "equation"
                elif name in ("exercise", "exercise-start"):
                    kind = "exercise"
                elif name == "figure" and label:
                    kind = "figure"
                else:
                    continue
                target = Target(label or "", kind, page.doc, i, kept, True, title=argument)
                found.append((m.start(), target))
            for m in TARGET.finditer(text):
                found.append((m.start(), Target(m[1], "section", page.doc, i, kept, True, m[2])))
            yield from (target for _, target in sorted(found, key=lambda pair: pair[0]))

    # -- what a student gets ---------------------------------------------------------------
    def student_pages(self, source_dir: Path) -> list[Path]:
        """The files of `source_dir` a student copy holds: every notebook, no instructor page."""
        return [
            path
            for path in sorted(source_dir.iterdir())
            if path.is_file() and not fnmatch.fnmatch(path.name, INSTRUCTOR_PAGES)
        ]

    def is_student_page(self, doc: str) -> bool:
        page = self.by_doc.get(doc)
        return page is not None and not fnmatch.fnmatch(page.path.name, INSTRUCTOR_PAGES)

    def url(self, doc: str, anchor: str = "") -> str:
        return f"{self.site}{doc}.html" + (f"#{anchor}" if anchor else "")

    def rewrite(self, text: str, doc: str, cell: int | None) -> str:
        """`text` of page `doc` (cell index `cell` of a notebook, None for a .md page), with
        every reference a student's JupyterLab cannot resolve turned into plain Markdown."""
        here = PurePosixPath(doc).parent
        code = [m.span() for m in CODE_FENCE.finditer(text)]

        def replace(m: re.Match) -> str:
            if any(start <= m.start() < end for start, end in code):
                return m[0]  # an example in a code block, shown as written
            role, content = m[1], m[2].strip()
            explicit = EXPLICIT.match(content)
            title, label = (explicit[1].strip(), explicit[2].strip()) if explicit else ("", content)
            if role == "doc":
                return self._doc_link(title, label, here)
            target = self.targets.get(label)
            if target is None:
                return m[0]  # unknown to the book as well: the book build reports it
            same_page = target.doc == doc and cell is not None
            if same_page and target.kept and target.in_markdown:
                return m[0]  # jupyterlab-myst resolves it within the notebook
            if same_page and target.kind == "figure" and target.kept:
                where = "above" if target.cell < cell else "below"
                return f"{_sentence_case('the', m)} figure {where}"
            # "{eq}`x` of chapter 3" already names the chapter: the link need not repeat it.
            named = re.match(
                r"(?:,?\s*(?:and|or|,)\s*\{eq\}`[^`]+`)*"  # a list of equations, named once
                r"\s+(?:of|in|from)\s+" + re.escape(chapter_name(self.by_doc[target.doc])) + r"\b",
                text[m.end() :],
            )
            return self._target_link(role, title, target, same_page or bool(named))

        return ROLE.sub(replace, text)

    def _doc_link(self, title: str, target: str, here: PurePosixPath) -> str:
        doc = _normalise(target.lstrip("/") if target.startswith("/") else str(here / target))
        page = self.by_doc.get(doc)
        text = title or (page.title if page else target)
        if page is not None and self.is_student_page(doc):
            return f"[{text}]({page.path.name})"
        return f"[{text}]({self.url(doc)})"

    def _target_link(self, role: str, title: str, target: Target, same_page: bool) -> str:
        page = self.by_doc[target.doc]
        if role == "eq" or (role == "numref" and not title):
            text = FORMAT.get(target.kind, "{title}").format(
                number=target.number, title=target.title or target.label
            )
        elif role == "numref":
            text = title.replace("%s", str(target.number)).replace("{number}", str(target.number))
        else:
            text = title or target.title or target.label
        if not same_page and role in ("eq", "numref"):
            text += f" in {chapter_name(page)}"
        if role == "ref" and not same_page and self.is_student_page(target.doc):
            return f"[{text}]({page.path.name})"  # where the student does the exercise
        return f"[{text}]({self.url(target.doc, target.anchor)})"

    def student_notebook(self, doc: str) -> nbformat.NotebookNode:
        page = self.by_doc[doc]
        nb = nbformat.from_dict(page.nb)  # a copy, with each cell's index in the original
        for i, cell in enumerate(nb.cells):
            cell.metadata["_bp_index"] = i
            if cell.cell_type == "markdown":
                cell.source = self.rewrite(_source(cell), doc, i)
        nb, _ = TagRemovePreprocessor(enabled=True, remove_cell_tags=set(DROP_TAGS)).preprocess(
            nb, {}
        )
        nb, _ = ClearOutputPreprocessor(enabled=True).preprocess(nb, {})
        for cell in nb.cells:
            del cell.metadata["_bp_index"]
        return nb


def _blank_code(text: str) -> str:
    """`text` with its literal code blocks blanked out (same length, so positions hold)."""
    return CODE_FENCE.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), text)


def _sentence_case(word: str, m: re.Match) -> str:
    """`word`, capitalised if the match `m` starts a sentence, a list item or a table cell."""
    before = m.string[: m.start()].rstrip(" \t")
    line = before.rsplit("\n", 1)[-1]
    starts = not before or before.endswith((".", "!", "?", "|", "\n"))
    starts = starts or re.fullmatch(r"\s*(?:[-*+]|\d+[.)])", line) is not None
    return word.capitalize() if starts else word


def chapter_name(page: Page) -> str:
    """How the prose names a page: "chapter 2" for chapters/02-problem, else its title."""
    number = re.match(r"(\d+)-", page.path.name)
    return f"chapter {int(number[1])}" if number else f"“{page.title}”"


def site_url(config: dict) -> str:
    """The website's address, ending in '/': html.baseurl if set, else the GitHub Pages
    address of repository.url (https://github.com/OWNER/REPO -> https://OWNER.github.io/REPO/)."""
    base = (config.get("html") or {}).get("baseurl") or ""
    if base:
        return base.rstrip("/") + "/"
    repo = (config.get("repository") or {}).get("url", "")
    m = re.match(r"https?://github\.com/([^/]+)/([^/#?]+?)(?:\.git)?/?$", repo)
    if not m:
        raise ValueError(
            f"_config.yml: repository.url {repo!r} is not a GitHub address; "
            "set html.baseurl to the website's address"
        )
    owner, name = m[1], m[2]
    if name.lower() == f"{owner.lower()}.github.io":
        return f"https://{name.lower()}/"
    return f"https://{owner.lower()}.github.io/{name}/"


def _toc_docs(toc: dict) -> list[str]:
    docs = [_normalise(toc["root"])]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                docs.append(_normalise(entry["file"]))
            walk(entry.get("sections"))
            walk(entry.get("chapters"))
            walk(entry.get("parts"))

    walk(toc.get("chapters"))
    walk(toc.get("parts"))
    return docs


def _normalise(doc: str) -> str:
    doc = re.sub(r"\.(ipynb|md)$", "", doc)
    parts: list[str] = []
    for part in PurePosixPath(doc).parts:
        if part == "..":
            parts = parts[:-1]
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def _title(text: str, fallback: str) -> str:
    m = HEADING.search(re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S))
    return m[1].strip() if m else fallback


def write_student_copies(out: Path, root: Path = ROOT, chapters: str = "chapters") -> list[Path]:
    """Write the student copies of `root/chapters` into `out` (which may be that folder)."""
    book = Book(root)  # everything is read before anything is written: `out` may be the source
    source = (root / chapters).resolve()
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in book.student_pages(source):
        doc = f"{chapters}/{path.stem}"
        dest = out / path.name
        if path.suffix == ".ipynb":
            if doc not in book.by_doc:
                raise ValueError(f"{path} is not in _toc.yml, so it has no place in the book")
            nbformat.write(book.student_notebook(doc), dest)
        elif path.suffix == ".md" and doc in book.by_doc:
            dest.write_text(book.rewrite(book.by_doc[doc].text, doc, None))
        elif dest != path:
            shutil.copy2(path, dest)
        written.append(dest)
    if out == source:
        for path in source.glob(INSTRUCTOR_PAGES):
            path.unlink()
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="where to write them (chapters: in place)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the book (default: this repo)")
    args = parser.parse_args(argv)
    written = write_student_copies(args.out, args.root)
    print(f"{len(written)} student files in {args.out}/ (no solutions, no instructors' pages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
