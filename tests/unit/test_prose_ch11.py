"""Chapter 11 keeps its prose honest in both versions, by the rules chapters 6-8 follow.

The checks are those of test_prose_ch06_08 (glue kept where the prose quotes it, no kept cell
needing a dropped cell's name, prose checks hidden and dropped together, no "this page was
built"), run on chapter 11, plus one trap of the book build: myst-nb evaluates an {eval} by
running it with store_history=False, and IPython keeps quiet when the last STORED cell ends
with ";", so an {eval} right after such a cell shows nothing.
"""

import json
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
