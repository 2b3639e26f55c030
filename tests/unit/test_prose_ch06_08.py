"""Chapters 6-8 keep their prose honest in both versions: the website and the student copy.

Student copies drop cells tagged ``solution`` and ``check-prose``. Whatever the remaining
markdown quotes through {eval}`bp.glued(...)` must therefore be glued by a cell that stays, and
no remaining cell may need a name that only a dropped cell defines.
"""

import ast
import json
import re
from pathlib import Path

import numpy as np
import pytest

import backproplab as bp

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = [
    ROOT / "chapters" / f"{name}.ipynb"
    for name in ("06-code", "07-training", "08-faster", "09-deep", "10-autograd")
]
DROPPED = {"solution", "check-prose"}
GLUED = re.compile(r'\{eval\}`bp\.glued\("([^":]+)(?::[^"]*)?"\)`')


def cells(nb_path):
    for cell in json.loads(nb_path.read_text())["cells"]:
        yield cell, "".join(cell["source"]), set(cell.get("metadata", {}).get("tags", []))


def glue_keys(code: str):
    """The keys a code cell glues, as regexes (an f-string key matches any text in its braces)."""
    for node in ast.walk(ast.parse(code)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "glue"
            and node.args
        ):
            key = node.args[0]
            if isinstance(key, ast.Constant):
                yield re.escape(key.value)
            elif isinstance(key, ast.JoinedStr):
                yield "".join(
                    re.escape(part.value) if isinstance(part, ast.Constant) else ".+"
                    for part in key.values
                )


def names(code: str):
    """(assigned, read) top-level names of a code cell, comprehension variables included."""
    stored, loaded = set(), set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name):
            (stored if isinstance(node.ctx, ast.Store) else loaded).add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            stored.add(node.name)
        elif isinstance(node, ast.alias):
            stored.add((node.asname or node.name).split(".")[0])
    return stored, loaded


@pytest.mark.parametrize("nb_path", CHAPTERS, ids=lambda p: p.stem)
def test_the_student_copy_glues_every_number_its_prose_quotes(nb_path):
    glued, missing = [], []
    for cell, src, tags in cells(nb_path):
        if tags & DROPPED:
            continue
        if cell["cell_type"] == "code":
            glued += list(glue_keys(src))
        for key in GLUED.findall(src):
            if not any(re.fullmatch(pattern, key) for pattern in glued):
                missing.append(key)
    assert not missing, f"{nb_path.name}: quoted before any kept cell glues them: {missing}"


@pytest.mark.parametrize("nb_path", CHAPTERS, ids=lambda p: p.stem)
def test_no_kept_cell_needs_a_name_only_a_dropped_cell_defines(nb_path):
    kept, only_dropped, broken = set(), set(), []
    for cell, src, tags in cells(nb_path):
        if cell["cell_type"] != "code":
            continue
        stored, loaded = names(src)
        if tags & DROPPED:
            only_dropped |= stored - kept
            continue
        broken += sorted((loaded - stored) & only_dropped)
        kept |= stored
        only_dropped -= stored
    assert not broken, f"{nb_path.name}: kept cells read names only dropped cells define: {broken}"


@pytest.mark.parametrize("nb_path", CHAPTERS, ids=lambda p: p.stem)
def test_cells_that_only_check_the_prose_are_hidden_and_dropped_together(nb_path):
    for cell, src, tags in cells(nb_path):
        if cell["cell_type"] != "code" or tags & {"solution", "raises-exception"}:
            continue
        statements = ast.parse(src).body
        only_asserts = (
            statements
            and all(
                isinstance(s, ast.Assert | ast.Import | ast.ImportFrom | ast.Assign | ast.With)
                for s in statements
            )
            and any(isinstance(s, ast.Assert) for s in statements)
        )
        if only_asserts or "check-prose" in tags:
            assert {"remove-cell", "check-prose"} <= tags, f"{nb_path.name}: untagged check:\n{src}"
            assert "bp.glue(" not in src, f"{nb_path.name}: a dropped cell glues a number:\n{src}"


@pytest.mark.parametrize("nb_path", CHAPTERS, ids=lambda p: p.stem)
def test_the_experiment_is_read_from_bp_experiment_not_typed_again(nb_path):
    literal = re.compile(
        r"bump_data\([^)]*\b(n|noise|seed)\s*=\s*[0-9.]+(?![0-9_])"  # bump_data(n=100, noise=0.05)
        r"|Network\(\s*(hidden\s*=\s*)?10\b"  # Network(10, ...) or Network(hidden=10, ...)
        r"|Network\([^)]*\bseed\s*=\s*0\b"
    )
    for cell, src, _tags in cells(nb_path):
        if cell["cell_type"] == "code":
            hits = [m.group(0) for m in literal.finditer(src)]
            assert not hits, f"{nb_path.name}: experiment values typed again: {hits}"


@pytest.mark.parametrize("nb_path", CHAPTERS, ids=lambda p: p.stem)
def test_live_measurements_are_not_described_as_the_page_build(nb_path):
    # A student's kernel measures these numbers again: "this page was built" would be false there.
    for cell, src, _ in cells(nb_path):
        if cell["cell_type"] == "markdown":
            assert not re.search(r"built this page|this page was built|on this page", src), src


def test_a_relative_error_of_one_means_opposite_directions_or_a_zero():
    # Chapter 6: e = 1 whenever the gradients point in exactly opposite directions.
    assert bp.relative_error(1.0, -2.0) == 1.0
    assert bp.relative_error(np.array([1.0, -3.0]), np.array([-0.5, 1.5])) == pytest.approx(1.0)
    assert bp.relative_error(np.array([1.0, 2.0]), np.zeros(2)) == 1.0
    assert bp.relative_error(np.array([1.0, 2.0]), np.array([-2.0, 1.0])) < 1.0  # orthogonal
