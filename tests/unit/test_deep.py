"""DeepNetwork: chapter 9's recursion, checked against central differences and against Network."""

import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import backproplab as bp

KINK_MARGIN = 1e-3  # central differences with eps=1e-6 are exact for ReLU away from z = 0


def one_layer_pair(k, activation, seed, init="uniform"):
    net = bp.Network(hidden=k, activation=activation, seed=seed, init=init)
    deep = bp.DeepNetwork(sizes=(1, k, 1), activation=activation, seed=seed + 1, init=init)
    p = net.params
    deep.params = {"W1": p["w1"][None, :], "b1": p["b1"], "W2": p["w2"][:, None], "b2": [p["b2"]]}
    return net, deep


# -- the same rule as Network ---------------------------------------------------------------
@pytest.mark.parametrize("activation", sorted(bp.ACTIVATIONS))
def test_one_hidden_layer_gives_networks_loss_and_gradients(activation):
    data = bp.bump_data(n=57, seed=4)
    for k in (1, 3, 10):
        net, deep = one_layer_pair(k, activation, seed=k)
        loss, grads = net.loss_and_grads(*data)
        deep_loss, deep_grads = deep.loss_and_grads(*data)
        assert deep_loss == pytest.approx(loss, rel=1e-12, abs=1e-15)
        for name, deep_name in (("w1", "W1"), ("b1", "b1"), ("w2", "W2"), ("b2", "b2")):
            np.testing.assert_allclose(
                deep_grads[deep_name].ravel(), np.ravel(grads[name]), rtol=1e-12, atol=1e-15
            )
        np.testing.assert_allclose(deep.predict(data.x), net.predict(data.x), rtol=1e-12)


@pytest.mark.parametrize("init", bp.INITS)
def test_one_hidden_layer_draws_networks_starting_parameters(init):
    net = bp.Network(hidden=6, activation="tanh", seed=11, init=init)
    deep = bp.DeepNetwork(sizes=(1, 6, 1), activation="tanh", seed=11, init=init)
    np.testing.assert_array_equal(deep.params["W1"], net.params["w1"][None, :])
    np.testing.assert_array_equal(deep.params["b1"], net.params["b1"])
    np.testing.assert_array_equal(deep.params["W2"], net.params["w2"][:, None])
    np.testing.assert_array_equal(deep.params["b2"], [net.params["b2"]])


# -- gradients against central differences ----------------------------------------------------
@st.composite
def problems(draw):
    """A random network of depth 1..5 and width 1..8, any activation and init, and a batch."""
    name = draw(st.sampled_from(sorted(bp.ACTIVATIONS)))
    hidden = draw(st.lists(st.integers(1, 8), min_size=0, max_size=4))
    init = draw(st.sampled_from(bp.INITS))
    deep = bp.DeepNetwork((1, *hidden, 1), name, seed=draw(st.integers(0, 2**16)), init=init)
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    # biases of magnitude >= 0.05 keep the gradients well above the roundoff of the differences
    for name in deep.params:
        b = deep.params[name]
        if name[0] != "b":
            continue
        b[...] = rng.choice([-1.0, 1.0], b.size) * rng.uniform(0.05, 1.0, b.size)
    n = draw(st.integers(1, 60))
    x = rng.uniform(-1, 1, n)
    y = bp.bump(x) + 0.05 * rng.standard_normal(n)
    if name == "relu":
        Z, _, _ = deep.forward(x)
        assume(all(np.min(np.abs(z)) >= KINK_MARGIN for z in Z[:-1]))
    return deep, x, y


@settings(max_examples=60, deadline=None)
@given(problems())
def test_analytic_gradients_agree_with_central_differences(problem):
    deep, x, y = problem
    loss, analytic = deep.loss_and_grads(x, y)
    numeric = bp.numerical_grads(deep, x, y, eps=1e-6)
    assert list(analytic) == list(deep.params)
    # Central differences carry a roundoff of about 1e-16 * L / eps = 1e-10 * L per entry, so
    # a layer whose gradient has all but vanished (deep sigmoid stacks) is compared absolutely.
    atol = 1e-8 * max(1.0, loss)
    for name, p in deep.params.items():
        assert analytic[name].shape == p.shape
        np.testing.assert_allclose(
            analytic[name], numeric[name], rtol=1e-5, atol=atol, err_msg=f"{name} of {deep}"
        )


def test_grad_check_reports_every_layer_and_passes():
    deep = bp.DeepNetwork((1, 4, 3, 1), "tanh", seed=2, init="xavier")
    data = bp.bump_data(n=20, seed=1)
    check = bp.grad_check(deep, *data)
    assert list(check.errors) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert check.ok, str(check)


def test_numerical_grads_leave_the_network_as_it_was():
    deep = bp.DeepNetwork((1, 3, 2, 1), "sigmoid", seed=5)
    before = {k: v.copy() for k, v in deep.params.items()}
    bp.numerical_grads(deep, *bp.bump_data(n=9, seed=0))
    for k, v in before.items():
        np.testing.assert_array_equal(deep.params[k], v)


