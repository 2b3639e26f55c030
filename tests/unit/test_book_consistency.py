"""The book and the package agree: cited equations exist, and chapters use only real API."""

import ast
import json
import re
from pathlib import Path

import pytest

import backproplab as bp

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
LABEL = re.compile(r"\beq-[A-Za-z0-9-]+[A-Za-z0-9]")


def chapter_text() -> str:
    parts = [p.read_text() for p in (ROOT / "chapters").glob("*.md")]
    for nb in CHAPTERS:
        parts += ["".join(c["source"]) for c in json.loads(nb.read_text())["cells"]]
    return "\n".join(parts)


def defined_labels() -> set:
    text = chapter_text()
    # `$$ ... $$ (eq-x)` and `:label: eq-x` define labels; {eq}`eq-x` only refers to them.
    return set(re.findall(r"\$\$\s*\((eq-[A-Za-z0-9-]+)\)", text)) | set(
        re.findall(r":label:\s*(eq-[A-Za-z0-9-]+)", text)
    )


def test_every_equation_the_package_cites_is_defined_in_a_chapter():
    cited = set()
    for path in (ROOT / "src" / "backproplab").glob("*.py"):
        cited |= set(LABEL.findall(path.read_text()))
    assert cited, "the package cites no equation labels at all"
    missing = sorted(cited - defined_labels())
    assert not missing, f"labels cited in src/backproplab but defined in no chapter: {missing}"


def test_every_equation_reference_in_the_chapters_resolves():
    refs = set(re.findall(r"\{eq\}`(eq-[A-Za-z0-9-]+)`", chapter_text()))
    missing = sorted(refs - defined_labels())
    assert not missing, f"{{eq}} references with no labelled equation: {missing}"


def api_uses(nb_path: Path):
    """Every bp.NAME and bp.exercises.NAME used in a notebook's code cells."""
    for cell in json.loads(nb_path.read_text())["cells"]:
        if cell["cell_type"] != "code":
            continue
        try:
            tree = ast.parse("".join(cell["source"]))
        except SyntaxError:  # IPython magics
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                if node.value.id == "bp":
                    yield (node.attr,)
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Attribute)
                and isinstance(node.value.value, ast.Name)
                and node.value.value.id == "bp"
            ):
                yield (node.value.attr, node.attr)


@pytest.mark.parametrize("nb_path", CHAPTERS, ids=lambda p: p.stem)
def test_chapters_use_only_what_the_package_offers(nb_path):
    missing = set()
    for path in api_uses(nb_path):
        obj = bp
        for name in path:
            if not hasattr(obj, name):
                missing.add("bp." + ".".join(path))
                break
            obj = getattr(obj, name)
    assert not missing, f"{nb_path.name} uses names backproplab does not have: {sorted(missing)}"


@pytest.mark.parametrize("nb_path", CHAPTERS, ids=lambda p: p.stem)
def test_chapters_import_the_package_and_paste_no_helpers(nb_path):
    code = [
        "".join(c["source"])
        for c in json.loads(nb_path.read_text())["cells"]
        if c["cell_type"] == "code"
        and "solution" not in c.get("metadata", {}).get("tags", [])
        and "raises-exception" not in c.get("metadata", {}).get("tags", [])
    ]
    assert any("import backproplab as bp" in c for c in code)
    # Only the code a chapter teaches may define functions: exercise stubs and solutions.
    defs = [c.split("\n")[0] for c in code if re.search(r"^\s*(def|class) ", c, re.M)]
    assert not defs, f"{nb_path.name} defines helpers outside exercises: {defs}"


@pytest.mark.parametrize("nb_path", CHAPTERS, ids=lambda p: p.stem)
def test_notebooks_are_committed_without_outputs(nb_path):
    for cell in json.loads(nb_path.read_text())["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [] and cell.get("execution_count") is None
