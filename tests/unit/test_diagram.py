"""The graph drawing and the glue that hands computed numbers to the prose."""

from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402

import backproplab as bp  # noqa: E402
from backproplab import prose  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def test_the_graph_has_one_box_per_operation_and_names_every_parameter_gradient():
    fig, ax = plt.subplots()
    assert bp.draw_graph(ax) is ax
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    assert len(boxes) == 5  # z, h, f, r, L
    texts = " ".join(t.get_text() for t in ax.texts)
    for name in ("w_1", "b_1", "w_2", "b_2"):
        assert rf"\partial L/\partial {name}" in texts
    assert r"\sigma'(z)" in texts
    assert not ax.axison
    plt.close(fig)


def test_the_graph_without_local_gradients_leaves_them_out():
    fig, ax = plt.subplots()
    bp.draw_graph(ax, local=False)
    assert r"\sigma'(z)" not in " ".join(t.get_text() for t in ax.texts)
    plt.close(fig)


def test_glued_formats_the_stored_value_with_the_spec_after_the_colon():
    bp.glue("a-number", np.float64(0.25))
    assert type(prose._VALUES["a-number"]) is float  # numpy scalars are stored as plain floats
    assert bp.glued("a-number:.3f") == "0.250"
    assert bp.glued("a-number:.0e") == "2e-01"
    assert bp.glued("a-number") == "0.25"
    bp.glue("a-count", np.int64(12345))
    assert bp.glued("a-count:,") == "12,345"
    assert bp.glued("a-count") == "12345"
    bp.glue("a-text", "−0.1234")
    assert bp.glued("a-text") == "−0.1234"


def test_glue_keeps_the_latest_value_of_a_name():
    bp.glue("a-changing-number", 1.0)
    bp.glue("a-changing-number", 2.0)
    assert bp.glued("a-changing-number:.1f") == "2.0"


def test_glued_names_a_value_not_computed_yet():
    with pytest.raises(LookupError, match="'never-stored' is not computed yet"):
        bp.glued("never-stored:.4f")


@pytest.mark.parametrize("name", ["", "with:colon", None, 3])
def test_glue_rejects_a_name_the_prose_could_not_ask_for(name):
    with pytest.raises(ValueError, match="name"):
        bp.glue(name, 1.0)


def test_glued_rejects_a_key_that_is_not_a_string():
    with pytest.raises(TypeError, match="key"):
        bp.glued(0.25)


def test_the_book_evaluates_exactly_the_glued_expressions():
    """_config.yml lets myst-nb's {eval} run bp.glued("name:spec") and nothing else."""
    import re

    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["execute"]["execute_notebooks"] == "inline"  # {eval} needs it
    pattern = config["sphinx"]["config"]["nb_eval_name_regex"]
    assert re.match(pattern, 'bp.glued("seed-ratio:.1f")')
    assert re.match(pattern, 'bp.glued("sp-10-share:,.0f")')
    assert re.match(pattern, 'bp.glued("fwd-z")')
    assert not re.match(pattern, "__import__('os')")
    assert not re.match(pattern, 'bp.glued("x").upper()')


def test_every_number_in_the_prose_is_glued_before_the_text_that_shows_it():
    """Each {eval} role names a value that a code cell ABOVE it stores (a key built by an
    f-string in a loop matches its template), and no chapter is left with a {glue} role, which
    JupyterLab would show as its raw key."""
    import json
    import re

    for nb_path in sorted((ROOT / "chapters").glob("*.ipynb")):
        stored, templates = set(), set()
        for cell in json.loads(nb_path.read_text())["cells"]:
            src = "".join(cell["source"])
            if cell["cell_type"] == "code":
                stored |= set(re.findall(r'bp\.glue\(\s*"([^"]+)"', src))
                for template in re.findall(r'bp\.glue\(\s*f"([^"]+)"', src):
                    parts = re.split(r"\{[^}]*\}", template)
                    templates.add("^" + ".+".join(map(re.escape, parts)) + "$")
                continue
            assert "{glue" not in src, f"{nb_path.name}: a {{glue}} role is left: {src[:80]}"
            for key in re.findall(r'\{eval\}`bp\.glued\("([^":]+)[^"]*"\)`', src):
                known = key in stored or any(re.match(t, key) for t in templates)
                assert known, f"{nb_path.name}: {key!r} is shown before any cell glues it"


def test_a_tensor_graph_gets_one_box_per_node_and_its_gradients_only_with_numbers():
    x = bp.Tensor(3.0, name="x")
    steps = bp.tensor_steps(x * x + x.tanh() * 2.0)  # the 2.0 is written into its node
    fig, ax = plt.subplots()
    assert bp.draw_tensor_graph(steps, ax) is ax
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    assert len(boxes) == 5  # x, x·x, tanh(x), tanh(x)·2, the sum
    texts = " ".join(t.get_text() for t in ax.texts)
    assert r"x \cdot x" in texts and r"\tanh(x)" in texts and "2" in texts
    assert "∂L/∂x = 6.02" in texts  # 2x + 2 tanh'(3), the fork summed
    plt.close(fig)
    fig, ax = plt.subplots()
    bp.draw_tensor_graph(steps, ax, numbers=False)
    assert "∂L" not in " ".join(t.get_text() for t in ax.texts)
    plt.close(fig)


def test_chapter_5s_drawing_is_the_tensor_drawing_of_its_steps():
    """draw_graph draws bp.sample_graph through draw_tensor_graph: the same boxes, with the
    chapter's formulas, and with numbers the values and gradients of the steps."""
    steps = bp.backprop_steps(bp.Network(2, "tanh", seed=1), 0.5, 0.2)
    fig, ax = plt.subplots()
    bp.draw_tensor_graph(steps, ax)
    assert len([p for p in ax.patches if isinstance(p, FancyBboxPatch)]) == 5
    texts = [t.get_text() for t in ax.texts]
    for s in steps.forward:
        assert f"${s.formula}$" in texts
        assert f"∂L/∂{s.name} = {bp.graph.fmt(steps['dL/d' + s.name].downstream, 3)}" in texts
    for name in ("$x$", "$w_1$", "$b_1$", "$w_2$", "$b_2$", "$y$"):  # the inputs, bare
        assert name in texts
    plt.close(fig)
