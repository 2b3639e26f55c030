"""Claims of chapters 2-5 that a unit test holds better than a hidden cell.

Chapter 5 prints every number of its worked example with ``bp.graph.fmt``, and a student
checks them with a calculator: a number that is not whole must never print like a whole one
(1.00034 as "1"), and a rounded number shows the digits it keeps (0.70004 as "0.7000").
"""

import contextlib
import io
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import backproplab as bp
from backproplab.graph import fmt

finite = st.floats(min_value=-1e300, max_value=1e300)  # rounding 1.5e308 up overflows


@given(finite, st.integers(min_value=1, max_value=8))
def test_a_number_that_is_not_whole_never_prints_like_a_whole_one(v, digits):
    text = fmt(v, digits)
    if not float(v).is_integer():
        assert not float(text).is_integer(), (v, text)


@given(finite, st.integers(min_value=1, max_value=8))
def test_fmt_keeps_at_least_the_digits_asked_for(v, digits):
    text = fmt(v, digits)
    # the printed number is v rounded to `digits` significant digits, or closer
    if v != 0:
        assert math.isclose(float(text), v, rel_tol=10.0 ** (1 - digits))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.00034478, "1.0003"),  # chapter 5's dL/dw2 of the second unit
        (0.7000361650355665, "0.7000"),  # chapter 5's loss: rounded, so four digits show
        (0.5, "0.5"),  # exact values print as they are
        (1.0, "1"),
        (-0.0, "0"),
        (0.99999, "0.99999"),
        (-0.82998304, "-0.8300"),
    ],
)
def test_fmt_examples(value, text):
    assert fmt(value) == text


def test_arrays_format_entry_by_entry():
    assert fmt(np.array([1.00034478, 0.5, -0.0])) == "[1.0003, 0.5, 0]"


def test_chapter_5s_worked_example_prints_no_non_integer_as_an_integer():
    net = bp.Network(hidden=3, activation="sigmoid", seed=bp.experiment.SEED)
    for x in (0.5, -0.8, -0.3):
        steps = bp.backprop_steps(net, x, float(bp.bump(x)))
        values = [s.value for s in steps.forward]
        for s in steps.backward:
            values += [s.upstream, s.local, s.downstream]
        for v in values:
            for entry in np.ravel(v):
                if not float(entry).is_integer():
                    assert not float(fmt(entry)).is_integer(), (x, entry, fmt(entry))


def test_the_saturation_numbers_chapter_4_quotes():
    """x in [0.125, 1] is about 44% of [-1, 1]; sigma'(12) is about 40,000 times below 1/4."""
    start = (5 - 4) / 8  # 8x + 4 = 5
    assert start == 0.125
    assert round(100 * (1 - start) / 2) == 44
    shrink = bp.sigmoid_prime(0.0) / bp.sigmoid_prime(12.0)
    assert 30_000 < shrink < 50_000


# --------------------------------------------------------------------------------------
# Chapters 2-5 read in order, as the book and JupyterLab read them: every {eval} number is
# computed above the text that shows it, in the instructor version and in the student copy,
# and the prose follows the experiment when its noise changes.
# --------------------------------------------------------------------------------------
ROOT = Path(__file__).resolve().parents[2]
PROSE_CHAPTERS = ["02-problem", "03-chain-rule", "04-activations", "05-backprop"]
ROLE = re.compile(r"\{eval\}`([^`]*)`")


def read_in_order(name: str, student: bool) -> str:
    """Run the chapter's code cells and fill in its {eval} roles, in reading order.

    ``student`` drops what the student copies drop: the solutions and the prose checks.
    Returns the markdown with every role replaced by its text; a role that cannot be
    evaluated where it stands fails the test.
    """
    cells = json.loads((ROOT / "chapters" / f"{name}.ipynb").read_text())["cells"]
    space: dict = {}
    shown = []
    for i, cell in enumerate(cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if student and ("solution" in tags or "check-prose" in tags):
            continue
        src = "".join(cell["source"])
        if cell["cell_type"] == "code":
            with contextlib.redirect_stdout(io.StringIO()):
                try:
                    exec(compile(src, f"{name}[{i}]", "exec"), space)
                except Exception:
                    if "raises-exception" not in tags:
                        raise
            continue

        def fill(match, i=i):
            try:
                return str(eval(match.group(1), space))
            except LookupError as err:
                pytest.fail(
                    f"{name} cell {i}: {match.group(0)} is shown before it is computed: {err}"
                )

        shown.append(ROLE.sub(fill, src))
    return "\n".join(shown)


@pytest.fixture
def agg_backend():
    import matplotlib
    import matplotlib.pyplot as plt

    before = matplotlib.get_backend()
    plt.switch_backend("Agg")
    yield
    plt.close("all")
    plt.switch_backend(before)


@pytest.mark.parametrize("student", [False, True], ids=["instructor", "student"])
@pytest.mark.parametrize("name", PROSE_CHAPTERS)
def test_every_number_in_the_prose_is_computed_before_it_is_shown(name, student, agg_backend):
    text = read_in_order(name, student)
    assert "bp.glued" not in ROLE.sub("", text)


def test_student_copies_of_chapters_2_to_5_never_mention_the_solution_they_lack():
    for name in PROSE_CHAPTERS:
        cells = json.loads((ROOT / "chapters" / f"{name}.ipynb").read_text())["cells"]
        for i, cell in enumerate(cells):
            tags = cell.get("metadata", {}).get("tags", [])
            if cell["cell_type"] != "markdown" or "solution" in tags:
                continue
            text = "".join(cell["source"]).lower()
            assert not re.search(r"(after|in|see) the solution|solution below", text), (name, i)


@pytest.fixture
def louder_noise(monkeypatch):
    """The experiment with noise 0.1 instead of 0.05, as an instructor might set it."""
    noise = 0.1
    for module in (bp, bp.experiment):
        monkeypatch.setattr(module, "NOISE", noise)
        monkeypatch.setattr(module, "NOISE_FLOOR", noise**2)
    return noise


@pytest.mark.parametrize("name", PROSE_CHAPTERS)
def test_the_prose_follows_a_changed_noise_level(name, louder_noise, agg_backend):
    """Every hidden check still holds, and chapter 2 quotes the new numbers, not the old."""
    text = read_in_order(name, student=False)  # runs the check-prose cells too
    if name == "02-problem":
        assert "0.01" in text and "0.0025" not in text
