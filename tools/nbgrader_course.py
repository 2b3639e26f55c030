"""Write the chapters' code exercises as an nbgrader course: ``make nbgrader``.

For every chapter with a code exercise, ``<out>/source/<chapter>/<chapter>.ipynb`` is the
chapter with nbgrader's own cell metadata:

- each exercise's stub cell becomes an "autograded answer" cell: the stub, with the reference
  solution between nbgrader's ``### BEGIN SOLUTION`` / ``### END SOLUTION`` markers (the
  stub's hint comments stay above them, so the released version keeps its scaffolding);
- its check cell becomes a read-only "autograder tests" cell that asserts the checker's
  verdict and carries the exercise's points (``DEFAULT_POINTS``, or ``POINTS[label]``);
- the solution blocks are dropped, as are the cells that only keep the website's prose
  honest (tag ``check-prose``);
- every other cell becomes read-only.

Then ``nbgrader generate_assignment`` makes the student version, ``nbgrader autograde``
grades submissions, and ``nbgrader generate_feedback`` shows each student the checker's
diagnosis. The chapters themselves are not changed: this is a build output.

Running it again replaces ``source/`` only. ``nbgrader_config.py`` is written the first time,
with the course id taken from the repository's name and the title from ``_config.yml`` (both set
by ``make adapt``); after that it is the instructor's, and kept as they left it, as are the
gradebook and nbgrader's other folders.

    python tools/nbgrader_course.py [--out _build/nbgrader]
"""

from __future__ import annotations

import argparse
import ast
import difflib
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]

#: Points for a code exercise; change one exercise's in POINTS, by its label.
DEFAULT_POINTS = 2
POINTS: dict[str, int] = {"ex-loss-and-grads": 4}

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
COURSE_ID = "backprop-by-hand"  # when _config.yml names no repository
CHECK = re.compile(r"\bbp\.exercises\.(check_\w+)\(")
LABEL = re.compile(r":label:\s*(\S+)")
# Stub lines that only hold the place of the answer: dropped from the answer cell.
PLACEHOLDER = re.compile(r"^\s*(\.\.\.|pass|raise NotImplementedError\b.*)$")
ASSIGN_STUB = re.compile(r"^\s*[^=#]+?=\s*\.\.\.(\s*#.*)?$")
NOQA = re.compile(r"\s*# noqa: F811.*$")

CONFIG = """# nbgrader settings for the course: {title}
# Written once by make nbgrader, which keeps this file from then on: edit it freely.

c = get_config()  # noqa: F821 (nbgrader provides it)
c.CourseDirectory.course_id = {course!r}
c.CourseDirectory.root = "."
# The released answer cells: the student sees the stub's hints, then this.
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}
# Chapters train small networks; a generous limit per cell.
c.Execute.timeout = 300
"""


@dataclass
class Exercise:
    label: str
    stub: int  # index of the stub cell in the chapter
    solutions: list = field(default_factory=list)  # indices of the solution code cells
    check: int | None = None  # index of the check cell


def _tags(cell) -> list:
    return cell.get("metadata", {}).get("tags", [])


def _directive(cell, name) -> bool:
    return cell.cell_type == "markdown" and re.search(r"```\{" + name + r"\}", cell.source)


def find_exercises(nb) -> list[Exercise]:
    """The code exercises of a chapter: stub cell, solution cells and check cell of each."""
    found, current, in_solution = [], None, False
    for i, cell in enumerate(nb.cells):
        if _directive(cell, "exercise-start"):
            label = LABEL.search(cell.source)
            current = Exercise(label.group(1) if label else f"exercise-{i}", stub=-1)
        elif current and cell.cell_type == "code" and current.stub < 0 and not in_solution:
            current.stub = i
        elif _directive(cell, "solution-start"):
            in_solution = True
        elif _directive(cell, "solution-end"):
            in_solution = False
        elif in_solution and current and cell.cell_type == "code" and "solution" in _tags(cell):
            current.solutions.append(i)
        elif current and cell.cell_type == "code" and CHECK.search(cell.source):
            current.check = i
            if current.stub >= 0 and current.solutions:
                found.append(current)
            current = None
    return found


