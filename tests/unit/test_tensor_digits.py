"""Tensor's exp and log, and chapter 12's classifier rebuilt from Tensor operations."""

import numpy as np
import pytest

import backproplab as bp
from backproplab.autograd import Tensor
from backproplab.tensor_digits import (
    one_hot,
    tensor_cross_entropy,
    tensor_forward,
    tensor_params,
)


def central(f, value, eps=1e-6):
    value = np.array(value, dtype=np.float64)
    g = np.zeros_like(value)
    for i in np.ndindex(value.shape):
        old = value[i]
        value[i] = old + eps
        up = f(value)
        value[i] = old - eps
        down = f(value)
        value[i] = old
        g[i] = (up - down) / (2 * eps)
    return g


@pytest.mark.parametrize(
    "fn",
    [
        lambda t: t.exp().sum(),
        lambda t: (t * t + 1.0).log().sum(),
        lambda t: (t.exp() * t).sum(axis=0).log().mean(),
    ],
    ids=["exp", "log", "exp-and-log-with-a-fork"],
)
def test_exp_and_log_have_the_gradients_of_central_differences(fn):
    v = np.random.default_rng(0).normal(0, 1, (4, 3))
    t = Tensor(v)
    fn(t).backward()
    want = central(lambda u: float(fn(Tensor(u)).value), v)
    np.testing.assert_allclose(t.grad, want, rtol=1e-6, atol=1e-9)


def test_exp_and_log_are_numpys():
    v = np.array([-2.0, 0.5, 3.0])
    np.testing.assert_array_equal(Tensor(v).exp().value, np.exp(v))
    np.testing.assert_array_equal(Tensor(v).exp().log().value, np.log(np.exp(v)))


def test_log_of_zero_or_a_negative_is_refused():
    with pytest.raises(ValueError, match="log"):
        Tensor([1.0, 0.0]).log()


def test_exp_and_log_steps_can_be_shown():
    t = Tensor([0.5, 1.5], name="z")
    steps = bp.tensor_steps(t.exp().log().sum())
    assert len(steps.forward) >= 3


def softmax(Z):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_the_cross_entropy_gradient_is_p_minus_y_over_n():
    rng = np.random.default_rng(1)
    Z, y = rng.normal(0, 2, (7, 4)), rng.integers(0, 4, 7)
    t = Tensor(Z)
    loss = tensor_cross_entropy(t, y)
    loss.backward()
    P = softmax(Z)
    assert float(loss.value) == pytest.approx(-np.mean(np.log(P[np.arange(7), y])))
    np.testing.assert_allclose(t.grad, (P - one_hot(y, 4)) / 7, atol=1e-15)


def test_the_cross_entropy_is_finite_for_huge_logits():
    Z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]])
    t = Tensor(Z)
    loss = tensor_cross_entropy(t, np.array([0, 2]))
    loss.backward()
    assert np.isfinite(loss.value) and np.all(np.isfinite(t.grad))
    assert float(loss.value) == pytest.approx(1.0 / 2 * (0.0 + np.log1p(np.exp(-1.0)) + 1.0))


def test_a_tanh_network_from_tensors_matches_central_differences():
    rng = np.random.default_rng(2)
    X, y = rng.uniform(0, 1, (6, 5)), rng.integers(0, 3, 6)
    params = {
        "W1": rng.normal(0, 0.5, (5, 4)),
        "b1": rng.normal(0, 0.5, 4),
        "W2": rng.normal(0, 0.5, (4, 3)),
        "b2": rng.normal(0, 0.5, 3),
    }
    leaves = tensor_params(params)
    tensor_cross_entropy(tensor_forward(leaves, X), y).backward()
    for name, value in params.items():

        def loss(v, name=name):
            p = {**params, name: v}
            return float(tensor_cross_entropy(tensor_forward(tensor_params(p), X), y).value)

        np.testing.assert_allclose(leaves[name].grad, central(loss, value), rtol=1e-6, atol=1e-9)


def test_one_hot_names_bad_labels():
    np.testing.assert_array_equal(one_hot([2, 0], 3), [[0, 0, 1], [1, 0, 0]])
    with pytest.raises(ValueError, match="y"):
        one_hot([0, 3], 3)
    with pytest.raises(ValueError, match="y"):
        one_hot([0.5, 1.0], 3)
