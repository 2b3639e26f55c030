"""Exercises follow the cell pattern, and the student copies drop the solutions and nothing else.

The pattern, per exercise (see chapters/exercises.md and the instructors' page):
exercise-start (markdown), [stub code cell tagged raises-exception], exercise-end,
solution-start ... solution-end (every cell tagged "solution"), then for a code exercise a
check cell calling bp.exercises.check_*. `make student` and Binder's `postBuild` remove the
cells tagged "solution"; these tests run both for real.
"""

import ast
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import backproplab as bp

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
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
    for name in (
        "postBuild",
        "Makefile",
        "requirements.txt",
        "requirements-dev.txt",
        "jupyterlab-overrides.json",
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
    shutil.copytree(snapshot / "chapters", repo / "chapters")
    shutil.copy2(snapshot / "postBuild", repo / "postBuild")
    shutil.copy2(snapshot / "jupyterlab-overrides.json", repo / "jupyterlab-overrides.json")
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


def test_student_copies_have_the_same_file_names(student_dir):
    assert sorted(p.name for p in student_dir.glob("*.ipynb")) == [p.name for p in CHAPTERS]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_student_copies_drop_every_solution_cell_and_nothing_else(student_dir, snapshot, chapter):
    original = cells_of(snapshot / "chapters" / chapter.name)
    copy = cells_of(student_dir / chapter.name)
    assert not [c for c in copy if "solution" in tags(c)]
    kept = [c for c in original if "solution" not in tags(c)]
    assert [source(c) for c in copy] == [source(c) for c in kept]
    assert not [c for c in copy if c["cell_type"] == "code" and c.get("outputs")]


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


def test_postbuild_leaves_other_files_alone(binder_copy, snapshot):
    for path in (snapshot / "chapters").glob("*.md"):
        assert (binder_copy / path.name).read_text() == path.read_text()


def test_make_student_and_postbuild_give_the_same_notebooks(make_student, binder_copy):
    for chapter in CHAPTERS:
        a = [source(c) for c in cells_of(make_student / chapter.name)]
        b = [source(c) for c in cells_of(binder_copy / chapter.name)]
        assert a == b, chapter.name


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
