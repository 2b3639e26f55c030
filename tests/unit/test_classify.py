"""DeepNetwork as a classifier (chapter 11): the output/loss pairs, labels, numerics, weight decay."""

import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import backproplab as bp
from backproplab.losses import PAIRS

KINK_MARGIN = 1e-3
PAIR_LIST = sorted(PAIRS)  # (output, loss) for every pair the network accepts


def labels_for(output, m, n, rng):
    """Targets of the right kind: values (linear), 0/1 (sigmoid) or classes 0..m-1 (softmax)."""
    if output == "linear":
        y = rng.standard_normal((n, m))
        return y[:, 0] if m == 1 else y
    if output == "sigmoid":
        return rng.integers(0, 2, n)
    return rng.integers(0, m, n)


# -- gradients against central differences, for every pair -----------------------------------
@st.composite
def problems(draw):
    """A random network for a random pair: d, m, depth, widths, activation, lambda; a batch."""
    output, loss = draw(st.sampled_from(PAIR_LIST))
    d = draw(st.integers(1, 4))
    m = 1 if output == "sigmoid" else draw(st.integers(2 if output == "softmax" else 1, 5))
    hidden = draw(st.lists(st.integers(1, 6), min_size=0, max_size=3))
    act = draw(st.sampled_from(sorted(bp.ACTIVATIONS)))
    decay = draw(st.sampled_from([0.0, 0.01, 0.3]))
    net = bp.DeepNetwork(
        (d, *hidden, m),
        act,
        seed=draw(st.integers(0, 2**16)),
        init=draw(st.sampled_from(bp.INITS)),
        output=output,
        loss=loss,
        weight_decay=decay,
    )
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    for name, p in net.params.items():  # biases away from 0 keep ReLU off its kink
        if name[0] == "b":
            p[...] = rng.choice([-1.0, 1.0], p.size) * rng.uniform(0.05, 1.0, p.size)
    n = draw(st.integers(1, 40))
    x = rng.uniform(-2, 2, (n, d))
    y = labels_for(output, m, n, rng)
    if act == "relu":
        Z, _, _ = net.forward(x)
        assume(all(np.min(np.abs(z)) >= KINK_MARGIN for z in Z[:-1]))
    return net, x, y


@settings(max_examples=80, deadline=None)
@given(problems())
def test_every_pair_has_the_gradient_of_its_loss(problem):
    net, x, y = problem
    loss, analytic = net.loss_and_grads(x, y)
    assert loss == pytest.approx(net.loss(x, y), rel=1e-12)
    numeric = bp.numerical_grads(net, x, y, eps=1e-6)
    atol = 1e-8 * max(1.0, loss)
    for name, p in net.params.items():
        assert analytic[name].shape == p.shape
        np.testing.assert_allclose(
            analytic[name], numeric[name], rtol=1e-5, atol=atol, err_msg=f"{name} of {net}"
        )