def test_forward_is_the_layer_equations_sample_by_sample():
    deep = bp.DeepNetwork((1, 3, 2, 1), "tanh", seed=7, init="he")
    p = deep.params
    x = np.array([-0.4, 0.3])
    Z, A, f = deep.forward(x)
    for j, xj in enumerate(x):
        a1 = np.tanh(xj * p["W1"][0] + p["b1"])
        a2 = np.tanh(a1 @ p["W2"] + p["b2"])
        out = a2 @ p["W3"][:, 0] + p["b3"][0]
        assert f[j] == pytest.approx(out, rel=1e-13)
        np.testing.assert_allclose(A[2][j], a2, rtol=1e-13)
    assert [z.shape for z in Z] == [(2, 3), (2, 2), (2, 1)]
    assert [a.shape for a in A] == [(2, 1), (2, 3), (2, 2), (2, 1)]


def test_loss_is_the_mean_squared_error_of_predict():
    deep = bp.DeepNetwork((1, 5, 5, 1), "relu", seed=1, init="he")
    data = bp.bump_data(n=30, seed=2)
    loss, _ = deep.loss_and_grads(*data)
    assert loss == pytest.approx(np.mean((deep.predict(data.x) - data.y) ** 2), rel=1e-14)
    assert deep.loss(*data) == pytest.approx(loss, rel=1e-14)


def test_no_hidden_layer_is_a_straight_line():
    line = bp.DeepNetwork((1, 1), seed=0)
    line.params = {"W1": [[2.0]], "b1": [-1.0]}
    np.testing.assert_array_equal(line.predict([0.0, 1.0, 2.0]), [-1.0, 1.0, 3.0])


# -- the API: shapes, seeds, copies -----------------------------------------------------------
def test_params_have_the_documented_names_and_shapes():
    deep = bp.DeepNetwork(sizes=(1, 16, 8, 1), seed=0)
    shapes = {k: v.shape for k, v in deep.params.items()}
    assert shapes == {
        "W1": (1, 16),
        "b1": (16,),
        "W2": (16, 8),
        "b2": (8,),
        "W3": (8, 1),
        "b3": (1,),
    }
    assert deep.sizes == (1, 16, 8, 1) and deep.depth == 3
    assert all(v.dtype == np.float64 for v in deep.params.values())


def test_same_seed_gives_bit_identical_networks_and_training():
    data = bp.bump_data(n=40, seed=0)
    runs = []
    for _ in range(2):
        deep = bp.DeepNetwork((1, 8, 8, 1), "tanh", seed=3, init="xavier")
        hist = bp.train(deep, *data, lr=0.05, epochs=20, optimizer="adam", batch_size=7, seed=1)
        runs.append((hist.loss, {k: v.copy() for k, v in deep.params.items()}))
    assert runs[0][0] == runs[1][0]
    for k in runs[0][1]:
        np.testing.assert_array_equal(runs[0][1][k], runs[1][1][k])
    assert not np.array_equal(
        bp.DeepNetwork(seed=4).params["W2"], bp.DeepNetwork(seed=3).params["W2"]
    )


def test_init_options_scale_each_layer_by_its_fan_in_and_fan_out():
    sizes = (1, 200, 300, 1)
    he = bp.DeepNetwork(sizes, seed=0, init="he").params
    assert np.std(he["W2"]) == pytest.approx(np.sqrt(2 / 200), rel=0.02)
    assert np.all(he["b2"] == 0)
    xavier = bp.DeepNetwork(sizes, seed=0, init="xavier").params
    a = np.sqrt(6 / (200 + 300))
    assert np.max(np.abs(xavier["W2"])) <= a and np.max(np.abs(xavier["W2"])) > 0.99 * a
    uniform = bp.DeepNetwork(sizes, seed=0, init="uniform").params
    assert np.max(np.abs(uniform["W2"])) <= 1 and np.max(np.abs(uniform["b2"])) > 0.99


def test_copy_is_independent():
    deep = bp.DeepNetwork((1, 4, 4, 1), seed=0)
    twin = deep.copy()
    twin.params["W2"] += 1.0
    assert not np.array_equal(twin.params["W2"], deep.params["W2"])
    assert twin.sizes == deep.sizes and twin.activation is deep.activation


def test_params_can_be_assigned_with_new_widths():
    deep = bp.DeepNetwork((1, 4, 4, 1), seed=0)
    wider = bp.DeepNetwork((1, 6, 2, 1), seed=1)
    deep.params = wider.params
    assert deep.sizes == (1, 6, 2, 1)
    assert deep.params["W2"] is not wider.params["W2"]  # copied, like Network's


def test_layer_grad_norms_are_the_norms_of_each_weight_gradient():
    deep = bp.DeepNetwork((1, 5, 5, 5, 1), "sigmoid", seed=0)
    _, grads = deep.loss_and_grads(*bp.bump_data(n=50, seed=0))
    norms = bp.layer_grad_norms(grads)
    assert norms.shape == (4,)
    for i in range(4):
        assert norms[i] == pytest.approx(np.sqrt(np.sum(grads[f"W{i + 1}"] ** 2)))
    with pytest.raises(ValueError, match="W1"):
        bp.layer_grad_norms({"w1": grads["W1"]})
    with pytest.raises(TypeError, match="grads"):
        bp.layer_grad_norms([1.0])


