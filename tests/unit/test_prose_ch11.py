"""Chapter 11 keeps its prose honest in both versions, by the rules chapters 6-8 follow.

The checks are those of test_prose_ch06_08 (glue kept where the prose quotes it, no kept cell
needing a dropped cell's name, prose checks hidden and dropped together, no "this page was
built"), run on chapter 11, plus one trap of the book build: myst-nb evaluates an {eval} by
running it with store_history=False, and IPython keeps quiet when the last STORED cell ends
with ";", so an {eval} right after such a cell shows nothing.
"""

import json
import re
from pathlib import Path

import pytest
import test_prose_ch06_08 as rules

ROOT = Path(__file__).resolve().parents[2]
CH11 = ROOT / "chapters" / "11-classify.ipynb"


@pytest.mark.parametrize(
    "rule",
    [
        rules.test_the_student_copy_glues_every_number_its_prose_quotes,
        rules.test_no_kept_cell_needs_a_name_only_a_dropped_cell_defines,
        rules.test_cells_that_only_check_the_prose_are_hidden_and_dropped_together,
        rules.test_live_measurements_are_not_described_as_the_page_build,
    ],
    ids=lambda rule: rule.__name__,
)
def test_chapter_11_follows_the_prose_rules(rule):
    rule(CH11)


def test_no_eval_follows_a_cell_that_ends_with_a_semicolon():
    cells = json.loads(CH11.read_text())["cells"]
    quiet = False
    for cell in cells:
        src = "".join(cell["source"])
        if cell["cell_type"] == "code":
            quiet = src.rstrip().endswith(";")
        elif "{eval}" in src:
            assert not quiet, f"an {{eval}} right after a cell ending in ';' shows nothing:\n{src}"


def _glyphs(tex: str) -> int:
    """A rough count of the glyphs one line of TeX sets across the page (fractions stack)."""
    for _ in range(3):  # \frac{a}{b} is as wide as the wider of a and b
        tex = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", lambda m: max(m[1], m[2], key=len), tex)
    tex = re.sub(r"[_^]\{[^{}]*\}|[_^].", "", tex)  # sub- and superscripts sit small
    tex = re.sub(r"\\(operatorname|text|mathbf)\{([^{}]*)\}", r"\2", tex)
    tex = re.sub(r"\\(left|right|Big|bigl|bigr|,|;|quad|!)", "", tex)
    tex = re.sub(r"\\[A-Za-z]+", "x", tex)  # one glyph per command
    return len(re.sub(r"[{}\\\s]", "", tex))


def test_display_equations_fit_a_phone():
    """Long equations are gathered onto several lines, as chapter 9's are, never set side by
    side with \\qquad: a phone's width holds about 25 glyphs of display math."""
    cells = json.loads(CH11.read_text())["cells"]
    wide = []
    for cell in cells:
        if cell["cell_type"] != "markdown":
            continue
        for block in re.findall(r"\$\$(.*?)\$\$", "".join(cell["source"]), re.S):
            wide += [ln.strip() for ln in block.split("\n") if r"\qquad" in ln]
            wide += [ln.strip() for ln in block.split("\n") if _glyphs(ln) > 25]
    assert not wide, f"display-math lines too wide for a phone: {wide}"


def test_softmax_numbers_the_classes_from_0_like_the_labels():
    """Labels are 0 .. m − 1 and class y_j is column y_j (np.eye(m)[y]), so eq-softmax counts
    the same way; numbered from 1 it made P_{j,1}, "class 1" in eq-ce, the first class."""
    text = "".join("".join(c["source"]) for c in json.loads(CH11.read_text())["cells"])
    softmax = re.search(r"\$\$([^$]*)\$\$ \(eq-softmax\)", text)[1]
    assert r"\sum_{k=0}^{m-1}" in softmax and r"c = 0, \dots, m - 1" in softmax
    assert r"\sigma(z_1 - z_0)" in text  # the two-class softmax: P(class 1)