# -- the output error is (P - Y)/n ---------------------------------------------------------------
@pytest.mark.parametrize("output, loss", PAIR_LIST)
def test_output_error_is_the_derivative_the_chapter_derives(output, loss):
    rng = np.random.default_rng(0)
    m = {"linear": 3, "sigmoid": 1, "softmax": 4}[output]
    n = 7
    net = bp.DeepNetwork((2, m), output=output, loss=loss, seed=1)  # no hidden layer: Z = X W + b
    x = rng.standard_normal((n, 2))
    y = labels_for(output, m, n, rng)
    Z = x @ net.params["W1"] + net.params["b1"]
    Y = np.eye(m)[y] if output == "softmax" else np.reshape(y, (n, m)).astype(float)
    P = {"linear": Z, "sigmoid": bp.sigmoid(Z), "softmax": bp.softmax(Z)}[output]
    delta = {
        ("linear", "mse"): lambda: 2 * (P - Y) / n,
        ("sigmoid", "bce"): lambda: (P - Y) / n,
        ("softmax", "ce"): lambda: (P - Y) / n,
        ("sigmoid", "mse"): lambda: 2 * (P - Y) * P * (1 - P) / n,
    }[output, loss]()
    value = {
        ("linear", "mse"): lambda: np.sum((P - Y) ** 2) / n,
        ("sigmoid", "bce"): lambda: -np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P)),
        ("softmax", "ce"): lambda: -np.mean(np.log(P[np.arange(n), y])),
        ("sigmoid", "mse"): lambda: np.sum((P - Y) ** 2) / n,
    }[output, loss]()
    got, grads = net.loss_and_grads(x, y)
    assert got == pytest.approx(value, rel=1e-12)
    np.testing.assert_allclose(grads["b1"], delta.sum(axis=0), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(grads["W1"], x.T @ delta, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(net.forward(x)[1][-1], P, rtol=1e-12)


def test_softmax_over_two_classes_is_a_sigmoid_of_the_logit_difference():
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((20, 3)), rng.integers(0, 2, 20)
    soft = bp.DeepNetwork((3, 5, 2), "tanh", seed=0, output="softmax")
    sig = bp.DeepNetwork((3, 5, 1), "tanh", seed=0, output="sigmoid")
    p = soft.params
    sig.params = {
        "W1": p["W1"],
        "b1": p["b1"],
        "W2": p["W2"][:, 1:] - p["W2"][:, :1],
        "b2": p["b2"][1:] - p["b2"][:1],
    }
    assert soft.loss(x, y) == pytest.approx(sig.loss(x, y), rel=1e-12)
    np.testing.assert_allclose(soft.predict(x)[:, 1], sig.predict(x), rtol=1e-12)
    np.testing.assert_array_equal(soft.classify(x), sig.classify(x))


def test_linear_output_with_several_units_is_the_summed_squared_error():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((9, 2)), rng.standard_normal((9, 3))
    net = bp.DeepNetwork((2, 4, 3), seed=0)
    assert (net.output, net.loss_name) == ("linear", "mse")
    f = net.predict(x)
    assert f.shape == (9, 3)
    assert net.loss(x, y) == pytest.approx(np.sum((f - y) ** 2) / 9, rel=1e-12)


# -- labels ------------------------------------------------------------------------------------
def test_one_hot_float_and_bool_labels_give_the_same_loss_and_gradients():
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((12, 2)), np.arange(12) % 3
    net = bp.DeepNetwork((2, 4, 3), "relu", seed=2, output="softmax")
    loss, grads = net.loss_and_grads(x, y)
    for same in (np.eye(3)[y], y.astype(float), list(y)):
        other_loss, other = net.loss_and_grads(x, same)
        assert other_loss == loss
        for name in grads:
            np.testing.assert_array_equal(other[name], grads[name])
    binary = bp.DeepNetwork((2, 4, 1), seed=2, output="sigmoid")
    b = y % 2
    assert binary.loss(x, b == 1) == binary.loss(x, b) == binary.loss(x, b[:, None].astype(float))


def test_predict_gives_probabilities_and_classify_gives_labels():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((30, 2))
    soft = bp.DeepNetwork((2, 6, 4), "tanh", seed=0, output="softmax")
    P = soft.predict(x)
    assert P.shape == (30, 4) and np.all(P > 0)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)
    labels = soft.classify(x)
    assert labels.dtype == np.int64 and labels.shape == (30,)
    np.testing.assert_array_equal(labels, P.argmax(axis=1))
    sig = bp.DeepNetwork((2, 6, 1), "tanh", seed=0, output="sigmoid")
    p = sig.predict(x)
    assert p.shape == (30,) and np.all((p > 0) & (p < 1))
    np.testing.assert_array_equal(sig.classify(x), (p >= 0.5).astype(int))
    with pytest.raises(ValueError, match="classify needs a sigmoid or softmax output"):
        bp.DeepNetwork((2, 3, 1)).classify(x)


def test_one_dimensional_x_is_still_accepted_when_d_is_1():
    net = bp.DeepNetwork((1, 3, 2), output="softmax", seed=0)
    x = np.linspace(-1, 1, 5)
    np.testing.assert_array_equal(net.predict(x), net.predict(x[:, None]))


# -- numerics ------------------------------------------------------------------------------------
@pytest.mark.parametrize("output, loss", PAIR_LIST)
def test_logits_of_a_thousand_give_finite_losses_and_gradients_without_warnings(output, loss):
    m = 1 if output == "sigmoid" else 3
    net = bp.DeepNetwork((1, m), output=output, loss=loss, seed=0)
    net.params = {"W1": np.full((1, m), 1000.0) * np.array([1, -1, 1][:m]), "b1": np.zeros(m)}
    x = np.array([[1.0], [-1.0], [0.5]])  # logits +-1000 and +-500
    y = labels_for(output, m, 3, np.random.default_rng(0))
    y[:2] = 1  # the first point confidently right, the second confidently wrong
    # underflow to 0 (e^-2000) is exact enough and numpy ignores it by default; nothing else may
    with warnings.catch_warnings(), np.errstate(divide="raise", over="raise", invalid="raise"):
        warnings.simplefilter("error")
        value, grads = net.loss_and_grads(x, y)
        P = net.predict(x)
        numeric = bp.numerical_grads(net, x, y)
    assert np.isfinite(value)
    if loss != "mse":  # a point 1000 logits on the wrong side costs about 1000/n
        assert value > 100
    assert all(np.isfinite(g).all() for g in grads.values())
    assert all(np.isfinite(g).all() for g in numeric.values())
    assert np.isfinite(P).all()


def test_softmax_and_log_softmax_are_stable_and_row_wise():
    Z = np.array([[1000.0, -1000.0, 0.0], [1.0, 2.0, 3.0]])
    with warnings.catch_warnings(), np.errstate(divide="raise", over="raise", invalid="raise"):
        warnings.simplefilter("error")
        P, logP = bp.softmax(Z), bp.log_softmax(Z)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_allclose(logP[0], [0.0, -2000.0, -1000.0])
    e = np.exp([1.0, 2.0, 3.0])
    np.testing.assert_allclose(P[1], e / e.sum(), rtol=1e-15)
    np.testing.assert_allclose(logP[1], np.log(e / e.sum()), rtol=1e-14)
    np.testing.assert_allclose(bp.softmax([1.0, 2.0, 3.0]), P[1])  # a vector is one row
    with pytest.raises(TypeError, match="Z"):
        bp.softmax("logits")
    with pytest.raises(ValueError, match="Z"):
        bp.log_softmax(3.0)


# -- weight decay ----------------------------------------------------------------------------------
def test_weight_decay_adds_half_lambda_squared_weights_and_lambda_w_to_their_gradients():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((15, 2)), rng.integers(0, 3, 15)
    plain = bp.DeepNetwork((2, 5, 3), "tanh", seed=4, output="softmax")
    decayed = plain.copy()
    decayed.weight_decay = 0.1
    assert plain.penalty() == 0.0
    w2 = sum(np.sum(plain.params[f"W{k}"] ** 2) for k in (1, 2))
    assert decayed.penalty() == pytest.approx(0.05 * w2, rel=1e-12)
    loss, grads = plain.loss_and_grads(x, y)
    dloss, dgrads = decayed.loss_and_grads(x, y)
    assert dloss == pytest.approx(loss + 0.05 * w2, rel=1e-12)
    for k in (1, 2):
        np.testing.assert_allclose(dgrads[f"W{k}"] - grads[f"W{k}"], 0.1 * plain.params[f"W{k}"])
        np.testing.assert_array_equal(dgrads[f"b{k}"], grads[f"b{k}"])  # biases are not decayed


def test_weight_decay_shrinks_the_weights_a_training_run_ends_with():
    data = bp.data.moons(n=60, noise=0.3, seed=1)
    norms = []
    for lam in (0.0, 0.05):
        net = bp.DeepNetwork((2, 16, 2), "tanh", seed=0, output="softmax", weight_decay=lam)
        bp.train(net, *data, lr=0.05, epochs=200, optimizer="adam")
        norms.append(sum(np.sum(net.params[f"W{k}"] ** 2) for k in (1, 2)))
    assert norms[1] < 0.5 * norms[0]


# -- training --------------------------------------------------------------------------------------
@pytest.mark.parametrize("output, loss", PAIR_LIST)
@pytest.mark.parametrize("batch_size", [None, 16])
def test_train_lowers_every_loss_and_records_its_validation_loss(output, loss, batch_size):
    train, val = bp.data.gaussians(n=120, noise=0.6, seed=2).split(val=0.25, seed=0)
    m = {"linear": 1, "sigmoid": 1, "softmax": 2}[output]
    net = bp.DeepNetwork((2, 6, m), "tanh", seed=0, output=output, loss=loss, weight_decay=1e-3)
    start = net.loss(*train)
    hist = bp.train(
        net, *train, lr=0.02, epochs=60, optimizer="adam", batch_size=batch_size, val=val
    )
    assert hist.epochs == 60 and not hist.diverged
    assert hist.loss[-1] < 0.8 * start
    assert hist.val_loss[-1] == pytest.approx(net.loss(*val), rel=1e-12)


def test_the_preset_separates_the_moons_and_the_spiral():
    moons = bp.data.moons(n=200, noise=0.1, seed=0)
    net = bp.DeepNetwork((2, 16, 2), "tanh", seed=0, init="xavier", output="softmax")
    bp.train(net, *moons, lr=0.07, epochs=300, optimizer="adam")
    assert bp.accuracy(moons.y, net.classify(moons.x)) > 0.97
    spiral = bp.data.spiral(n=150, classes=3, seed=0)
    flat = bp.DeepNetwork((2, 3), seed=0, init="xavier", output="softmax")  # no hidden layer
    deep = bp.DeepNetwork((2, 32, 32, 3), "tanh", seed=0, init="xavier", output="softmax")
    for net in (flat, deep):
        bp.train(net, *spiral, lr=0.03, epochs=400, optimizer="adam")
    assert bp.accuracy(spiral.y, flat.predict(spiral.x)) < 0.7
    assert bp.accuracy(spiral.y, deep.predict(spiral.x)) > 0.95


def test_copy_and_params_keep_the_output_and_the_sizes_of_the_data():
    net = bp.DeepNetwork((3, 4, 5), output="softmax", weight_decay=0.2, seed=0)
    twin = net.copy()
    assert (twin.output, twin.loss_name, twin.weight_decay) == ("softmax", "ce", 0.2)
    assert "output='softmax'" in repr(net) and "weight_decay=0.2" in repr(net)
    assert repr(bp.DeepNetwork((1, 2, 1))) == (
        "DeepNetwork(sizes=(1, 2, 1), activation='sigmoid', init='uniform')"
    )
    wider = bp.DeepNetwork((3, 7, 5), seed=1)
    net.params = wider.params
    assert net.sizes == (3, 7, 5)
    with pytest.raises(ValueError, match=r"params\['W2'\] must have shape \(7, 5\)"):
        net.params = {**wider.params, "W2": np.zeros((7, 2)), "b2": np.zeros(2)}
    with pytest.raises(ValueError, match=r"params\['W1'\] must have shape \(3, 7\)"):
        net.params = {**wider.params, "W1": np.zeros((2, 7))}


# -- bad input ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        (dict(output="tanh"), ValueError, "unknown output 'tanh'"),
        (dict(output=None), TypeError, "output must be one of"),
        (dict(output="linear", loss="ce"), ValueError, "not a pair"),
        (dict(output="softmax", loss="bce"), ValueError, "not a pair"),
        (dict(output="sigmoid", loss="hinge"), ValueError, "unknown loss 'hinge'"),
        (dict(sizes=(2, 3, 2), output="sigmoid"), ValueError, "sizes must end with 1"),
        (dict(sizes=(2, 3, 1), output="softmax"), ValueError, "needs m >= 2"),
        (dict(weight_decay=-0.1), ValueError, "weight_decay must be a finite number >= 0"),
        (dict(weight_decay="0.1"), TypeError, "weight_decay must be a number"),
        (dict(weight_decay=np.inf), ValueError, "weight_decay"),
    ],
)
def test_bad_outputs_losses_and_decay_are_refused(kwargs, error, words):
    kwargs = {"sizes": (2, 3, 2), **kwargs}
    with pytest.raises(error) as info:
        bp.DeepNetwork(**kwargs)
    assert words in str(info.value)


