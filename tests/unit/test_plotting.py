"""Plots: labelled axes, curves over sorted x, the floor in a colour of its own."""

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import backproplab as bp  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_fit_lines_are_drawn_over_sorted_x_with_labelled_axes():
    ax = bp.plot_fit(bp.Network(hidden=4), bp.bump_data(n=30), contributions=True)
    assert ax.get_xlabel() and ax.get_ylabel()
    lines = ax.get_lines()
    assert len(lines) == 4 + 2  # four units, the true bump, the fit
    for line in lines:
        assert np.all(np.diff(line.get_xdata()) > 0)


def test_no_loss_curve_shares_the_noise_floors_colour():
    hists = [bp.History(loss=[0.1, 0.05]) for _ in range(8)]
    ax = bp.plot_loss(hists, labels=[f"run {i}" for i in range(8)])
    floor = [ln for ln in ax.get_lines() if ln.get_label().startswith("noise floor")]
    assert len(floor) == 1
    colours = [ln.get_color() for ln in ax.get_lines() if ln is not floor[0]]
    assert floor[0].get_color() not in colours
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "epoch"


def test_a_loss_on_its_way_to_diverging_plots_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = bp.plot_loss(bp.History(loss=[1e-3, 1e200, 1e308]))
        ax.figure.canvas.draw()


@pytest.mark.parametrize("name", sorted(bp.ACTIVATIONS))
def test_activation_plot_shows_the_function_and_its_derivative(name):
    ax = bp.plot_activation(name)
    fn, prime = ax.get_lines()
    z = fn.get_xdata()
    np.testing.assert_allclose(prime.get_ydata(), bp.get_activation(name).prime(z))


@pytest.mark.parametrize(
    "name, symbol", [("sigmoid", r"\sigma("), ("tanh", r"\tanh("), ("relu", r"\mathrm{ReLU}(")]
)
def test_each_units_share_is_labelled_with_the_networks_own_activation(name, symbol):
    ax = bp.plot_fit(bp.Network(activation=name), contributions=True)
    share = ax.get_legend().get_texts()[0].get_text()
    assert symbol in share and share.startswith("$w_{2,i}")
    plt.close(ax.figure)
