"""Chapters 6, 9 and 10 read true: every {eval} number is computed above the text that shows it,
in the instructor version and in the student copy, and chapter 9's claims, worded from what
it measures, still hold when an instructor changes the experiment's N and noise.
"""

import io
import json
import re
import tokenize
from pathlib import Path

import numpy as np
import pytest
from test_prose_ch02_05 import ROLE, agg_backend, read_in_order  # noqa: F401 (agg_backend: a fixture)

import backproplab as bp

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = ["06-code", "09-deep", "10-autograd"]  # the chapters whose prose this round changed
pytestmark = pytest.mark.usefixtures("agg_backend")  # figures drawn off screen


def markdown(name: str) -> str:
    cells = json.loads((ROOT / "chapters" / f"{name}.ipynb").read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


@pytest.mark.parametrize("student", [False, True], ids=["instructor", "student"])
@pytest.mark.parametrize("name", CHAPTERS)
def test_every_number_in_the_prose_is_computed_before_it_is_shown(name, student):
    text = read_in_order(name, student)
    assert "bp.glued" not in ROLE.sub("", text)


@pytest.fixture
def another_experiment(monkeypatch):
    """Twice the points and twice the noise, as an instructor might set them."""
    noise = 2 * bp.experiment.NOISE
    for module in (bp, bp.experiment):
        monkeypatch.setattr(module, "NOISE", noise)
        monkeypatch.setattr(module, "NOISE_FLOOR", noise**2)
    monkeypatch.setattr(bp.experiment, "N", 2 * bp.experiment.N)
    return bp.experiment.N


def test_chapter_9_follows_a_changed_experiment(another_experiment):
    """Every hidden check of chapter 9 still holds, and its prose quotes the new N."""
    text = read_in_order("09-deep", student=False)  # runs the check-prose cells too
    assert f"our {another_experiment} points" in text


def test_chapter_9_types_no_number_of_points():
    # The points come from bp.experiment.N, and the prose quotes them through the glue.
    text = markdown("09-deep")
    typed = re.findall(rf"\b{bp.experiment.N}\s+(?:points|samples)", text)
    assert not typed, f"chapter 9 types the number of points: {typed}"
    assert "n = 100" not in text


def test_the_recursion_factor_predicts_the_size_of_delta_for_every_activation():
    # Chapter 9: one step down multiplies ||Δ|| by about sqrt(16 Var W) * rms act'(Z).
    x, y = bp.bump_data()
    var_W = {"uniform": 1 / 3, "xavier": 2 / 32, "he": 2 / 16}
    for act in bp.ACTIVATIONS:
        for init in bp.INITS:
            delta = bp.start_grad_norms(x, y, 6, act, init, of="delta")
            measured = (delta[1] / delta[-1]) ** (1 / 4)
            prime = [
                np.sqrt(np.mean(net.activation.prime(z) ** 2))
                for s in range(5)
                for net in [bp.DeepNetwork((1,) + (16,) * 5 + (1,), act, s, init)]
                for z in net.forward(x)[0][:-1]
            ]
            predicted = np.sqrt(16 * var_W[init]) * np.mean(prime)
            assert 0.5 < measured / predicted < 2, (act, init, measured, predicted)


def ends_with_semicolon(code: str) -> bool:
    """IPython's own test: is the last token, comments aside, a ';'?"""
    for token in reversed(list(tokenize.generate_tokens(io.StringIO(code).readline))):
        if token.type not in (tokenize.ENDMARKER, tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT):
            return token.type == tokenize.OP and token.string == ";"
    return False


@pytest.mark.parametrize("student", [False, True], ids=["instructor", "student"])
def test_no_number_follows_a_cell_that_silences_its_output(student):
    # myst-nb evaluates an {eval} role in the kernel without storing it in the history, so
    # IPython looks at the last code cell run: if that ends with ';', the number is silenced
    # and the page shows a blank (as chapter 9 did after `check_backward(backward);`).
    silenced = []
    for nb_path in sorted((ROOT / "chapters").glob("*.ipynb")):
        last = ""
        for i, cell in enumerate(json.loads(nb_path.read_text())["cells"]):
            tags = set(cell.get("metadata", {}).get("tags", []))
            if student and tags & {"solution", "check-prose"}:
                continue
            src = "".join(cell["source"])
            if cell["cell_type"] == "code":
                last = src
            elif "{eval}" in src and ends_with_semicolon(last):
                silenced.append(f"{nb_path.stem} cell {i}")
    assert not silenced, f"{{eval}} numbers right after a cell ending in ';': {silenced}"