def test_assigning_a_bad_weight_decay_changes_nothing():
    net = bp.DeepNetwork((2, 3, 2), output="softmax", weight_decay=0.1)
    with pytest.raises(ValueError, match="weight_decay"):
        net.weight_decay = -1
    assert net.weight_decay == 0.1


X4 = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [1.0, 1.0]])


@pytest.mark.parametrize(
    "output, y, error, words",
    [
        ("softmax", [0, 1, 3, 2], ValueError, "0 .. 2"),  # a label >= m
        ("softmax", [0, -1, 1, 2], ValueError, "0 .. 2"),  # negative
        ("softmax", [0, 1.5, 1, 2], ValueError, "integer class labels"),  # non-integer
        ("softmax", [0, 1, 2], ValueError, "same length"),
        ("softmax", [0, 1, 2, 1, 0], ValueError, "same length"),
        ("softmax", np.eye(3)[[0, 1, 2]], ValueError, "same length"),
        ("softmax", np.eye(4)[[0, 1, 2, 3]], ValueError, "one-hot (n, 3)"),
        ("softmax", np.full((4, 3), 1 / 3), ValueError, "must be one-hot"),
        ("softmax", np.zeros((4, 3, 1)), ValueError, "shape"),
        ("softmax", [0, np.nan, 1, 2], ValueError, "finite"),
        ("softmax", ["a", "b", "c", "d"], TypeError, "numbers"),
        ("softmax", "0123", TypeError, "array of targets"),
        ("softmax", None, TypeError, "array of targets"),
        ("sigmoid", [0, 1, 2, 1], ValueError, "labels 0 and 1"),
        ("sigmoid", [0, 1, -1, 1], ValueError, "labels 0 and 1"),
        ("sigmoid", [0, 1, 0.5, 1], ValueError, "labels 0 and 1"),
        ("sigmoid", [0, 1, np.nan, 1], ValueError, "labels 0 and 1"),
        ("sigmoid", [0, 1, 1], ValueError, "same length"),
        ("sigmoid", np.zeros((4, 2)), ValueError, "1-D"),
        ("linear", np.zeros((4, 2)), ValueError, "shape (n,)"),
        ("linear", [0.0, 1.0, np.inf, 1.0], ValueError, "finite"),
    ],
)
def test_bad_labels_are_refused_naming_y(output, y, error, words):
    m = {"softmax": 3, "sigmoid": 1, "linear": 1}[output]
    net = bp.DeepNetwork((2, 3, m), output=output, seed=0)
    for call in (net.loss, net.loss_and_grads, bp.numerical_grads, bp.train):
        args = (net, X4, y) if call in (bp.numerical_grads, bp.train) else (X4, y)
        with pytest.raises(error) as info:
            call(*args)
        assert "y" in str(info.value) and words in str(info.value)


