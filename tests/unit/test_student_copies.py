"""Exercises follow the cell pattern, and student copies hold what an instructor hands out.

The pattern, per exercise (see chapters/exercises.md and the instructors' page):
exercise-start (markdown), [stub code cell tagged raises-exception], exercise-end,
solution-start ... solution-end (every cell tagged "solution"), then for a code exercise a
check cell calling bp.exercises.check_*. `make student` and Binder's `postBuild` both run
tools/student.py, which drops the cells tagged "solution" or "check-prose" and the
instructors' pages, and turns references JupyterLab cannot resolve into plain links; these
tests run both for real, and the tool on small books made up for the purpose.
"""

import ast
import contextlib
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import backproplab as bp

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
PAGES = sorted((ROOT / "chapters").glob("*.md"))
INSTRUCTOR_PAGES = [p for p in PAGES if p.name.startswith("instructors")]
DROPPED = ("solution", "check-prose")
ROLE = re.compile(r"\{(eq|numref|ref|doc)\}`([^`]+)`")
_spec = importlib.util.spec_from_file_location("student", ROOT / "tools" / "student.py")
student = importlib.util.module_from_spec(_spec)
sys.modules["student"] = student  # dataclasses look their module up there
_spec.loader.exec_module(student)
VENV_BIN = ROOT / ".venv" / "bin"
LABEL = re.compile(r":label:\s*(ex-[A-Za-z0-9-]+)")
CHECK = re.compile(r"\bbp\.exercises\.(check_[a-z0-9_]+)\(")


def source(cell) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def tags(cell) -> list:
    return cell.get("metadata", {}).get("tags", [])


def opens(cell, directive) -> bool:
    return cell["cell_type"] == "markdown" and bool(
        re.search(r"^(`{3,}|:{3,})\{" + directive + r"\}", source(cell), re.M)
    )


@dataclass
class Exercise:
    """One exercise found in a notebook: where its parts are (cell indices)."""

    notebook: str
    label: str
    start: int
    end: int  # the exercise-end cell
    stubs: list  # code cells inside the exercise block
    solution: list  # cells from solution-start to solution-end, inclusive (may be empty)
    check: int | None  # the check cell after the solution (or after exercise-end)

    @property
    def kind(self) -> str:
        return "code" if self.stubs else "pen-and-paper or prediction"


def find_exercises(path: Path) -> list:
    """Every exercise of a notebook, parsed from its cells (works on student copies too)."""
    cells = json.loads(path.read_text())["cells"]
    found = []
    for i, cell in enumerate(cells):
        if not opens(cell, "exercise-start"):
            continue
        match = LABEL.search(source(cell))
        label = match.group(1) if match else f"<no label, cell {i}>"
        end = i if "{exercise-end}" in source(cell) else None  # a block in one cell
        j = i + 1
        while end is None and j < len(cells):
            if opens(cells[j], "exercise-end"):
                end = j
            elif opens(cells[j], "exercise-start"):
                break
            j += 1
        if end is None:
            found.append(Exercise(path.name, label, i, -1, [], [], None))
            continue
        stubs = [j for j in range(i + 1, end) if cells[j]["cell_type"] == "code"]
        k, solution = end + 1, []
        if k < len(cells) and opens(cells[k], "solution-start"):
            while k < len(cells):
                solution.append(k)
                if opens(cells[k], "solution-end"):
                    break
                k += 1
            k += 1
        check = k if k < len(cells) and CHECK.search(source(cells[k])) else None
        found.append(Exercise(path.name, label, i, end, stubs, solution, check))
    return found


def cells_of(path: Path) -> list:
    return json.loads(path.read_text())["cells"]


EXERCISES = [ex for nb in CHAPTERS for ex in find_exercises(nb)]
CODE_EXERCISES = [ex for ex in EXERCISES if ex.stubs]


