"""plot_boundary: the plane shaded by the network's class, the boundary, classes by shape."""

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import backproplab as bp  # noqa: E402


class Line:
    """A classifier with a straight boundary, x1 + x2 > 0 (or everything one class)."""

    def __init__(self, constant=None):
        self.constant = constant

    def classify(self, X):
        if self.constant is not None:
            return np.full(len(X), self.constant)
        return (X[:, 0] + X[:, 1] > 0).astype(int)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def points(n=40, classes=2, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(0, 1, (n, 2)), np.arange(n) % classes


def test_each_class_has_its_own_marker_shape_and_colour():
    ax = bp.plot_boundary(Line(), points(classes=3))
    scatters = [c for c in ax.collections if type(c).__name__ == "PathCollection"]
    assert len(scatters) == 3
    shapes = {c.get_paths()[0].vertices.round(3).tobytes() for c in scatters}
    colours = {tuple(np.round(c.get_facecolor()[0], 3)) for c in scatters}
    assert len(shapes) == 3 and len(colours) == 3
    assert ax.get_legend_handles_labels()[1] == ["class 0", "class 1", "class 2"]


def test_the_shading_follows_the_classifier():
    ax = bp.plot_boundary(Line(), points(), resolution=50)
    assert ax.get_xlabel() == "$x_1$" and ax.get_ylabel() == "$x_2$"
    filled = [c for c in ax.collections if hasattr(c, "levels")]
    assert filled, "no shaded regions"


def test_one_class_everywhere_draws_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bp.plot_boundary(Line(constant=1), points(), resolution=20)


@pytest.mark.parametrize(
    "net, data, error, words",
    [
        (Line(), (np.zeros((5, 3)), np.zeros(5, int)), ValueError, "shape (n, 2)"),
        (Line(), (np.zeros((5, 2)), np.zeros(4, int)), ValueError, "one label per point"),
        (object(), points(), TypeError, "classify"),
    ],
)
def test_bad_input_is_named(net, data, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        bp.plot_boundary(net, data)
