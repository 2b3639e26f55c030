"""The per-sample loop computes the same loss and gradients as the vectorised network."""

import numpy as np
import pytest

import backproplab as bp


def _problem(activation, hidden=10, n=40, seed=0):
    net = bp.Network(hidden=hidden, activation=activation, seed=seed)
    data = bp.bump_data(n=n, seed=seed + 1)
    return net, data.x, data.y


@pytest.mark.parametrize("activation", sorted(bp.ACTIVATIONS))
@pytest.mark.parametrize(("hidden", "n"), [(1, 1), (3, 7), (10, 100)])
def test_loop_gradients_equal_the_vectorised_gradients(activation, hidden, n):
    net, x, y = _problem(activation, hidden, n)
    loss, grads = net.loss_and_grads(x, y)
    loop_loss, loop_grads = bp.loop_loss_and_grads(net, x, y)
    assert loop_loss == pytest.approx(loss, rel=1e-12)
    assert list(loop_grads) == list(grads)
    for name in bp.PARAM_NAMES:
        assert loop_grads[name].shape == grads[name].shape
        np.testing.assert_allclose(loop_grads[name], grads[name], rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_loop_gradients_agree_with_central_differences(activation):
    net, x, y = _problem(activation, hidden=6, n=25, seed=3)
    _, loop_grads = bp.loop_loss_and_grads(net, x, y)
    numeric = bp.numerical_grads(net, x, y, eps=1e-6)
    for name in bp.PARAM_NAMES:
        assert bp.relative_error(loop_grads[name], numeric[name]) < 1e-7, name


def test_loop_gradients_leave_the_parameters_unchanged():
    net, x, y = _problem("sigmoid")
    before = {name: p.copy() for name, p in net.params.items()}
    bp.loop_loss_and_grads(net, x, y)
    for name, p in net.params.items():
        np.testing.assert_array_equal(p, before[name])


def test_a_loop_epoch_equals_one_epoch_of_gradient_descent():
    net, x, y = _problem("sigmoid")
    twin = net.copy()
    loss = bp.loop_epoch(net, x, y, lr=0.5)
    hist = bp.train(twin, x, y, lr=0.5, epochs=1)
    assert loss == pytest.approx(hist.loss[0], rel=1e-12)
    for name in bp.PARAM_NAMES:
        np.testing.assert_allclose(net.params[name], twin.params[name], rtol=1e-12, atol=1e-15)


def test_loop_epochs_lower_the_loss_on_the_seed_problem():
    net = bp.Network(hidden=10, seed=0)
    data = bp.bump_data(seed=0)
    losses = [bp.loop_epoch(net, data.x, data.y, lr=0.1) for _ in range(5)]
    assert losses[-1] < losses[0]


@pytest.mark.parametrize("lr", [0, -0.1, float("nan")])
def test_loop_epoch_rejects_a_learning_rate_that_is_not_positive(lr):
    net, x, y = _problem("sigmoid")
    with pytest.raises(ValueError, match="lr"):
        bp.loop_epoch(net, x, y, lr=lr)


def test_loop_rejects_x_and_y_of_different_lengths():
    net, x, y = _problem("sigmoid")
    with pytest.raises(ValueError, match="x and y"):
        bp.loop_loss_and_grads(net, x, y[:-1])