@pytest.mark.parametrize(
    "output, m, y",
    [("sigmoid", 1, [1, 1, 1, 1]), ("sigmoid", 1, [0, 0, 0, 0]), ("softmax", 3, [2, 2, 2, 2])],
)
def test_training_on_a_single_class_is_refused_naming_y(output, m, y):
    net = bp.DeepNetwork((2, 3, m), output=output, seed=0)
    before = {k: v.copy() for k, v in net.params.items()}
    with pytest.raises(ValueError, match="y holds a single class"):
        bp.train(net, X4, y, epochs=5)
    for name, p in before.items():
        np.testing.assert_array_equal(net.params[name], p)
    assert np.isfinite(net.loss(X4, y))  # one class is a fine batch to measure a loss on
    with pytest.raises(ValueError, match="y holds a single class"):
        bp.train(net, X4, np.eye(m)[y] if output == "softmax" else y, epochs=5)


@pytest.mark.parametrize(
    "d, x, error, words",
    [
        (2, np.zeros(4), ValueError, "shape (n, 2)"),
        (2, np.zeros((4, 3)), ValueError, "shape (n, 2)"),
        (2, np.zeros((0, 2)), ValueError, "empty"),
        (2, [[0.0, np.nan]] * 4, ValueError, "NaN"),
        (2, [["a", "b"]] * 4, TypeError, "numbers"),
        (2, None, TypeError, "x must be"),
        (1, np.zeros((4, 2)), ValueError, "1-D"),
    ],
)
def test_bad_inputs_are_refused_naming_x(d, x, error, words):
    net = bp.DeepNetwork((d, 3, 2), output="softmax", seed=0)
    for call in (net.predict, net.classify, net.forward):
        with pytest.raises(error) as info:
            call(x)
        assert str(info.value).startswith("x ") and words in str(info.value)
    with pytest.raises(error, match="^x "):
        bp.train(net, x, [0, 1, 0, 1])