def fresh(ex: Exercise) -> tuple:
    """Re-read the exercise and its notebook now (a chapter may have changed since collection)."""
    path = ROOT / "chapters" / ex.notebook
    cells = cells_of(path)
    now = {e.label: e for e in find_exercises(path)}
    assert ex.label in now, f"{ex.label} is gone from {ex.notebook}"
    return now[ex.label], cells


def ids(exercises):
    return [f"{ex.notebook}:{ex.label}" for ex in exercises]


# --------------------------------------------------------------------------------------
# The chapters as written: every exercise follows the pattern
# --------------------------------------------------------------------------------------
def test_the_course_has_exercises_with_unique_labels():
    labels = [ex.label for ex in EXERCISES]
    assert len(labels) >= 1, "no exercise-start block in any chapter"
    assert all(label.startswith("ex-") for label in labels), labels
    assert len(set(labels)) == len(labels), f"duplicate labels: {labels}"


@pytest.mark.parametrize("ex", EXERCISES, ids=ids(EXERCISES))
def test_every_exercise_has_an_end_and_a_folded_solution_tagged_solution(ex):
    ex, cells = fresh(ex)
    assert ex.end >= 0, f"{ex.label}: exercise-start without exercise-end"
    assert ex.solution, f"{ex.label}: no solution-start block right after exercise-end"
    first, last = cells[ex.solution[0]], cells[ex.solution[-1]]
    head = source(first)
    assert re.search(r"\{solution-start\}\s+" + re.escape(ex.label) + r"\s*$", head, re.M), head
    assert ":class: dropdown" in head, f"{ex.label}: the solution is not folded (dropdown)"
    assert opens(last, "solution-end"), f"{ex.label}: solution-start without solution-end"
    assert len(ex.solution) >= 3, f"{ex.label}: the solution block is empty"
    untagged = [k for k in ex.solution if "solution" not in tags(cells[k])]
    assert not untagged, f"{ex.label}: cells {untagged} of the solution are not tagged solution"
    outside = [
        k for k in range(ex.start, ex.end + 1) if "solution" in tags(cells[k])
    ]  # the task itself must reach the student
    assert not outside, f"{ex.label}: exercise cells {outside} are tagged solution"


@pytest.mark.parametrize("ex", CODE_EXERCISES, ids=ids(CODE_EXERCISES))
def test_every_code_exercise_has_a_stub_a_solution_cell_and_a_check_cell(ex):
    ex, cells = fresh(ex)
    for k in ex.stubs:
        assert "raises-exception" in tags(cells[k]), f"{ex.label}: stub cell {k} not tagged"
        assert "solution" not in tags(cells[k])
    code = [k for k in ex.solution if cells[k]["cell_type"] == "code"]
    assert code, f"{ex.label}: the solution has no code cell"
    assert ex.check is not None, f"{ex.label}: no bp.exercises.check_* cell after the solution"
    check = cells[ex.check]
    assert check["cell_type"] == "code" and "solution" not in tags(check)
    for name in CHECK.findall(source(check)):
        assert callable(getattr(bp.exercises, name, None)), f"bp.exercises.{name} does not exist"


