"""The gradient check: central differences, relative error and its bands."""

import numpy as np
import pytest

import backproplab as bp


def test_a_correct_network_passes_and_leaves_its_parameters_untouched():
    net = bp.Network(hidden=5, activation="tanh", seed=1)
    before = {k: v.copy() for k, v in net.params.items()}
    data = bp.bump_data(n=20, seed=2)
    report = bp.grad_check(net, data.x, data.y)
    assert report.ok
    assert all(e < bp.gradcheck.FINE for e in report.errors.values())
    for name in bp.PARAM_NAMES:
        np.testing.assert_array_equal(net.params[name], before[name])


def test_a_wrong_gradient_is_flagged_as_wrong():
    class ForgotTheTwo(bp.Network):
        def _loss_and_grads(self, x, y):
            loss, grads = super()._loss_and_grads(x, y)
            grads["w2"] = grads["w2"] / 2
            return loss, grads

    data = bp.bump_data(n=20)
    report = bp.grad_check(ForgotTheTwo(hidden=3), data.x, data.y)
    assert not report.ok
    assert report.worst() == "w2"
    assert "wrong" in str(report) and "1e-07" in str(report) and "1e-02" in str(report)


def test_central_differences_of_a_quadratic_are_exact_to_roundoff():
    net = bp.Network(hidden=1)
    net.params = {"w1": [0.0], "b1": [0.0], "w2": [0.0], "b2": 0.3}
    # With w2 = 0 the loss is mean((b2 - y)^2), whose b2-derivative is 2 mean(b2 - y).
    x, y = np.array([0.1, 0.2]), np.array([1.0, 2.0])
    g = bp.numerical_grads(net, x, y)
    assert g["b2"] == pytest.approx(2 * np.mean(0.3 - y), rel=1e-9)


@pytest.mark.parametrize(
    "a, b, expected",
    [([1.0], [1.0], 0.0), ([0.0], [0.0], 0.0), ([1.0], [-1.0], 1.0), ([2.0], [1.0], 1 / 3)],
)
def test_relative_error_is_scale_free(a, b, expected):
    assert bp.relative_error(a, b) == pytest.approx(expected)
    assert bp.relative_error(np.multiply(a, 1e6), np.multiply(b, 1e6)) == pytest.approx(expected)


def test_numerical_grads_rejects_a_bad_step():
    with pytest.raises(ValueError, match="eps"):
        bp.numerical_grads(bp.Network(hidden=1), [0.0], [0.0], eps=0)
