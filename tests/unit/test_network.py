"""The network: its gradients are the chain-rule formulas, checked against central differences."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import backproplab as bp

KINK_MARGIN = 1e-3  # central differences with eps=1e-6 are exact for ReLU away from z = 0


@st.composite
def problems(draw):
    """A random network and batch: k in 1..64, n in 1..500, any activation."""
    name = draw(st.sampled_from(sorted(bp.ACTIVATIONS)))
    k = draw(st.integers(1, 64))
    n = draw(st.integers(1, 500))
    # Magnitudes in [0.05, 2]: a weight of 1e-300 makes the true gradient vanish below the
    # roundoff of the central difference, where no relative error is meaningful.
    vals = st.builds(lambda m, s: m * s, st.floats(0.05, 2), st.sampled_from([-1.0, 1.0]))
    net = bp.Network(hidden=k, activation=name, seed=draw(st.integers(0, 2**16)))
    net.params = {
        "w1": draw(hnp.arrays(np.float64, k, elements=vals)),
        "b1": draw(hnp.arrays(np.float64, k, elements=vals)),
        "w2": draw(hnp.arrays(np.float64, k, elements=vals)),
        "b2": draw(st.floats(-1, 1)),
    }
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    x = rng.uniform(-1, 1, n)
    y = bp.bump(x) + 0.05 * rng.standard_normal(n)
    if name == "relu":
        z = np.outer(x, net.params["w1"]) + net.params["b1"]
        if np.min(np.abs(z)) < KINK_MARGIN:
            net.params["b1"] = net.params["b1"] + 10 * KINK_MARGIN  # shift the batch off the kink
            z = np.outer(x, net.params["w1"]) + net.params["b1"]
        from hypothesis import assume

        assume(np.min(np.abs(z)) >= KINK_MARGIN)
    return net, x, y


@settings(max_examples=60, deadline=None)
@given(problems())
def test_analytic_gradients_agree_with_central_differences(problem):
    net, x, y = problem
    _, analytic = net.loss_and_grads(x, y)
    numeric = bp.numerical_grads(net, x, y, eps=1e-6)
    for name in bp.PARAM_NAMES:
        assert analytic[name].shape == net.params[name].shape
        err = bp.relative_error(analytic[name], numeric[name])
        assert err < 1e-6, f"{name}: relative error {err:.2e}"


def test_gradients_have_the_shapes_and_dtype_of_the_parameters():
    net = bp.Network(hidden=7, seed=3)
    data = bp.bump_data(n=13, seed=1)
    loss, grads = net.loss_and_grads(data.x, data.y)
    assert isinstance(loss, float) or np.ndim(loss) == 0
    for name, p in net.params.items():
        assert grads[name].shape == p.shape == ((7,) if name != "b2" else ())
        assert grads[name].dtype == np.float64


def test_loss_is_the_mean_squared_error_of_predict():
    net = bp.Network(hidden=4, activation="tanh", seed=2)
    data = bp.bump_data(n=30, seed=5)
    loss, _ = net.loss_and_grads(data.x, data.y)
    assert loss == pytest.approx(np.mean((net.predict(data.x) - data.y) ** 2), rel=1e-14)
    assert net.loss(data.x, data.y) == pytest.approx(loss, rel=1e-14)


def test_forward_pass_is_the_model_equation_unit_by_unit():
    net = bp.Network(hidden=3, seed=4)
    p = net.params
    x = np.array([-0.7, 0.1, 0.9])
    expected = [
        sum(p["w2"][i] * bp.sigmoid(p["w1"][i] * xj + p["b1"][i]) for i in range(3)) + p["b2"]
        for xj in x
    ]
    np.testing.assert_allclose(net.predict(x), expected, rtol=1e-13)
    np.testing.assert_allclose(net.contributions(x).sum(axis=1) + p["b2"], expected, rtol=1e-13)


def test_default_initialisation_is_the_homeworks_uniform_minus_one_to_one():
    net = bp.Network(hidden=500, seed=0)
    for p in net.params.values():
        assert np.all((-1 <= p) & (p <= 1))
    assert net.params["w1"].std() == pytest.approx(1 / np.sqrt(3), rel=0.1)


@pytest.mark.parametrize("init", ["xavier", "he"])
def test_scaled_initialisations_start_with_zero_biases(init):
    net = bp.Network(hidden=64, seed=0, init=init)
    assert np.all(net.params["b1"] == 0) and net.params["b2"] == 0
    assert net.params["w2"].std() < 0.5


def test_same_seed_gives_identical_parameters_and_different_seeds_do_not():
    a, b, c = bp.Network(seed=7), bp.Network(seed=7), bp.Network(seed=8)
    for name in bp.PARAM_NAMES:
        np.testing.assert_array_equal(a.params[name], b.params[name])
    assert not np.array_equal(a.params["w1"], c.params["w1"])


def test_params_are_assignable_and_checked():
    net = bp.Network(hidden=2)
    net.params = {"w1": [1, 2], "b1": [0, 0], "w2": [1, -1], "b2": 0.5}
    assert net.params["b2"].shape == () and net.params["w1"].dtype == np.float64
    net.params["w1"][0] = 3.0
    assert net.predict([0.0])[0] == pytest.approx(0.5)
    with pytest.raises(ValueError, match=r"params\['w2'\] must have shape \(2,\)"):
        net.params = {"w1": [1, 2], "b1": [0, 0], "w2": [1, -1, 2], "b2": 0.5}
    with pytest.raises(ValueError, match="missing"):
        net.params = {"w1": [1, 2]}


def test_copy_is_independent():
    net = bp.Network(hidden=3)
    twin = net.copy()
    twin.params["w1"][0] += 1
    assert net.params["w1"][0] != twin.params["w1"][0]


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        (dict(hidden=0), ValueError, "hidden"),
        (dict(hidden=2.5), TypeError, "hidden"),
        (dict(hidden="10"), TypeError, "hidden"),
        (dict(activation="softmax"), ValueError, "activation"),
        (dict(init="normal"), ValueError, "init"),
        (dict(seed=-1), ValueError, "seed"),
    ],
)
def test_bad_construction_names_the_argument(kwargs, error, words):
    with pytest.raises(error, match=words):
        bp.Network(**kwargs)


@pytest.mark.parametrize(
    "x, y, error, words",
    [
        (np.zeros((3, 2)), np.zeros(3), ValueError, "x must be 1-D"),
        (["a", "b"], [1.0, 2.0], TypeError, "x must be a 1-D array of numbers"),
        ([1.0, 2.0], [1.0], ValueError, "same length"),
        ([], [], ValueError, "x is empty"),
        ([np.nan, 1.0], [1.0, 2.0], ValueError, "x holds 1 NaN or inf"),
        ([0.0, 1.0], [np.inf, 2.0], ValueError, "y holds 1 NaN or inf"),
        (None, [1.0], TypeError, "x must be"),
    ],
)
def test_bad_data_gets_a_clear_error_not_a_numpy_one(x, y, error, words):
    net = bp.Network(hidden=3)
    with pytest.raises(error, match=words):
        net.loss_and_grads(x, y)
    with pytest.raises(error, match=words):
        bp.train(net, x, y, lr=0.1, epochs=1)