def test_bad_validation_data_is_refused_before_training():
    data = bp.data.moons(n=40, seed=0)
    net = bp.DeepNetwork((2, 3, 2), output="softmax", seed=0)
    with pytest.raises(ValueError, match="0 .. 1"):
        bp.train(net, *data, epochs=3, val=(data.x, data.y + 1))
    with pytest.raises(ValueError, match="shape"):
        bp.train(net, *data, epochs=3, val=(data.x[:, :1], data.y))


@pytest.mark.parametrize(
    "output, y, shown",
    [("softmax", [0, 1, 3, 2], "it holds 3"), ("softmax", [0, 1.5, 1, 2], "it holds 1.5"),
     ("sigmoid", [0, 1, 2, 1], "it holds 2"), ("sigmoid", [0, 0.5, 1, 1], "it holds 0.5")],
)  # fmt: skip
def test_a_bad_label_is_shown_as_the_number_the_user_wrote(output, y, shown):
    """Not numpy's repr cut short ("np.float64(3"): the label itself."""
    net = bp.DeepNetwork((2, 3, 3 if output == "softmax" else 1), output=output, seed=0)
    with pytest.raises(ValueError) as info:
        net.loss(X4, y)
    assert str(info.value).endswith(shown) and "np." not in str(info.value)