def answer_source(stub: str, solution: str) -> str:
    """The stub with the solution put between nbgrader's markers, where the two differ."""
    stub_lines = stub.splitlines()
    sol_lines = [NOQA.sub("", line) for line in solution.splitlines()]
    out = []
    matcher = difflib.SequenceMatcher(a=stub_lines, b=sol_lines, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            out += sol_lines[b0:b1]
            continue
        hints, kept = [], []
        for line in stub_lines[a0:a1]:
            text = line.strip()
            if text.startswith("#"):
                hints.append(line)
            elif ASSIGN_STUB.match(line):  # `name = ...  # what to put here` becomes a hint
                hints.append(line[: len(line) - len(line.lstrip())] + "# " + text)
            elif text and not PLACEHOLDER.match(line):
                kept.append(line)
        answer = sol_lines[b0:b1]
        if not any(line.strip() for line in answer):
            out += hints + kept
            continue
        first = next(line for line in answer if line.strip())
        indent = first[: len(first) - len(first.lstrip())]
        out += hints + kept + [indent + BEGIN] + answer + [indent + END]
    return "\n".join(out).rstrip() + "\n"


def test_source(check_cell: str) -> str:
    """The autograder test: run every check of the cell, then assert all passed."""
    calls = [
        ast.get_source_segment(check_cell, node.value)
        for node in ast.parse(check_cell).body
        if isinstance(node, ast.Expr) and CHECK.search(ast.get_source_segment(check_cell, node))
    ]
    lines = ["verdicts = ["] + [f"    {call}," for call in calls] + ["]"]
    lines.append('assert all(verdicts), "not right yet: the lines above say what to fix"')
    return "\n".join(lines) + "\n"


def _meta(grade_id, *, solution=False, grade=False, locked=True, points=None) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if points is not None:
        meta["points"] = points
    return meta


def nbgrader_notebook(nb):
    """The chapter as an nbgrader source notebook, or None if it has no code exercise."""
    exercises = find_exercises(nb)
    if not exercises:
        return None
    by_stub = {ex.stub: ex for ex in exercises}
    by_check = {ex.check: ex for ex in exercises}
    out = nbformat.v4.new_notebook(metadata=nb.metadata)
    in_solution = False
    for i, cell in enumerate(nb.cells):
        if _directive(cell, "solution-start"):
            in_solution = True
        drop = in_solution or "solution" in _tags(cell) or "check-prose" in _tags(cell)
        if _directive(cell, "solution-end"):
            in_solution = False
        if drop:
            continue
        cell = nbformat.from_dict(dict(cell))
        if i in by_stub:
            ex = by_stub[i]
            solution = "\n\n\n".join(nb.cells[j].source for j in ex.solutions)
            cell.source = answer_source(cell.source, solution)
            cell.metadata["nbgrader"] = _meta(ex.label, solution=True, locked=False)
        elif i in by_check:
            ex = by_check[i]
            cell.source = test_source(cell.source)
            points = POINTS.get(ex.label, DEFAULT_POINTS)
            cell.metadata["nbgrader"] = _meta(f"test-{ex.label}", grade=True, points=points)
        else:
            cell.metadata["nbgrader"] = _meta(f"cell-{i}")
        out.cells.append(cell)
    return out


def course_settings(root: Path = ROOT) -> tuple[str, str]:
    """(course id, title): the repository's name and the book's title, from _config.yml."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf8"))
    url = str((config.get("repository") or {}).get("url") or "").rstrip("/")
    name = re.sub(r"[^a-z0-9_-]+", "-", url.rsplit("/", 1)[-1].lower()).strip("-")
    return name or COURSE_ID, " ".join(str(config.get("title") or "").split())


def write_course(out: Path, chapters: Path = ROOT / "chapters", root: Path = ROOT) -> list[str]:
    """Write source/<chapter>/<chapter>.ipynb, and nbgrader_config.py unless there is one."""
    if (out / "source").exists():
        shutil.rmtree(out / "source")
    (out / "source").mkdir(parents=True)
    config = out / "nbgrader_config.py"
    if not config.exists():
        course, title = course_settings(root)
        config.write_text(CONFIG.format(course=course, title=title), encoding="utf8")
    assignments = []
    for path in sorted(chapters.glob("*.ipynb")):
        converted = nbgrader_notebook(nbformat.read(path, as_version=4))
        if converted is None:
            continue
        folder = out / "source" / path.stem
        folder.mkdir()
        nbformat.write(converted, folder / path.name)
        assignments.append(path.stem)
    return assignments


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "nbgrader")
    args = parser.parse_args(argv)
    kept = (args.out / "nbgrader_config.py").exists()
    assignments = write_course(args.out)
    print(
        f"nbgrader course in {args.out}: {len(assignments)} assignments ({', '.join(assignments)})"
    )
    if kept:
        print(f"Kept your {args.out / 'nbgrader_config.py'} as it was.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
