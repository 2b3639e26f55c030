"""The exercise author's guide, followed step by step on a copy of the repository.

``add_throwaway_exercise(root)`` does what "Add an exercise" on the instructors' page
(chapters/instructors.md) tells an author to do, with that page's worked example: a `bump`
exercise in chapter 2. test_author_guide.py checks that the page shows these very snippets
and that the result passes lint, the checker's test cases and the notebook run.
"""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys

import nbformat

CHECKER = "check_bump"
LABEL = "ex-code-bump"
NOTEBOOK = "chapters/02-problem.ipynb"
MODULE = "src/backproplab/exercises/ch02.py"
# The files the guide lists, in its order (chNN and NN-... stand for the chapter).
FILES_IN_ORDER = [
    "src/backproplab/exercises/chNN.py",
    "src/backproplab/exercises/__init__.py",
    "tests/unit/test_exercises.py",
    "tests/unit/test_nbgrader.py",
    "chapters/NN-....ipynb",
    "chapters/exercises.md",
]

# Step 1: the checker, in the module of its chapter (chapter 2 has none yet: a new module).
CHECKER_MODULE = '''\
"""Checkers for chapter 2: the noise-free target."""

from __future__ import annotations

from ..activations import sigmoid
from ..data import bump
from .machinery import _call_fresh, _checker, _compare, _require_function, _rng, _scaled


@_checker("bump")
def check_bump(bump_fn, seed=None):
    """Check bump(x) -> σ(10 x²) − 1/2 for every entry of x, on random arrays."""
    sig = "bump(x) -> array shaped like x"
    _require_function(bump_fn, "bump", sig)
    rng = _rng(seed)
    for n in (5, 1, 40):
        x = rng.uniform(-1.0, 1.0, n)
        where = f"x of shape ({n},)"
        out = _call_fresh(bump_fn, {"x": x}, "bump", sig, where)
        variants = _scaled(
            [
                ("", bump(x)),
                ("the − 1/2 is missing: bump(x) = σ(10 x²) − 1/2", sigmoid(10 * x**2)),
                ("x is not squared: σ(10 x²), not σ(10 x)", sigmoid(10 * x) - 0.5),
            ]
        )
        _compare("bump(x)", out, bump(x), where, variants, "bump(x) = σ(10 x²) − 1/2")
    return "bump is right on 3 random arrays (n = 5, 1, 40)."
'''

# Step 2: export it from the subpackage.
EXPORT_IMPORT = "from .ch02 import check_bump\n"
EXPORT_ALL = '    "check_bump",\n'

# Step 3: its rows in the verdict table, and its place in the never-raises list.
CASE_ROWS = """\
    "bump right": (ex.check_bump, lambda x: bp.sigmoid(10 * x**2) - 0.5, True, "✓"),
    "bump without − 1/2": (ex.check_bump, lambda x: bp.sigmoid(10 * x**2), False, "missing"),
    "bump of x, not x²": (ex.check_bump, lambda x: bp.sigmoid(10 * x) - 0.5, False, "squared"),
    "bump stub": (ex.check_bump, lambda x: ..., False, NOT_YET),
"""
NEVER_RAISES_ROW = "    ex.check_bump,\n"

# Step 4: its typical wrong answer, for the nbgrader round trip.
WRONG_ROW = (
    '    "ex-code-bump": ("bp.sigmoid(10 * x**2) - 0.5", "bp.sigmoid(10 * x**2)", "missing"),\n'
)

# Step 5: the cells, appended to the chapter (in a real exercise: where the idea comes up).
EXERCISE_START = """\
```{exercise-start} Code the bump
:label: ex-code-bump
```

Write `bump(x)`, the noise-free target σ(10 x²) − 1/2, for every entry of the array `x`.
Use `bp.sigmoid`."""
STUB = '''\
def bump(x):
    """The noise-free target for every entry of x."""
    raise NotImplementedError("bump is not written yet")'''