def defined_names(code: str) -> set:
    names = set()
    for node in ast.parse(code).body:
        if isinstance(node, ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


@pytest.mark.parametrize("ex", CODE_EXERCISES, ids=ids(CODE_EXERCISES))
def test_the_solution_defines_what_the_stub_defines_and_the_check_uses_it(ex):
    ex, cells = fresh(ex)
    stub = set().union(*(defined_names(source(cells[k])) for k in ex.stubs))
    solved = set().union(
        *(defined_names(source(cells[k])) for k in ex.solution if cells[k]["cell_type"] == "code")
    )
    assert stub, f"{ex.label}: the stub defines nothing"
    assert stub <= solved, f"{ex.label}: the solution does not define {sorted(stub - solved)}"
    call = ast.parse(source(cells[ex.check]))
    used = {
        arg.id
        for node in ast.walk(call)
        if isinstance(node, ast.Call)
        for arg in node.args
        if isinstance(arg, ast.Name)
    }
    assert used <= stub, f"{ex.label}: the check uses {sorted(used - stub)}, not in the stub"


@pytest.mark.parametrize("ex", CODE_EXERCISES, ids=ids(CODE_EXERCISES))
def test_an_unsolved_stub_gets_the_kind_not_implemented_line(ex):
    """The student copy runs top to bottom: the stub defines, the check says 'not yet'."""
    ex, cells = fresh(ex)
    space = {"bp": bp, "np": np}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for k in ex.stubs:
            try:
                exec(compile(source(cells[k]), f"{ex.label}-stub", "exec"), space)
            except NameError as err:  # the stub leans on an earlier cell of its chapter
                pytest.skip(f"stub needs the chapter's context: {err}")
        exec(compile(source(cells[ex.check]), f"{ex.label}-check", "exec"), space)
    lines = [line for line in out.getvalue().splitlines() if "check_" not in line]
    verdicts = [line for line in lines if line.startswith(("…", "✓", "✗"))]
    assert verdicts, out.getvalue()
    assert all("not implemented yet" in line for line in verdicts), out.getvalue()


# --------------------------------------------------------------------------------------
# The student copies, made for real by `make student` and by Binder's postBuild
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    """A frozen copy of the repository's chapters, postBuild and Makefile.

    Both ways of making student copies run on it, so the comparisons below hold even while
    someone edits a chapter during the test run.
    """
    repo = tmp_path_factory.mktemp("snapshot") / "repo"
    shutil.copytree(ROOT / "chapters", repo / "chapters")
    (repo / "tools").mkdir()
    shutil.copy2(ROOT / "tools" / "student.py", repo / "tools" / "student.py")
    for name in (
        "postBuild",
        "Makefile",
        "requirements.txt",
        "requirements-dev.txt",
        "jupyterlab-overrides.json",
        "_config.yml",
        "_toc.yml",
    ):
        shutil.copy2(ROOT / name, repo / name)
    return repo


@pytest.fixture(scope="module")
def make_student(snapshot, tmp_path_factory):
    out = tmp_path_factory.mktemp("student") / "copies"
    # The real `make student`; -o: never (re)install the venv from inside a test. Under
    # `make test` the outer make's flags and variables must not leak into this one.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    result = subprocess.run(
        ["make", "-o", ".venv/.installed", "student", f"STUDENT_DIR={out}", f"BIN={VENV_BIN}"],
        cwd=snapshot,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def binder_copy(snapshot, tmp_path_factory):
    repo = tmp_path_factory.mktemp("binder") / "repo"
    shutil.copytree(snapshot, repo, dirs_exist_ok=True)  # Binder has the whole repository
    env = dict(os.environ, PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    # Where Binder's environment keeps JupyterLab's settings; a temp folder here.
    env["LAB_SETTINGS"] = str(repo / "lab-settings")
    result = subprocess.run(
        ["bash", "postBuild"], cwd=repo, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return repo / "chapters"


def test_postbuild_turns_off_lazy_cell_drawing_so_run_all_fills_every_number(binder_copy):
    settings = json.loads((binder_copy.parent / "lab-settings" / "overrides.json").read_text())
    assert settings["@jupyterlab/notebook-extension:tracker"]["windowingMode"] == "none"


@pytest.fixture(params=["make student", "postBuild"])
def student_dir(request, make_student, binder_copy):
    return make_student if request.param == "make student" else binder_copy


def test_student_copies_have_every_chapter_and_every_page_but_the_instructors(student_dir):
    assert sorted(p.name for p in student_dir.glob("*.ipynb")) == [p.name for p in CHAPTERS]
    pages = sorted(p.name for p in student_dir.glob("*.md"))
    assert pages == [p.name for p in PAGES if p not in INSTRUCTOR_PAGES]
    assert {"01-welcome.md", "exercises.md"} <= set(pages)
    assert INSTRUCTOR_PAGES, "no chapters/instructors*.md: the test would prove nothing"
    assert not list(student_dir.glob("instructors*")), "an instructors' page reached students"


def _outside_roles(text: str) -> list:
    """The text between references: the tool may rewrite references, nothing else."""
    return ROLE.split(text)[::3]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_student_copies_drop_solutions_and_check_prose_and_nothing_else(
    student_dir, snapshot, chapter
):
    original = cells_of(snapshot / "chapters" / chapter.name)
    copy = cells_of(student_dir / chapter.name)
    kept = [c for c in original if not set(tags(c)) & set(DROPPED)]
    assert [c.get("id") for c in copy] == [c.get("id") for c in kept]
    for given, written in zip(copy, kept, strict=True):
        if given["cell_type"] == "code":
            assert source(given) == source(written)
            assert not given.get("outputs") and given.get("execution_count") is None
        else:
            pieces, text = _outside_roles(source(written)), source(given)
            at = 0
            for piece in pieces:  # every piece of prose is there, in order
                found = text.find(piece, at)
                assert found >= 0, f"{chapter.name}: lost {piece[:80]!r}"
                at = found + len(piece)


def _labels_defined_in(cells) -> set:
    """Labels jupyterlab-myst can resolve within one notebook: those its Markdown defines."""
    text = "\n".join(source(c) for c in cells if c["cell_type"] == "markdown")
    return (
        set(re.findall(r"\$\$[ \t]*\(([\w.:-]+)\)", text))
        | set(re.findall(r"^[ \t]*:(?:label|name):[ \t]*(\S+)", text, re.M))
        | set(re.findall(r"^\(([\w.:-]+)\)=", text, re.M))
    )


def test_student_copies_hold_nothing_an_instructor_would_not_hand_out(student_dir, snapshot):
    answers = [
        source(c).strip()
        for chapter in CHAPTERS
        for c in cells_of(snapshot / "chapters" / chapter.name)
        if set(tags(c)) & set(DROPPED) and len(source(c).strip()) > 40
    ]
    assert answers, "no solution or check-prose cell in the chapters: nothing was tested"
    problems = []
    for path in sorted(student_dir.iterdir()):
        if path.suffix == ".ipynb":
            cells = cells_of(path)
            defined = _labels_defined_in(cells)
            for i, cell in enumerate(cells):
                dropped = set(tags(cell)) & set(DROPPED)
                if dropped:
                    problems.append(f"{path.name} cell {i} is tagged {sorted(dropped)}")
                if cell.get("outputs"):
                    problems.append(f"{path.name} cell {i} carries outputs")
            text = "\n".join(source(c) for c in cells)
        else:
            defined, text = set(), path.read_text()
        if path.name.startswith("instructors"):
            problems.append(f"{path.name}: an instructors' page")
        problems += [f"{path.name} holds an answer: {a[:60]!r}" for a in answers if a in text]
        for role, content in ROLE.findall(text):
            label = re.sub(r"^.*<([^<>]+)>$", r"\1", content.strip(), flags=re.S)
            if role == "doc" or label not in defined:
                problems.append(
                    f"{path.name}: {{{role}}}`{content}` is not defined in this file, so "
                    "JupyterLab shows it as '⚠ label'"
                )
    assert not problems, "\n".join(problems)


def test_cross_chapter_references_become_links_numbered_as_on_the_website(make_student):
    """Spot-check against the book's own sources, counted independently of the tool."""
    toc = student._toc_docs(student.yaml.safe_load((ROOT / "_toc.yml").read_text()))
    numbers, count = {}, 0
    for doc in toc:  # the site numbers labelled equations through the book, in toc order
        path = next((ROOT / (doc + s)) for s in (".ipynb", ".md") if (ROOT / (doc + s)).exists())
        raw = path.read_text()
        if path.suffix == ".ipynb":
            raw = "\n".join(source(c) for c in json.loads(raw)["cells"])
        for label in re.findall(r"\$\$[ \t]*\(([\w.:-]+)\)", raw):
            count += 1
            numbers[label] = (count, doc)
    site = student.site_url(student.yaml.safe_load((ROOT / "_config.yml").read_text()))
    links = re.findall(
        r"\[\((\d+)\) in chapter (\d+)\]\(([^)#]+)#equation-([a-z0-9-]+)\)",
        "\n".join(source(c) for p in sorted(make_student.glob("*.ipynb")) for c in cells_of(p)),
    )
    assert links, "no cross-chapter equation reference in any student copy"
    by_anchor = {student.make_id(label): v for label, v in numbers.items()}
    for number, chapter, url, anchor in links:
        assert anchor in by_anchor, anchor
        count, doc = by_anchor[anchor]
        assert int(number) == count and url == f"{site}{doc}.html"
        assert int(chapter) == int(Path(doc).name.split("-")[0])


def test_postbuild_removes_the_instructors_pages_and_rewrites_the_others(binder_copy, make_student):
    assert not list(binder_copy.glob("instructors*"))
    for path in make_student.glob("*.md"):
        assert (binder_copy / path.name).read_text() == path.read_text()
    welcome = (binder_copy / "01-welcome.md").read_text()
    assert "{doc}`" not in welcome and "(02-problem.ipynb)" in welcome


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_student_copies_have_no_dangling_solution_markers(student_dir, chapter):
    text = "\n".join(source(c) for c in cells_of(student_dir / chapter.name))
    assert "{solution-start}" not in text and "{solution-end}" not in text


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_every_student_exercise_keeps_its_stub_and_its_check(student_dir, snapshot, chapter):
    written = {ex.label: ex for ex in find_exercises(snapshot / "chapters" / chapter.name)}
    given = {ex.label: ex for ex in find_exercises(student_dir / chapter.name)}
    assert given.keys() == written.keys()
    cells = cells_of(student_dir / chapter.name)
    for label, ex in given.items():
        assert ex.end >= 0 and not ex.solution, label
        assert len(ex.stubs) == len(written[label].stubs), label
        for k in ex.stubs:
            assert "raises-exception" in tags(cells[k]), label
        if written[label].stubs:
            assert ex.check == ex.end + 1, f"{label}: the check cell must follow the exercise"


def test_make_student_and_postbuild_give_the_same_notebooks(make_student, binder_copy):
    for chapter in CHAPTERS:
        assert cells_of(make_student / chapter.name) == cells_of(binder_copy / chapter.name)


# --------------------------------------------------------------------------------------
# The book's index of exercises (chapters/exercises.md) lists exactly the exercises
# --------------------------------------------------------------------------------------
INDEX = ROOT / "chapters" / "exercises.md"
INDEX_ROW = re.compile(r"^\|\s*\{ref\}`[^`]*?<?(ex-[A-Za-z0-9-]+)>?`\s*\|([^|]*)\|([^|]*)\|", re.M)


def index_rows() -> dict:
    return {m[1]: (m[2].strip(), m[3].strip()) for m in INDEX_ROW.finditer(INDEX.read_text())}


def test_the_index_lists_every_exercise_and_only_those():
    assert sorted(index_rows()) == sorted(ex.label for ex in EXERCISES)


@pytest.mark.parametrize("ex", EXERCISES, ids=ids(EXERCISES))
def test_the_index_gives_each_exercise_its_kind_and_checker(ex):
    kind, checked_by = index_rows()[ex.label]
    if ex.stubs:
        ex, cells = fresh(ex)
        check = source(cells[ex.check])
        assert kind == "code"
        assert sorted(re.findall(r"check_[a-z0-9_]+", checked_by)) == sorted(CHECK.findall(check))
    else:
        assert kind != "code" and "check_" not in checked_by


# --------------------------------------------------------------------------------------
# tools/student.py on a small made-up book: what each kind of reference becomes
# --------------------------------------------------------------------------------------
def _notebook(*cells) -> dict:
    """cells: (kind, source) or (kind, source, tags) or ("figure", name)."""
    out = []
    for i, spec in enumerate(cells):
        kind, text, *rest = spec
        if kind == "figure":
            cell = {"cell_type": "code", "execution_count": None, "outputs": [], "source": "1"}
            cell["metadata"] = {"mystnb": {"figure": {"name": text, "caption": "c"}}}
        else:
            cell = {"cell_type": kind, "metadata": {}, "source": text}
            if kind == "code":
                cell |= {"execution_count": None, "outputs": []}
        if rest:
            cell["metadata"]["tags"] = rest[0]
        out.append(cell | {"id": f"c{i}"})
    return {"cells": out, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


@pytest.fixture
def book(tmp_path):
    """Three chapters and an instructors' page; returns the student copies' texts."""
    (tmp_path / "chapters").mkdir()
    (tmp_path / "_config.yml").write_text(
        "repository:\n  url: https://github.com/Uni-X/bbh\n  branch: main\n"
    )
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: chapters/01-welcome\nparts:\n  - chapters:\n"
        "      - file: chapters/02-a\n      - file: chapters/03-b\n"
        "      - file: chapters/instructors\n"
    )
    pages = {
        "01-welcome.md": "# Welcome\n\nStart with {doc}`02-a`; teachers see {doc}`instructors`.\n"
        "\n````text\n```{exercise-start} An example, not an exercise\n:label: ex-example\n```\n"
        "See {eq}`eq-a`.\n````\n",
        "instructors.md": "# For instructors\n\nThe answer to everything.\n",
    }
    for name, text in pages.items():
        (tmp_path / "chapters" / name).write_text(text)
    chapters = {
        "02-a.ipynb": _notebook(
            ("markdown", "# Chapter A\n\n$$ x $$\n\n$$ a = 1 $$ (eq-a)\n\n$$ b = 2 $$ (eq-b)"),
            ("figure", "fig-a"),
            ("markdown", "{numref}`fig-a` shows it; so does {numref}`fig-a`. See {eq}`eq-b`."),
            ("markdown", "$$ s = 0 $$ (eq-secret)", ["solution"]),
            ("markdown", "By {eq}`eq-secret`, done."),
            ("code", "assert True", ["remove-cell", "check-prose"]),
            ("markdown", "```{exercise-start} Do A\n:label: ex-a\n```\nGo."),
            ("markdown", "1. {numref}`fig-a` again."),
        ),
        "03-b.ipynb": _notebook(
            ("markdown", "# Chapter B\n\n$$ c $$ (eq-c)"),
            (
                "markdown",
                "From {eq}`eq-a` and {eq}`eq-c`, {ref}`the exercise <ex-a>`, {eq}`eq-zz`.",
            ),
            ("figure", "fig-b"),
            ("markdown", "- {numref}`fig-a` and {numref}`Figure %s <fig-b>`"),
            ("markdown", "As in {numref}`ex-a`."),
        ),
    }
    for name, nb in chapters.items():
        (tmp_path / "chapters" / name).write_text(json.dumps(nb))
    out = tmp_path / "student"
    student.write_student_copies(out, tmp_path)
    texts = {}
    for path in out.iterdir():
        if path.suffix == ".ipynb":
            texts[path.name] = [source(c) for c in cells_of(path)]
        else:
            texts[path.name] = path.read_text()
    return texts


SITE = "https://uni-x.github.io/bbh/chapters/"


def test_the_tool_leaves_out_instructor_pages_and_dropped_cells(book):
    assert sorted(book) == ["01-welcome.md", "02-a.ipynb", "03-b.ipynb"]
    a = book["02-a.ipynb"]
    assert len(a) == 6 and "assert True" not in a and "$$ s = 0 $$ (eq-secret)" not in a


def test_references_within_a_notebook_stay_for_jupyterlab_myst(book):
    assert book["02-a.ipynb"][2].endswith("See {eq}`eq-b`.")
    assert book["03-b.ipynb"][1].startswith("From [(1) in chapter 2]")
    assert "{eq}`eq-c`" in book["03-b.ipynb"][1]


def test_an_equation_of_another_chapter_links_to_the_website_with_its_number(book):
    # numbered through the book like Sphinx: labelled display math only, in toc order
    assert f"[(1) in chapter 2]({SITE}02-a.html#equation-eq-a)" in book["03-b.ipynb"][1]


def test_an_equation_defined_in_a_dropped_cell_links_to_the_website(book):
    assert book["02-a.ipynb"][3] == f"By [(3)]({SITE}02-a.html#equation-eq-secret), done."


def test_a_figure_of_the_same_notebook_becomes_the_figure_above_or_below(book):
    assert book["02-a.ipynb"][2].startswith("The figure above shows it; so does the figure above.")
    assert book["02-a.ipynb"][5] == "1. The figure above again."  # a list item starts afresh
    b = book["03-b.ipynb"][3]  # another chapter's figure: a link to it, numbered as the site
    assert b == f"- [Fig. 1 in chapter 2]({SITE}02-a.html#fig-a) and the figure above"


def test_examples_in_code_blocks_are_left_alone_and_take_no_number(book):
    assert "See {eq}`eq-a`.\n````" in book["01-welcome.md"]
    assert book["03-b.ipynb"][4] == f"As in [Exercise 1 in chapter 2]({SITE}02-a.html#ex-a)."


def test_refs_and_docs_point_at_the_student_notebook_and_unknown_labels_stay(book):
    b = book["03-b.ipynb"][1]
    assert "[the exercise](02-a.ipynb)" in b
    assert b.endswith("{eq}`eq-zz`.")  # unknown to the book too: the book build says so
    welcome = book["01-welcome.md"]
    assert "[Chapter A](02-a.ipynb)" in welcome
    assert f"[For instructors]({SITE}instructors.html)" in welcome  # on the website only


@pytest.mark.parametrize(
    "config,site",
    [
        ({"repository": {"url": "https://github.com/Org/Repo"}}, "https://org.github.io/Repo/"),
        ({"repository": {"url": "https://github.com/o/r.git/"}}, "https://o.github.io/r/"),
        ({"repository": {"url": "https://github.com/Me/me.github.io"}}, "https://me.github.io/"),
        (
            {
                "repository": {"url": "https://gitlab.com/a/b"},
                "html": {"baseurl": "https://x.org/c"},
            },
            "https://x.org/c/",
        ),
    ],
)
def test_the_website_address_comes_from_config(config, site):
    assert student.site_url(config) == site


def test_a_repository_off_github_without_a_baseurl_is_an_error_naming_the_setting():
    with pytest.raises(ValueError, match="html.baseurl"):
        student.site_url({"repository": {"url": "https://gitlab.com/a/b"}})


def test_postbuild_on_the_student_branch_keeps_its_copies(make_student, snapshot, tmp_path):
    """The `student` branch has student copies and no tools/: postBuild leaves them be."""
    repo = tmp_path / "branch"
    shutil.copytree(make_student, repo / "chapters")
    for name in ("postBuild", "jupyterlab-overrides.json"):
        shutil.copy2(snapshot / name, repo / name)
    env = dict(os.environ, PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    env["LAB_SETTINGS"] = str(repo / "lab-settings")
    result = subprocess.run(
        ["bash", "postBuild"], cwd=repo, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    for path in make_student.iterdir():
        assert (repo / "chapters" / path.name).read_bytes() == path.read_bytes()