# -- works with everything that takes a network -----------------------------------------------
@pytest.mark.parametrize("optimizer", bp.OPTIMIZERS)
@pytest.mark.parametrize("batch_size", [None, 16])
def test_train_lowers_the_loss_with_every_optimizer(optimizer, batch_size):
    data = bp.bump_data(n=100, seed=0)
    val = bp.bump_data(n=50, seed=9)
    deep = bp.DeepNetwork((1, 8, 8, 1), "tanh", seed=0, init="xavier")
    start = deep.loss(*data)
    lr = 0.01 if optimizer == "adam" else 0.05
    hist = bp.train(
        deep, *data, lr=lr, epochs=100, optimizer=optimizer, batch_size=batch_size, val=val
    )
    assert hist.epochs == 100 and len(hist.val_loss) == 100 and not hist.diverged
    assert hist.loss[-1] < 0.5 * start


def test_train_stops_a_diverging_deep_network_and_restores_finite_weights():
    deep = bp.DeepNetwork((1, 16, 16, 1), "relu", seed=0, init="he")
    data = bp.bump_data(n=50, seed=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        hist = bp.train(deep, *data, lr=50.0, epochs=200)
    assert hist.diverged and "smaller learning rate" in hist.message
    assert any(issubclass(w.category, bp.TrainingDiverged) for w in caught)
    assert all(np.isfinite(p).all() for p in deep.params.values())


# -- bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "sizes, error, words",
    [
        ("1,16,1", TypeError, "sequence of positive integers"),
        (16, TypeError, "sequence of positive integers"),
        ((1, 16.0, 1), TypeError, "positive integers"),
        ((1, 0, 1), ValueError, "positive integers"),
        ((1, -3, 1), ValueError, "positive integers"),
        ((1, True, 1), TypeError, "positive integers"),
        ((1,), ValueError, "at least 2"),
        ((), ValueError, "at least 2"),
    ],
)
def test_bad_sizes_are_refused_with_a_clear_message(sizes, error, words):
    with pytest.raises(error, match="sizes") as info:
        bp.DeepNetwork(sizes=sizes)
    assert words in str(info.value)


def test_numpy_integer_sizes_are_accepted():
    assert bp.DeepNetwork(sizes=np.array([1, 3, 1]).tolist()).sizes == (1, 3, 1)
    assert bp.DeepNetwork(sizes=[1, np.int64(3), 1]).sizes == (1, 3, 1)


def test_bad_activation_and_init_are_refused():
    with pytest.raises(ValueError, match="activation"):
        bp.DeepNetwork(activation="softplus")
    with pytest.raises(ValueError, match="init"):
        bp.DeepNetwork(init="glorot")
    with pytest.raises(TypeError, match="seed"):
        bp.DeepNetwork(seed=1.5)


@pytest.mark.parametrize(
    "change, error, words",
    [
        (lambda p: p.pop("b2"), ValueError, "missing ['b2']"),
        (lambda p: p.update(W4=np.zeros((1, 1))), ValueError, "unexpected ['W4']"),
        (lambda p: p.update(W1=np.zeros(4)), ValueError, "params['W1'] must have shape (1, d_1)"),
        (
            lambda p: p.update(W1=np.zeros((2, 4))),
            ValueError,
            "params['W1'] must have shape (1, 4)",
        ),
        (
            lambda p: p.update(W2=np.zeros((3, 4))),
            ValueError,
            "params['W2'] must have shape (4, 4)",
        ),
        (
            lambda p: p.update(W3=np.zeros((4, 2))),
            ValueError,
            "params['W3'] must have shape (4, 1)",
        ),
        (lambda p: p.update(b2=np.zeros(3)), ValueError, "params['b2'] must have shape (4,)"),
        (lambda p: p.update(b3=np.array(0.0)), ValueError, "params['b3'] must have shape (1,)"),
        (lambda p: p.update(W2="weights"), TypeError, "params['W2'] must be an array of numbers"),
        (lambda p: p.update(b1=[1, "x", 2, 3]), TypeError, "params['b1'] must be an array"),
    ],
)
def test_params_of_the_wrong_shape_are_refused(change, error, words):
    deep = bp.DeepNetwork((1, 4, 4, 1), seed=0)
    new = {k: v.copy() for k, v in deep.params.items()}
    change(new)
    with pytest.raises(error) as info:
        deep.params = new
    assert words in str(info.value)
    assert deep.sizes == (1, 4, 4, 1)  # a refused assignment changes nothing


def test_params_must_be_a_dict():
    with pytest.raises(TypeError, match="params must be a dict"):
        bp.DeepNetwork().params = [1, 2]


def test_bad_data_gets_the_package_errors():
    deep = bp.DeepNetwork((1, 3, 1))
    with pytest.raises(ValueError, match="same length"):
        deep.loss_and_grads([0.1, 0.2], [0.3])
    with pytest.raises(ValueError, match="1-D"):
        deep.predict(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="NaN"):
        deep.loss([np.nan], [0.0])
