"""The graph drawing and the glue that hands computed numbers to the prose."""

import sys

import matplotlib
import numpy as np

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402

import backproplab as bp  # noqa: E402
from backproplab import prose  # noqa: E402


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


def test_glue_hands_myst_nb_a_plain_float(monkeypatch):
    import myst_nb

    calls = []
    monkeypatch.setattr(myst_nb, "glue", lambda *args, **kw: calls.append((args, kw)))
    bp.glue("a-number", np.float64(0.25))
    (name, value), kw = calls[0]
    assert name == "a-number" and type(value) is float and value == 0.25
    assert kw == {"display": False}


def test_glue_without_myst_nb_writes_the_same_hidden_record(monkeypatch):
    monkeypatch.setitem(sys.modules, "myst_nb", None)  # import fails as in a Binder session
    shown = []
    monkeypatch.setattr(
        "IPython.display.display", lambda data, raw, metadata: shown.append((data, metadata))
    )
    prose.glue("a-number", np.float64(0.25))
    data, metadata = shown[0]
    assert data == {"application/papermill.record/text/plain": "0.25"}
    assert metadata["scrapbook"] == {
        "name": "a-number",
        "mime_prefix": "application/papermill.record/",
    }