EXERCISE_END = """\
```{exercise-end}
```"""
SOLUTION_START = """\
```{solution-start} ex-code-bump
:class: dropdown
```"""
SOLUTION = '''\
def bump(x):
    """The noise-free target for every entry of x."""
    return bp.sigmoid(10 * x**2) - 0.5'''
SOLUTION_END = """\
```{solution-end}
```"""
CHECK_CELL = "bp.exercises.check_bump(bump);"

# Step 6: its row in the book's index of exercises.
INDEX_ROW = "| {ref}`Code the bump <ex-code-bump>` | code | `check_bump` |\n"

# Step 7: lint and format, before `make test`.
FORMAT_COMMANDS = (("ruff", "check", "--fix", "."), ("ruff", "format", "."))


def _insert_after(text: str, anchor: str, new: str, path) -> str:
    if anchor not in text:
        raise ValueError(f"{path}: the guide's anchor {anchor!r} is not there")
    at = text.index(anchor) + len(anchor)
    return text[:at] + new + text[at:]


def _notebook_cells():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    solution = {"tags": ["solution"]}
    return [
        md(EXERCISE_START),
        code(STUB, metadata={"tags": ["raises-exception"]}),
        md(EXERCISE_END),
        md(SOLUTION_START, metadata=solution),
        code(SOLUTION, metadata=solution),
        md(SOLUTION_END, metadata=solution),
        code(CHECK_CELL),
    ]


def add_throwaway_exercise(root: pathlib.Path) -> str:
    """Follow the guide on the repository copy at root; return the new checker's name."""
    root = pathlib.Path(root)
    if (root / MODULE).exists():
        raise ValueError(f"{root / MODULE} exists: the guide's example was already added there")
    # 1. the checker module
    (root / MODULE).write_text(CHECKER_MODULE)
    # 2. the export: the import before the other chapters' (sorted), the name in __all__
    init = root / "src/backproplab/exercises/__init__.py"
    text = init.read_text()
    first = text.index("\nfrom .ch") + 1
    text = text[:first] + EXPORT_IMPORT + text[first:]
    init.write_text(_insert_after(text, "__all__ = [\n", EXPORT_ALL, init))
    # 3. the test cases and the never-raises list
    tests = root / "tests/unit/test_exercises.py"
    text = _insert_after(tests.read_text(), "CASES = {\n", CASE_ROWS, tests)
    tests.write_text(_insert_after(text, "FUNCTION_CHECKERS = [\n", NEVER_RAISES_ROW, tests))
    # 4. the typical wrong answer the grading test submits
    grading = root / "tests/unit/test_nbgrader.py"
    grading.write_text(_insert_after(grading.read_text(), "WRONG = {\n", WRONG_ROW, grading))
    # 5. the notebook cells
    path = root / NOTEBOOK
    nb = nbformat.read(path, as_version=4)
    nb.cells.extend(_notebook_cells())
    nbformat.validate(nb)
    nbformat.write(nb, path)
    # 6. the index of exercises: a row at the end of the chapter's table
    index = root / "chapters/exercises.md"
    head, _, rest = index.read_text().partition("## {doc}`02-problem`\n")
    if not rest:
        raise ValueError(f"{index}: no section for 02-problem")
    lines = rest.splitlines(keepends=True)
    last = max(i for i, line in enumerate(lines[:20]) if line.startswith("|"))
    lines.insert(last + 1, INDEX_ROW)
    index.write_text(head + "## {doc}`02-problem`\n" + "".join(lines))
    # 7. lint and format, before make test
    for tool, *args in FORMAT_COMMANDS:
        subprocess.run([_tool(root, tool), *args], cwd=root, check=True, capture_output=True)
    return CHECKER


def _tool(root: pathlib.Path, name: str) -> str:
    """The repository's .venv/bin/NAME, else the one beside this Python, else on PATH."""
    for candidate in (root / ".venv" / "bin" / name, pathlib.Path(sys.executable).parent / name):
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} is not installed (make installs it in .venv)")
    return found
